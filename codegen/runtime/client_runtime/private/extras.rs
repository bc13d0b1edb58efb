//! The escape hatches of [`RequestOptions`] on the wire: extra query parameters, headers
//! and body properties, and the empty body a bodiless POST declares.

use bytes::Bytes;

use super::Request;
use crate::client_runtime::{Error, RequestOptions};

/// Methods whose requests carry content, so that having none is said (`Content-Length: 0`).
pub(super) fn expects_body(method: &reqwest::Method) -> bool {
    matches!(*method, reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH)
}

pub(super) fn add_query(url: &mut reqwest::Url, options: &RequestOptions) {
    if options.extras.query.is_empty() {
        return;
    }
    let mut pairs = url.query_pairs_mut();
    for (name, value) in &options.extras.query {
        pairs.append_pair(name, value);
    }
}

/// The extra headers, checked before anything is sent.
pub(super) fn headers(options: &RequestOptions) -> Result<reqwest::header::HeaderMap, Error> {
    use reqwest::header::{HeaderName, HeaderValue};
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in &options.extras.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Config(format!("`{name}` cannot be a header name")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::Config(format!("the value of the header `{name}` is not a valid header value")))?;
        map.append(name, value);
    }
    Ok(map)
}

/// The request with the extra body properties laid over its JSON object body.
pub(super) fn merge_body(mut request: Request) -> Result<Request, Error> {
    let extra = &request.options.extras.body;
    if extra.is_empty() {
        return Ok(request);
    }
    // Only a JSON body can take properties: form, multipart and raw bodies cannot.
    let media_type = request.content_type.split(';').next().unwrap_or_default().trim();
    if request.body.is_some() && !(media_type == "application/json" || media_type.ends_with("+json")) {
        return Err(Error::Config(format!("extra body properties need a JSON body, not {media_type}")));
    }
    let mut object = match &request.body {
        None => serde_json::Map::new(),
        Some(bytes) => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(serde_json::Value::Object(object)) => object,
            _ => return Err(Error::Config("extra body properties need a JSON object body".to_owned())),
        },
    };
    for (name, value) in extra {
        object.insert(name.clone(), value.clone());
    }
    let bytes = serde_json::to_vec(&object).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?;
    request.body = Some(Bytes::from(bytes));
    Ok(request)
}

/// The top-level properties of a JSON object error body.
pub(super) fn object_fields(bytes: &[u8]) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_slice(bytes) {
        Ok(serde_json::Value::Object(object)) => object,
        _ => serde_json::Map::new(),
    }
}
