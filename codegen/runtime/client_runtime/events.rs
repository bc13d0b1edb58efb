//! `EventStream`: a typed Server-Sent Events answer, with its idle clock and what a stream
//! cut short reports.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::error::chain;
use super::{Error, StreamError, Truncation, later, private, sse};

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// Typed Server-Sent Events: one item per `data:` frame, until `data: [DONE]`.
///
/// An `event: error` frame yields [`StreamError::Server`]; a frame that does not decode yields
/// [`Error::Decode`] and the stream goes on; every other end before `[DONE]` (the body closed or
/// cut, or no byte for the idle limit) yields [`StreamError::Truncated`], with the count of
/// events and the last event id. An event larger than its limit, or more held waiting for an
/// event's end than allowed, ends the stream with [`StreamError::TooLarge`] after the events
/// before it. Pings and event types this client does not know are items too.
pub struct EventStream<T> {
    status: u16,
    bytes: ByteStream,
    parser: sse::Parser,
    idle_timeout: Option<Duration>,
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Bytes arrived since the idle clock last started.
    heard: bool,
    events: u64,
    /// The last event whose data names a `seq_id`, read only if the stream is cut.
    last_numbered: Option<Numbered>,
    finished: bool,
    _item: std::marker::PhantomData<fn() -> T>,
}

/// The last event that names a `seq_id`: a small one kept as it is, read only if the stream is
/// cut; a large one read at once, so that no copy of it is held.
enum Numbered {
    Data(Vec<u8>),
    SeqId(Option<String>),
}

/// Events larger than this have their `seq_id` read at once rather than copied.
const COPIED: usize = 64 << 10;

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("events", &self.events)
            .field("finished", &self.finished)
            .finish()
    }
}

impl<T> EventStream<T> {
    pub(super) fn new(
        status: u16,
        bytes: impl Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static,
        idle_timeout: Option<Duration>,
        limits: sse::Limits,
    ) -> Self {
        EventStream {
            status,
            bytes: Box::pin(bytes),
            parser: sse::Parser::new(limits),
            idle_timeout,
            idle: None,
            heard: false,
            events: 0,
            last_numbered: None,
            finished: false,
            _item: std::marker::PhantomData,
        }
    }

    /// Typed events from any body (a recorded stream, say), with no idle limit and the
    /// client's default size limits.
    pub fn from_bytes(bytes: impl Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static) -> Self {
        EventStream::new(200, bytes, None, sse::Limits::default())
    }

    /// Events received so far (those that did not decode included).
    pub fn events(&self) -> u64 {
        self.events
    }

    fn finish(&mut self, item: Option<Result<T, Error>>) -> Poll<Option<Result<T, Error>>> {
        self.finished = true;
        Poll::Ready(item)
    }

    fn last_event_id(&self) -> Option<String> {
        self.parser.last_id.clone().or_else(|| match &self.last_numbered {
            Some(Numbered::Data(data)) => sse::seq_id(data),
            Some(Numbered::SeqId(id)) => id.clone(),
            None => None,
        })
    }

    fn truncated(&mut self, cause: Truncation) -> Poll<Option<Result<T, Error>>> {
        let error = StreamError::Truncated { events: self.events, last_event_id: self.last_event_id(), cause };
        self.finish(Some(Err(Error::Stream(error))))
    }

    fn too_large(&mut self, overflow: sse::Overflow) -> Poll<Option<Result<T, Error>>> {
        let sse::Overflow { kind, limit, seen } = overflow;
        let error =
            StreamError::TooLarge { kind, limit, seen, events: self.events, last_event_id: self.last_event_id() };
        self.finish(Some(Err(Error::Stream(error))))
    }
}

impl<T: DeserializeOwned> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            let next = match this.parser.next_event() {
                Ok(next) => next,
                Err(overflow) => return this.too_large(overflow),
            };
            if let Some(event) = next {
                if event.name == Some("error") {
                    let data = String::from_utf8_lossy(event.data).into_owned();
                    return this.finish(Some(Err(Error::Stream(StreamError::Server { data }))));
                }
                let data = event.data.trim_ascii();
                if data.is_empty() {
                    continue;
                }
                if data == b"[DONE]" {
                    return this.finish(None);
                }
                this.events += 1;
                if memchr::memmem::find(data, b"\"seq_id\"").is_some() {
                    this.last_numbered = Some(if data.len() <= COPIED {
                        Numbered::Data(data.to_vec())
                    } else {
                        Numbered::SeqId(sse::seq_id(data))
                    });
                }
                return Poll::Ready(Some(private::decode(this.status, data)));
            }
            match this.bytes.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    this.heard = true;
                    this.parser.push(&chunk);
                }
                Poll::Ready(Some(Err(e))) => return this.truncated(Truncation::Cut(chain(&e))),
                Poll::Ready(None) => return this.truncated(Truncation::Closed),
                Poll::Pending => {
                    if let Some(limit) = this.idle_timeout {
                        // Started at the first wait, so building a stream needs no runtime; any
                        // byte since the last wait (a comment, a ping) starts it again.
                        let heard = std::mem::take(&mut this.heard);
                        let idle = this.idle.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                        if heard {
                            idle.as_mut().reset(later(tokio::time::Instant::now(), limit));
                        }
                        if idle.as_mut().poll(cx).is_ready() {
                            return this.truncated(Truncation::Idle(limit));
                        }
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}
