//! Credentials and servers come from the document: a crate generated from a document with every
//! kind of security scheme (HTTP bearer and basic, API keys in a header, the query and a
//! cookie, OAuth 2, OpenID Connect), document-level and per-operation requirements (`[]`,
//! alternatives, a pair sent together, an optional one) and several servers sends each
//! operation's credentials, and nothing else, to a local server that records what arrived.

mod support;

use codegen::model::{KeyLocation, SchemeKind};
use codegen::{Options, Selection};
use serde_json::json;

fn document() -> String {
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}});
    let get = |id: &str, security: Option<serde_json::Value>| {
        let mut op = json!({"operationId": id, "responses": ok});
        if let Some(security) = security {
            op["security"] = security;
        }
        json!({"get": op})
    };
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Security Check", "version": "1"},
        "servers": [
            {"url": "https://{region}.example.com/v1", "description": "Production",
             "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}},
            {"url": "http://localhost:9000", "description": "Local"},
            {"url": "/relative"}
        ],
        "security": [{"headerKey": []}],
        "paths": {
            "/default": get("byDefault", None),
            "/public": get("public", Some(json!([]))),
            "/bearer": get("bearer", Some(json!([{"bearerAuth": []}]))),
            "/basic": get("basic", Some(json!([{"basicAuth": []}]))),
            "/query": get("query", Some(json!([{"queryKey": []}]))),
            "/cookie": get("cookie", Some(json!([{"cookieKey": []}]))),
            "/oauth": get("oauth", Some(json!([{"oauth": ["read"]}]))),
            "/oidc": get("oidc", Some(json!([{"oidc": []}]))),
            "/either": get("either", Some(json!([{"bearerAuth": []}, {"queryKey": []}]))),
            "/both": get("both", Some(json!([{"headerKey": [], "queryKey": []}]))),
            "/optional": get("optional", Some(json!([{}, {"bearerAuth": []}]))),
            "/mtls": get("mtls", Some(json!([{"mtls": []}])))
        },
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            "basicAuth": {"type": "http", "scheme": "Basic"},
            "headerKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
            "cookieKey": {"type": "apiKey", "in": "cookie", "name": "session"},
            "oauth": {"type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": "https://example.com/token", "scopes": {"read": "read"}}}},
            "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://example.com/.well-known"},
            "mtls": {"type": "mutualTLS"},
            "unused": {"type": "apiKey", "in": "header", "name": "X-Unused"}
        }}
    })
    .to_string()
}

#[test]
fn the_model_holds_the_servers_and_schemes_the_document_declares() {
    let generated =
        codegen::generate_with_warnings(&document(), &Options::default()).expect("generates");
    let model = codegen::model(&document(), &Selection::All).expect("models");
    let api = &model.api;
    assert_eq!(api.crate_name, "security-check");
    assert_eq!(api.base_url_env, "SECURITY_CHECK_BASE_URL");
    assert_eq!(
        api.default_base_url.as_deref(),
        Some("https://eu.example.com/v1")
    );
    let servers: Vec<(&str, &str)> = api
        .servers
        .iter()
        .map(|s| (s.constant.as_str(), s.url.as_str()))
        .collect();
    assert_eq!(
        servers,
        [
            ("PRODUCTION_BASE_URL", "https://eu.example.com/v1"),
            ("LOCAL_BASE_URL", "http://localhost:9000")
        ],
        "a relative server is offered by no constant"
    );
    let schemes: Vec<(&str, &str, &str)> = api
        .schemes
        .iter()
        .map(|s| (s.key.as_str(), s.setter.as_str(), s.env.as_str()))
        .collect();
    assert_eq!(
        schemes,
        [
            ("bearerAuth", "bearer_auth", "SECURITY_CHECK_BEARER_AUTH"),
            ("basicAuth", "basic_auth", "SECURITY_CHECK_BASIC_AUTH"),
            ("headerKey", "header_key", "SECURITY_CHECK_HEADER_KEY"),
            ("queryKey", "query_key", "SECURITY_CHECK_QUERY_KEY"),
            ("cookieKey", "cookie_key", "SECURITY_CHECK_COOKIE_KEY"),
            ("oauth", "oauth", "SECURITY_CHECK_OAUTH"),
            ("oidc", "oidc", "SECURITY_CHECK_OIDC"),
        ],
        "unsupported (mutualTLS) and unused schemes are left out"
    );
    assert_eq!(
        api.schemes[3].kind,
        SchemeKind::ApiKey {
            location: KeyLocation::Query,
            name: "api_key".into()
        }
    );
    let security = |id: &str| {
        model
            .operations
            .iter()
            .find(|op| op.operation_id == id)
            .map(|op| op.security.alternatives.clone())
            .expect("the operation")
    };
    assert_eq!(security("byDefault"), [vec![2]], "the document's own");
    assert!(
        security("public").is_empty(),
        "`security: []` asks for nothing"
    );
    assert_eq!(security("either"), [vec![0], vec![3]]);
    assert_eq!(security("both"), [vec![2, 3]]);
    assert_eq!(security("optional"), [vec![], vec![0]]);
    assert!(security("mtls").is_empty(), "nothing the client can send");
    assert!(
        generated
            .warnings
            .iter()
            .any(|w| w.pointer.ends_with("/securitySchemes/mtls")),
        "{:?}",
        generated.warnings
    );
}

