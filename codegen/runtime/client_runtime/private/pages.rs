//! Pagination: an `after` cursor followed page by page, as one stream of items.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::client_runtime::Error;

/// Items of paginated lists: the cursor is the last item's id.
pub trait HasId {
    /// The item's id, if it has one.
    fn id(&self) -> Option<&str>;
}

/// A page size as a builder holds it: `i64`, or `u64` for a `uint64` parameter.
pub trait PageSize {
    /// The size, a `u64` beyond `i64::MAX` as `i64::MAX`: no page is that long.
    fn saturated(self) -> i64;
}

impl PageSize for i64 {
    fn saturated(self) -> i64 {
        self
    }
}

impl PageSize for u64 {
    fn saturated(self) -> i64 {
        i64::try_from(self).unwrap_or(i64::MAX)
    }
}

/// A page as `send()` gives it: a list, or an optional one where the description allows an
/// answer without a body (a 204), which ends the pages.
pub trait Page<T> {
    /// The page's items, none for an answer without a body.
    fn into_items(self) -> Vec<T>;
}

impl<T> Page<T> for Vec<T> {
    fn into_items(self) -> Vec<T> {
        self
    }
}

impl<T> Page<T> for Option<Vec<T>> {
    fn into_items(self) -> Vec<T> {
        self.unwrap_or_default()
    }
}

/// Follows the `after` cursor page by page, yielding items one at a time; stops after a
/// page shorter than `limit` (or an empty one), without asking for another.
pub fn paginate<T, P, F, Fut, L>(limit: Option<L>, fetch: F) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    L: PageSize,
    T: HasId + Send + 'static,
    P: Page<T>,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
{
    Pages { fetch, limit: limit.map(PageSize::saturated), cursor: None, buffer: std::collections::VecDeque::new(), pending: None, done: false }
}

struct Pages<T, F, Fut> {
    fetch: F,
    limit: Option<i64>,
    cursor: Option<String>,
    buffer: std::collections::VecDeque<T>,
    pending: Option<Pin<Box<Fut>>>,
    done: bool,
}

impl<T, F, Fut> Unpin for Pages<T, F, Fut> {}

impl<T, P, F, Fut> Stream for Pages<T, F, Fut>
where
    T: HasId,
    P: Page<T>,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.pending.is_none() {
                this.pending = Some(Box::pin((this.fetch)(this.cursor.take())));
            }
            let Some(pending) = this.pending.as_mut() else { continue };
            let page = match pending.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            this.pending = None;
            let page = match page {
                Ok(page) => page.into_items(),
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            };
            let short = page.is_empty() || this.limit.is_some_and(|limit| (page.len() as i64) < limit);
            let next = page.last().and_then(|item| item.id().map(str::to_owned));
            this.done = short || next.is_none();
            this.cursor = next;
            this.buffer.extend(page);
        }
    }
}
