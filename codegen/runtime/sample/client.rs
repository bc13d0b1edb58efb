//! A client as the generator writes one: the API's description for the runtime, the declared
//! error bodies, `HasId`, and one operation of each kind (a paginated list, every way of
//! sending a body, an answer without a body, an event stream).

pub use crate::client_runtime::{
    ApiError, Attempts, CallOptions, Client, ClientBuilder, DecodeError, Error, ErrorBody,
    EventStream, HasId, RequestOptions, RetryPolicy, Stopped, StreamError, StreamLimit,
    TimeoutError, TimeoutKind, TooLargeError, TransportError, Truncation,
};

use crate::operation::{api, declared_errors, error_decoder, groups, has_id};

api! {
    base_url: "SAMPLE_BASE_URL";
    servers {
        /// The sample server.
        SAMPLE_BASE_URL = "https://sample.invalid";
    }
    credentials {
        /// The bearer token.
        [0] bearer(token) = "bearer" from "SAMPLE_TOKEN" as Bearer;
        /// The user name and password.
        [1] basic(username, password) = "basic" from "SAMPLE_BASIC" as Basic;
        /// A key in a header.
        [2] key(token) = "header" from "SAMPLE_KEY" as Header("X-Key");
        /// A key in the query.
        [3] query_key(token) = "query" from "SAMPLE_QUERY_KEY" as Query("key");
        /// A key in a cookie.
        [4] session(token) = "cookie" from "SAMPLE_COOKIE" as Cookie("session");
    }
}

declared_errors! {
    Problem(crate::models::Problem),
}

error_decoder! {
    fn declared_errors {
        422 => Problem,
        500..=599 => Problem,
        _ => Problem,
    }
}

has_id! {
    Item(id);
    ItemUpdate(());
    Circle(kind?);
    Figure([Circle, Round] or Unknown);
    Square(kind?);
    Shape([Circle, Square] or Unknown);
}

groups! {
    /// The `items` operations.
    items() -> Items "items";
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
        route: / "items";
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
        route: / "items" / {id};
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
        route: / "items";
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
        route: / "items" / {id} / "form";
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
        route: / "items" / {id} / "parts";
        send;
    }

    operation! {
        /// `PUT /{id}.bin?format=raw`
        pub fn Items::put_bytes(
            id: String = path("id"),
            bytes: bytes::Bytes = raw("application/octet-stream"),
        ) -> PutItemBytesBuilder = PUT "/{id}.bin?format=raw" sent by "`send()`" {
        }
        errors: declared_errors;
        route: / [{id} ".bin"] & "format" = "raw";
        send;
    }
}