#[test]
fn the_change_report_covers_servers_and_security() {
    use codegen::changes::{Surface, compare, report};
    let old = codegen::model(&document(), &Selection::All).expect("models");
    let mut changed: serde_json::Value = serde_json::from_str(&document()).expect("JSON");
    changed["paths"]["/bearer"]["get"]["security"] = json!([{"queryKey": []}]);
    changed["servers"][1]["url"] = json!("http://localhost:9001");
    changed["components"]["securitySchemes"]["headerKey"]["name"] = json!("X-Key");
    let new = codegen::model(&changed.to_string(), &Selection::All).expect("models");
    let text = report(&compare(&Surface::of(&old), &Surface::of(&new)));
    for expected in [
        "security of `bearer`",
        "bearerAuth",
        "queryKey",
        "server constant `LOCAL_BASE_URL`",
        "http://localhost:9001",
        "credential `headerKey`",
        "X-Key",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
}

/// The configuration names what the document does not: the crate, the prefix, the servers,
/// a credential's variable.
#[test]
fn the_configuration_overrides_the_document() {
    let options = Options::from_config(
        r#"{"crate_name": "my-api", "env_prefix": "MINE", "base_url": "https://other.example",
            "servers": [{"name": "HOSTED", "url": "https://hosted.example"}],
            "credentials": {"bearerAuth": "TOKEN"}, "path_prefix": "/b"}"#,
    )
    .expect("a configuration");
    assert_eq!(options.selection, Selection::PathPrefix("/b".into()));
    let files = codegen::generate(&document(), &options).expect("generates");
    let client = files
        .iter()
        .find(|f| f.path == "src/client.rs")
        .expect("client.rs");
    for expected in [
        "HOSTED_BASE_URL = \"https://hosted.example\";",
        "base_url: \"MINE_BASE_URL\" or \"https://other.example\";",
        "from \"MINE_TOKEN\" as Bearer;",
        "from \"MINE_BASIC_AUTH\" as Basic;",
    ] {
        assert!(client.contents.contains(expected), "{expected}");
    }
    let cargo = files
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .expect("manifest");
    assert!(cargo.contents.contains("name = \"my-api\""));
    let unknown = Options::from_config(r#"{"crate": "x"}"#).expect_err("an unknown key");
    assert!(unknown.to_string().contains("`crate`"), "{unknown}");
}

/// The generated crate's own test: a one-connection-at-a-time HTTP server on a thread records
/// each request's target and credential headers.
const CLIENT_TEST: &str = r#"
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use security_check::Client;
use security_check::client::{LOCAL_BASE_URL, PRODUCTION_BASE_URL};

#[derive(Debug, Default, PartialEq)]
struct Seen {
    target: String,
    authorization: Option<String>,
    api_key: Option<String>,
    cookie: Option<String>,
}

fn serve() -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.expect("connection");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            reader.read_line(&mut line).expect("request line");
            let mut seen = Seen { target: line.split(' ').nth(1).unwrap_or_default().to_owned(), ..Seen::default() };
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).expect("header");
                if header.trim().is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').expect("a header");
                let value = Some(value.trim().to_owned());
                match name.to_ascii_lowercase().as_str() {
                    "authorization" => seen.authorization = value,
                    "x-api-key" => seen.api_key = value,
                    "cookie" => seen.cookie = value,
                    _ => {}
                }
            }
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                .expect("answer");
            if send.send(seen).is_err() {
                break;
            }
        }
    });
    (base, receive)
}

fn seen(target: &str, authorization: Option<&str>, api_key: Option<&str>, cookie: Option<&str>) -> Seen {
    Seen {
        target: target.to_owned(),
        authorization: authorization.map(str::to_owned),
        api_key: api_key.map(str::to_owned),
        cookie: cookie.map(str::to_owned),
    }
}

