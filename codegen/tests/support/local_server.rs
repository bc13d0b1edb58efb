//! A local HTTP/1.1 server for the suites whose generated crate calls one: each connection's
//! request head is read, and the answer is what `respond` makes of its request line.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Serves on 127.0.0.1 until the test ends; returns the base URL.
pub fn serve(respond: impl Fn(&str) -> String + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Ok(clone) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(clone);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).map_or(true, |n| n == 0)
                    || header.trim().is_empty()
                {
                    break;
                }
            }
            let _ = stream.write_all(respond(&line).as_bytes());
        }
    });
    base
}

/// A 200 answer with a JSON body, closing the connection.
pub fn json_answer(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}
