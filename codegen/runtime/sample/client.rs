//! A client as the generator writes one: the API's description for the runtime, the declared
//! error bodies, `HasId`, and one operation of each kind (a paginated list, every way of
//! sending a body, an answer without a body, an event stream).

pub use crate::client_runtime::{
    ApiError, Attempts, CallOptions, Client, ClientBuilder, DecodeError, Error, ErrorBody,
    EventStream, RequestOptions, RetryPolicy, Stopped, StreamError, StreamLimit, TimeoutError,
    TimeoutKind, TooLargeError, TransportError, Truncation,
};

/// Where `from_env` finds the base URL and each credential, and how each scheme is sent.
pub(crate) const API: crate::client_runtime::Api = {
    use crate::client_runtime::{Place, Scheme};
    crate::client_runtime::Api {
        base_url_env: "SAMPLE_BASE_URL",
        default_base_url: None,
        schemes: &[
            Scheme {
                key: "bearer",
                env: "SAMPLE_TOKEN",
                place: Place::Bearer,
            },
            Scheme {
                key: "basic",
                env: "SAMPLE_BASIC",
                place: Place::Basic,
            },
            Scheme {
                key: "header",
                env: "SAMPLE_KEY",
                place: Place::Header("X-Key"),
            },
            Scheme {
                key: "query",
                env: "SAMPLE_QUERY_KEY",
                place: Place::Query("key"),
            },
            Scheme {
                key: "cookie",
                env: "SAMPLE_COOKIE",
                place: Place::Cookie("session"),
            },
        ],
    }
};

/// A setter per security scheme.
impl ClientBuilder {
    /// The bearer token.
    pub fn bearer(self, token: impl Into<String>) -> Self {
        self.credential_at(0, crate::client_runtime::Secret::Token(token.into()))
    }

    /// The user name and password.
    pub fn basic(self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credential_at(
            1,
            crate::client_runtime::Secret::Basic(user.into(), password.into()),
        )
    }
}

/// The error bodies the description declares.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum DeclaredError {
    /// A 422's body.
    Problem(Box<crate::models::Problem>),
}

fn declared_errors(status: u16, bytes: &[u8]) -> Option<DeclaredError> {
    match status {
        422 => serde_json::from_slice(bytes)
            .ok()
            .map(|value| DeclaredError::Problem(Box::new(value))),
        _ => None,
    }
}

/// Items of paginated lists: the cursor is the last item's id.
pub trait HasId {
    /// The item's id, if it has one.
    fn id(&self) -> Option<&str>;
}

impl HasId for crate::models::Item {
    fn id(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

impl Client {
    /// The `items` operations.
    pub fn items(&self) -> Items {
        Items {
            client: self.clone(),
        }
    }
}

/// The operations tagged `items`.
#[derive(Clone, Debug)]
pub struct Items {
    client: Client,
}

/// The builders the operations return.
pub mod builders {
    use crate::models;
    use crate::operation::location::{body, form, header, multipart, path, query, raw};
    use crate::operation::operation;

    operation! {
        /// `GET /items`
        pub fn Items::list() -> ListItemsBuilder = GET "/items" sent by "`send()`" {
            /// The cursor.
            after: String = query("after"),
            /// The page size.
            limit: i64 = query("limit"),
            /// Sent as a header.
            trace: String = header("X-Trace"),
        }
        errors: declared_errors;
        security: [[0], [1]];
        send -> Vec<models::Item>;
        into_stream(after, limit = 2) -> models::Item;
    }

    operation! {
        /// `PATCH /items/{id}`
        pub fn Items::update(
            id: String = path("id"),
            body: models::ItemUpdate = body("application/json"),
        ) -> UpdateItemBuilder = PATCH "/items/{id}" sent by "`send()`" {
        }
        errors: declared_errors;
        security: [[2], [3], [4]];
        send(stream = false in body) -> models::Item;
        stream(stream = true in body) -> models::Item;
    }

    operation! {
        /// `POST /items`
        pub fn Items::create(
            name: String = query("name"),
            trace: String = header("X-Trace"),
            body: models::ItemUpdate = body("application/json"),
        ) -> CreateItemBuilder = POST "/items" sent by "`send()`" {
        }
        errors: declared_errors;
        send -> models::Item;
    }

    operation! {
        /// `POST /items/{id}/form`
        pub fn Items::submit(
            id: String = path("id"),
            form: models::ItemUpdate = form("application/x-www-form-urlencoded"),
        ) -> SubmitItemBuilder = POST "/items/{id}/form" sent by "`send()`" {
        }
        errors: declared_errors;
        accept: "text/plain";
        send;
    }

    operation! {
        /// `POST /items/{id}/parts`
        pub fn Items::upload(
            id: String = path("id"),
            parts: models::ItemUpdate = multipart("multipart/form-data"),
        ) -> UploadItemBuilder = POST "/items/{id}/parts" sent by "`send()`" {
        }
        errors: declared_errors;
        send;
    }

    operation! {
        /// `PUT /items/{id}/bytes`
        pub fn Items::put_bytes(
            id: String = path("id"),
            bytes: bytes::Bytes = raw("application/octet-stream"),
        ) -> PutItemBytesBuilder = PUT "/items/{id}/bytes" sent by "`send()`" {
        }
        errors: declared_errors;
        send;
    }
}