#[tokio::test]
async fn each_operation_sends_what_its_security_names_and_nothing_more() {
    let (base, requests) = serve();
    let client = Client::builder(&base)
        .bearer_auth("b-token")
        .basic_auth("user", "pa:ss")
        .header_key("h-key")
        .query_key("q key&")
        .cookie_key("c-key")
        .oauth("o-token")
        .oidc("i-token")
        .build()
        .expect("a client");
    let debug = format!("{client:?}");
    for secret in ["b-token", "pa:ss", "h-key", "q key", "c-key", "o-token", "i-token", "dXNlcjpwYTpzcw"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert!(debug.contains("bearerAuth"), "Debug names the credentials set: {debug}");

    client.by_default().send().await.expect("by default");
    assert_eq!(requests.recv().expect("a request"), seen("/default", None, Some("h-key"), None));
    client.public().send().await.expect("public");
    assert_eq!(requests.recv().expect("a request"), seen("/public", None, None, None));
    client.bearer().send().await.expect("bearer");
    assert_eq!(requests.recv().expect("a request"), seen("/bearer", Some("Bearer b-token"), None, None));
    client.basic().send().await.expect("basic");
    // base64("user:pa:ss")
    assert_eq!(requests.recv().expect("a request"), seen("/basic", Some("Basic dXNlcjpwYTpzcw=="), None, None));
    client.query().send().await.expect("query");
    assert_eq!(requests.recv().expect("a request"), seen("/query?api_key=q+key%26", None, None, None));
    client.cookie().send().await.expect("cookie");
    assert_eq!(requests.recv().expect("a request"), seen("/cookie", None, None, Some("session=c-key")));
    client.oauth().send().await.expect("oauth");
    assert_eq!(requests.recv().expect("a request"), seen("/oauth", Some("Bearer o-token"), None, None));
    client.oidc().send().await.expect("oidc");
    assert_eq!(requests.recv().expect("a request"), seen("/oidc", Some("Bearer i-token"), None, None));
    client.either().send().await.expect("either");
    assert_eq!(requests.recv().expect("a request"), seen("/either", Some("Bearer b-token"), None, None), "the first alternative");
    client.both().send().await.expect("both");
    assert_eq!(requests.recv().expect("a request"), seen("/both?api_key=q+key%26", None, Some("h-key"), None));
    client.optional().send().await.expect("optional");
    assert_eq!(requests.recv().expect("a request"), seen("/optional", Some("Bearer b-token"), None, None));
    client.mtls().send().await.expect("mtls");
    assert_eq!(requests.recv().expect("a request"), seen("/mtls", None, None, None));

    // Only a query key: the alternative that asks for it; an optional requirement sends none.
    let partial = Client::builder(&base).query_key("q").build().expect("a client");
    partial.either().send().await.expect("either");
    assert_eq!(requests.recv().expect("a request"), seen("/either?api_key=q", None, None, None));
    partial.optional().send().await.expect("optional");
    assert_eq!(requests.recv().expect("a request"), seen("/optional", None, None, None));
    // `token` sets every scheme that takes one token or key, never basic auth.
    let token = Client::builder(&base).token("t").build().expect("a client");
    token.by_default().send().await.expect("by default");
    assert_eq!(requests.recv().expect("a request"), seen("/default", None, Some("t"), None));
    token.basic().send().await.expect("basic");
    assert_eq!(requests.recv().expect("a request"), seen("/basic", None, None, None));
}

#[tokio::test]
async fn a_query_key_never_shows_in_errors() {
    // Nothing listens on port 9 of this machine: a transport error, which names no URL.
    let client = Client::builder("http://127.0.0.1:9").query_key("secret-key").max_retries(0).build().expect("a client");
    let error = client.query().send().await.expect_err("no server");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("secret-key"), "{shown}");
    let header = Client::builder("http://127.0.0.1:9").header_key("bad\nkey").build().expect("a client");
    let error = header.by_default().send().await.expect_err("not a header value");
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("headerKey") && !shown.contains("bad"), "{shown}");
}

#[test]
fn servers_and_credentials_come_from_the_environment() {
    assert_eq!(PRODUCTION_BASE_URL, "https://eu.example.com/v1");
    assert_eq!(LOCAL_BASE_URL, "http://localhost:9000");
    // SAFETY: the only test of this binary that touches the environment.
    unsafe {
        std::env::remove_var("SECURITY_CHECK_BASE_URL");
        std::env::set_var("SECURITY_CHECK_HEADER_KEY", "env-key");
        std::env::set_var("SECURITY_CHECK_BASIC_AUTH_USERNAME", "env-user");
    }
    let client = Client::from_env().expect("from env");
    assert_eq!(client.base_url(), PRODUCTION_BASE_URL, "the first server");
    let debug = format!("{client:?}");
    assert!(debug.contains("headerKey") && debug.contains("basicAuth") && !debug.contains("env-key"), "{debug}");
    unsafe {
        std::env::set_var("SECURITY_CHECK_BASE_URL", LOCAL_BASE_URL);
    }
    assert_eq!(Client::from_env().expect("from env").base_url(), LOCAL_BASE_URL);
}
"#;

#[test]
fn a_generated_client_sends_each_operations_credentials() {
    let options = Options {
        source_label: "security.json".to_owned(),
        standalone: true,
        ..Options::default()
    };
    let files = codegen::generate(&document(), &options).expect("generates");
    assert!(
        support::generated_crate_test_passes(&files, "security-check", CLIENT_TEST),
        "the generated client sends each operation's credentials, and only those"
    );
}
