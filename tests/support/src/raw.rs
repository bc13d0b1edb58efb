//! A raw HTTP/1.1 server on 127.0.0.1 for the suites that read what the client sends byte for
//! byte and answer with any bytes at all (stalls, resets, cut bodies): each accepted
//! connection is handed to the test's behaviour, and every loop is bounded.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Connections a test server accepts before it stops listening.
pub const MAX_CONNECTIONS: usize = 32;
/// Requests one connection serves at most.
pub const MAX_REQUESTS: usize = 16;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request line.
    pub line: String,
    /// Header names lowercased, values as sent, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    /// Whether the request line starts with this method.
    pub fn is(&self, method: &str) -> bool {
        self.line.starts_with(&format!("{method} "))
    }
}

/// A local server and what it saw.
pub struct Local {
    pub base: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl Local {
    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Whole requests read so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// One accepted connection, handed to the test's behaviour.
pub struct Conn {
    socket: TcpStream,
    /// Connections accepted before this one.
    pub index: usize,
    requests: Arc<AtomicUsize>,
    pending: Vec<u8>,
}

impl Conn {
    /// Reads one whole request (its head, and a body of its `Content-Length`: this client
    /// sends no chunked body) and counts it; `None` when the client closed the connection or
    /// sent nothing for a while.
    pub async fn request(&mut self) -> Option<Request> {
        let mut buffer = [0u8; 8192];
        for _ in 0..4096 {
            if let Some(end) = self.pending.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.pending[..end]).into_owned();
                let mut lines = head.split("\r\n");
                let line = lines.next().unwrap_or_default().to_owned();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
                    .collect();
                let length = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .and_then(|(_, v)| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if self.pending.len() >= end + 4 + length {
                    let body = self.pending[end + 4..end + 4 + length].to_vec();
                    self.pending.drain(..end + 4 + length);
                    self.requests.fetch_add(1, Ordering::SeqCst);
                    return Some(Request {
                        line,
                        headers,
                        body,
                    });
                }
            }
            let read = tokio::time::timeout(Duration::from_secs(5), self.socket.read(&mut buffer));
            match read.await {
                Ok(Ok(n)) if n > 0 => self.pending.extend_from_slice(&buffer[..n]),
                _ => return None,
            }
        }
        None
    }

    /// Writes and flushes; `false` once the client is gone.
    pub async fn write(&mut self, bytes: &[u8]) -> bool {
        self.socket.write_all(bytes).await.is_ok() && self.socket.flush().await.is_ok()
    }

    /// Closes with a TCP reset instead of a clean close.
    pub fn reset(self) {
        let _ = self.socket.set_zero_linger();
        drop(self.socket);
    }
}

/// Serves every connection (up to [`MAX_CONNECTIONS`]) with `behave`.
pub async fn serve<F, Fut>(behave: F) -> Local
where
    F: Fn(Conn) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let local = Local {
        base: format!("http://{address}"),
        connections: connections.clone(),
        requests: requests.clone(),
    };
    tokio::spawn(async move {
        for index in 0..MAX_CONNECTIONS {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            connections.fetch_add(1, Ordering::SeqCst);
            let conn = Conn {
                socket,
                index,
                requests: requests.clone(),
                pending: Vec::new(),
            };
            tokio::spawn(behave(conn));
        }
    });
    local
}

/// A JSON answer with its length, and any extra header lines (each ending in `\r\n`).
pub fn json_answer(status: &str, body: &str, extra_headers: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra_headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}
