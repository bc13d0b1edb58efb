//! Operations whose description names servers of their own (an upload host, say) send their
//! calls there while the client talks to one of the document's servers, and to the client's
//! base URL when it is anything else (a proxy, a mock): a crate generated from such a document
//! calls two local servers, which answer with where the call arrived.

#[path = "support/local_server.rs"]
mod local_server;
mod support;

use codegen::changes::{Surface, compare, report};
use codegen::{Options, Selection};
use serde_json::json;

/// The document: two servers of its own (`main`, `second`), an upload operation with two
/// servers of its own in the same order, a path item whose servers its operation inherits,
/// and servers a client cannot start from or that are the document's own, which change nothing.
fn document(main: &str, uploads: &str) -> String {
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Servers Check", "version": "1"},
        "servers": [
            {"url": main, "description": "Main"},
            {"url": format!("{main}/second"), "description": "Second"}
        ],
        "paths": {
            "/plain": {"get": {"operationId": "plain", "responses": ok}},
            "/upload": {"post": {"operationId": "upload", "responses": ok, "servers": [
                {"url": uploads}, {"url": "{origin}/two", "variables": {"origin": {"default": uploads}}}
            ]}},
            "/files": {
                "servers": [{"url": uploads}],
                "get": {"operationId": "files", "responses": ok}
            },
            "/same": {"get": {"operationId": "same", "responses": ok, "servers": [
                {"url": main}, {"url": format!("{main}/second")}
            ]}},
            "/relative": {"get": {"operationId": "relative", "responses": ok, "servers": [{"url": "/v2"}]}}
        }
    })
    .to_string()
}

#[test]
fn each_operation_holds_the_servers_it_names_instead_of_the_documents() {
    let main = "https://api.example.com";
    let uploads = "https://uploads.example.com";
    let model = codegen::model(&document(main, uploads), &Selection::All).expect("models");
    let servers: Vec<(&str, Vec<&str>)> = model
        .operations
        .iter()
        .map(|op| {
            let urls = op.servers.iter().map(String::as_str).collect();
            (op.operation_id.as_str(), urls)
        })
        .collect();
    assert_eq!(
        servers,
        [
            ("plain", vec![]),
            ("upload", vec![uploads, "https://uploads.example.com/two"]),
            ("files", vec![uploads]),
            ("same", vec![]),
            ("relative", vec![]),
        ]
    );
    let files =
        codegen::generate(&document(main, uploads), &Options::default()).expect("generates");
    let listing = files
        .iter()
        .find(|f| f.path == "API.md")
        .expect("an API listing");
    assert!(
        listing
            .contents
            .contains("- servers: https://uploads.example.com, https://uploads.example.com/two"),
        "{}",
        listing.contents
    );
    let mut moved: serde_json::Value =
        serde_json::from_str(&document(main, uploads)).expect("JSON");
    moved["paths"]["/files"]["servers"][0]["url"] = json!("https://files.example.com");
    let moved = codegen::model(&moved.to_string(), &Selection::All).expect("models");
    let text = report(&compare(&Surface::of(&model), &Surface::of(&moved)));
    assert!(
        text.contains("servers of `files`") && text.contains("https://files.example.com"),
        "{text}"
    );
}

/// Answers every request with where it arrived: `{"at": name, "path": target}`.
fn serve(name: &'static str) -> String {
    local_server::serve(move |line| {
        let target = line.split(' ').nth(1).unwrap_or_default();
        local_server::json_answer(&json!({"at": name, "path": target}).to_string())
    })
}

const CLIENT_TEST: &str = r#"
use servers_check::Client;
use servers_check::client::{CallOptions, MAIN_BASE_URL, SECOND_BASE_URL};

fn arrived(answer: serde_json::Value) -> (String, String) {
    let text = |key: &str| answer[key].as_str().expect("a string").to_owned();
    (text("at"), text("path"))
}

fn at(name: &str, path: &str) -> (String, String) {
    (name.to_owned(), path.to_owned())
}

#[tokio::test]
async fn an_operation_goes_to_its_own_server_while_the_client_talks_to_the_documents() {
    let main = Client::new(MAIN_BASE_URL).expect("client");
    assert_eq!(arrived(main.plain().send().await.expect("plain")), at("main", "/plain"));
    assert_eq!(arrived(main.upload().send().await.expect("upload")), at("uploads", "/upload"));
    assert_eq!(arrived(main.files().send().await.expect("files")), at("uploads", "/files"));
    assert_eq!(arrived(main.same().send().await.expect("same")), at("main", "/same"));
    assert_eq!(arrived(main.relative().send().await.expect("relative")), at("main", "/relative"));

    // The document's second server: the operation's second, else its first.
    let second = Client::new(format!("{SECOND_BASE_URL}/")).expect("client");
    assert_eq!(arrived(second.plain().send().await.expect("plain")), at("main", "/second/plain"));
    assert_eq!(arrived(second.upload().send().await.expect("upload")), at("uploads", "/two/upload"));
    assert_eq!(arrived(second.files().send().await.expect("files")), at("uploads", "/files"));
}

#[tokio::test]
async fn any_other_base_url_takes_every_call_and_one_call_can_go_elsewhere() {
    let proxy = Client::new(format!("{MAIN_BASE_URL}/proxy")).expect("client");
    assert_eq!(arrived(proxy.upload().send().await.expect("upload")), at("main", "/proxy/upload"));
    assert_eq!(arrived(proxy.files().send().await.expect("files")), at("main", "/proxy/files"));
    let main = Client::new(MAIN_BASE_URL).expect("client");
    let elsewhere = main.upload().base_url(format!("{MAIN_BASE_URL}/elsewhere"));
    assert_eq!(arrived(elsewhere.send().await.expect("upload")), at("main", "/elsewhere/upload"));
}
"#;

#[test]
fn a_generated_client_sends_each_operation_to_its_server() {
    let main = serve("main");
    let uploads = serve("uploads");
    let options = Options {
        source_label: "servers.json".to_owned(),
        standalone: true,
        ..Options::default()
    };
    let files = codegen::generate(&document(&main, &uploads), &options).expect("generates");
    assert!(
        support::generated_crate_test_passes(&files, "servers-check", CLIENT_TEST),
        "each operation goes to its own server while the client's base URL is the document's"
    );
}
