//! Request bodies are sent as their media type says: a crate generated from a document with
//! JSON, form, multipart, raw and merge-patch bodies sends each to a local server, which records
//! the `Content-Type` and the bytes it got. The same crate sends the route lowering settled: a
//! query pair written into the path template that names a query parameter reaches the wire
//! once, with the other query parameters.

mod support;

use codegen::{Options, Selection};
use serde_json::json;

fn document() -> String {
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}});
    let fields = json!({"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "count": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "meta": {"type": "object", "properties": {"k": {"type": "string"}}},
        "note": {"type": "string"}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "bodies", "version": "1"},
        "paths": {
            "/form": {"post": {"operationId": "sendForm", "requestBody": {"required": true, "content": {
                "application/x-www-form-urlencoded": {"schema": fields}}}, "responses": ok}},
            "/upload": {"post": {"operationId": "upload", "requestBody": {"required": true, "content": {
                "multipart/form-data": {"schema": fields}}}, "responses": ok}},
            "/raw": {"put": {"operationId": "putRaw", "requestBody": {"required": true, "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}, "responses": ok}},
            "/xml": {"post": {"operationId": "postXml", "requestBody": {"content": {
                "text/xml; charset=utf-8": {"schema": fields}}}, "responses": ok}},
            "/merge": {"patch": {"operationId": "merge", "requestBody": {"required": true, "content": {
                "application/merge-patch+json": {"schema": fields}}}, "responses": ok}},
            "/both": {"post": {"operationId": "both", "requestBody": {"required": true, "content": {
                "text/xml": {"schema": fields}, "application/json": {"schema": fields}}}, "responses": ok}},
            "/search/articles?query={query}&view=full": {"get": {"operationId": "search", "parameters": [
                {"name": "query", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer"}}], "responses": ok}}
        }
    })
    .to_string()
}

/// The generated crate's own test: a one-connection-at-a-time HTTP server on a thread records
/// each request; every operation is sent once and what arrived is checked.
const CLIENT_TEST: &str = r#"
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use bodies_check::models::*;

/// `(method and path, content type, body)` of each request, in order.
fn serve(count: usize) -> (String, mpsc::Receiver<(String, String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let mut stream = stream.expect("connection");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            reader.read_line(&mut line).expect("request line");
            let target = line.split(' ').take(2).collect::<Vec<_>>().join(" ");
            let (mut length, mut content_type) = (0, String::new());
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).expect("header");
                if header.trim().is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').expect("a header");
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().expect("a length"),
                    "content-type" => content_type = value.trim().to_owned(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("body");
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                .expect("answer");
            send.send((target, content_type, body)).expect("record");
        }
    });
    (base, receive)
}

fn fields() -> SendFormBody {
    SendFormBody {
        count: Some(3),
        tags: Some(vec!["a b".into(), "c&d".into()]),
        meta: Some(SendFormBodyMeta { k: Some("v".into()), ..Default::default() }),
        ..SendFormBody::new("x=y".into())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn bodies_are_sent_as_their_media_type_says() {
    let (base, requests) = serve(7);
    let client = bodies_check::Client::builder(base).max_retries(0).build().expect("a client");
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).expect("text");

    client.send_form(fields()).send().await.expect("form");
    let (target, content_type, body) = requests.recv().expect("a request");
    assert_eq!(target, "POST /form");
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert_eq!(text(&body), "name=x%3Dy&count=3&tags=a+b&tags=c%26d&meta=%7B%22k%22%3A%22v%22%7D");

    let upload: UploadBody = serde_json::from_value(serde_json::to_value(fields()).expect("json")).expect("same shape");
    client.upload(upload).send().await.expect("multipart");
    let (target, content_type, body) = requests.recv().expect("a request");
    assert_eq!(target, "POST /upload");
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a boundary");
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx=y\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n3\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na b\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nc&d\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":\"v\"}}\r\n\
         --{b}--\r\n",
        b = boundary
    );
    assert_eq!(text(&body), expected);

    client.put_raw(vec![0u8, 159, 146, 150]).send().await.expect("raw");
    let (target, content_type, body) = requests.recv().expect("a request");
    assert_eq!((target.as_str(), content_type.as_str()), ("PUT /raw", "application/octet-stream"));
    assert_eq!(body, [0u8, 159, 146, 150]);

    client.post_xml().body("<a>1</a>").send().await.expect("xml");
    let (_, content_type, body) = requests.recv().expect("a request");
    assert_eq!(content_type, "text/xml; charset=utf-8");
    assert_eq!(text(&body), "<a>1</a>");

    let merge: MergeBody = serde_json::from_value(serde_json::json!({"name": "n"})).expect("a body");
    client.merge(merge).send().await.expect("merge patch");
    let (target, content_type, body) = requests.recv().expect("a request");
    assert_eq!((target.as_str(), content_type.as_str()), ("PATCH /merge", "application/merge-patch+json"));
    assert_eq!(text(&body), "{\"name\":\"n\"}");

    let both: BothBody = serde_json::from_value(serde_json::json!({"name": "n"})).expect("a body");
    client.both(both).send().await.expect("json of two");
    let (_, content_type, _) = requests.recv().expect("a request");
    assert_eq!(content_type, "application/json", "JSON is chosen over XML");

    client.search("rust").page(2).send().await.expect("search");
    let (target, _, _) = requests.recv().expect("a request");
    assert_eq!(target, "GET /search/articles?view=full&query=rust&page=2", "each key once");
}
"#;

#[test]
fn bodies_are_sent_as_their_media_type_says() {
    let options = Options {
        selection: Selection::All,
        crate_name: Some("bodies-check".to_owned()),
        source_label: "bodies.json".to_owned(),
        standalone: true,
        ..Options::default()
    };
    let files = codegen::generate(&document(), &options).expect("generates");
    assert!(
        support::generated_crate_test_passes(&files, "bodies-check", CLIENT_TEST),
        "the generated client sends each body as its media type says"
    );
}
