//! Request bodies of media types other than JSON: forms, multipart and bytes as given.

use std::fmt;

use bytes::Bytes;

use super::Request;
use crate::client_runtime::Error;

/// Request bodies of media types other than JSON: forms, multipart and bytes as given.
impl Request {
    /// The body's media type, where the schema names another than `application/json`.
    pub fn content_type(mut self, media_type: &'static str) -> Self {
        self.content_type = std::borrow::Cow::Borrowed(media_type);
        self
    }

    /// The body as given, for a media type the client cannot write from a typed value.
    pub fn bytes(mut self, body: Bytes, media_type: &'static str) -> Self {
        self.body = Some(body);
        self.content_type(media_type)
    }

    /// `application/x-www-form-urlencoded`: each property a pair, an array's items repeated.
    pub fn form<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
        let mut encoded = reqwest::Url::parse("http://form/").map_err(|e| Error::Config(e.to_string()))?;
        {
            let mut pairs = encoded.query_pairs_mut();
            for (name, value) in form_fields(body)? {
                pairs.append_pair(&name, &value.text());
            }
        }
        self.body = Some(Bytes::from(encoded.query().unwrap_or_default().to_owned()));
        Ok(self.content_type("application/x-www-form-urlencoded"))
    }

    /// `multipart/form-data`: each property a part (an array's items a part each); text as
    /// it is, other values as JSON.
    pub fn multipart<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
        let boundary = format!("rust-client-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let mut out = String::new();
        for (name, value) in form_fields(body)? {
            // The form's own escapes for a name: a quote or a line break cannot end it early.
            let name = name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
            out.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n"));
            if value.is_json() {
                out.push_str("Content-Type: application/json\r\n");
            }
            out.push_str(&format!("\r\n{}\r\n", value.text()));
        }
        out.push_str(&format!("--{boundary}--\r\n"));
        self.body = Some(Bytes::from(out));
        self.content_type = std::borrow::Cow::Owned(format!("multipart/form-data; boundary={boundary}"));
        Ok(self)
    }
}

/// An object's members in the order written (a `serde_json::Map` would sort them).
struct InOrder(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for InOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = InOrder;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<InOrder, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(InOrder(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// One form field's value.
pub enum FieldValue {
    Text(String),
    Json(serde_json::Value),
}

impl FieldValue {
    fn text(&self) -> String {
        match self {
            FieldValue::Text(text) => text.clone(),
            FieldValue::Json(value) => value.to_string(),
        }
    }

    fn is_json(&self) -> bool {
        matches!(self, FieldValue::Json(serde_json::Value::Object(_) | serde_json::Value::Array(_)))
    }
}

/// A body's properties as form fields, in order: `null` left out, an array's items one field
/// each, numbers and booleans as JSON writes them, objects as their JSON.
pub fn form_fields<T: serde::Serialize>(body: &T) -> Result<Vec<(String, FieldValue)>, Error> {
    let json = serde_json::to_vec(body).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?;
    let InOrder(object) = serde_json::from_slice(&json)
        .map_err(|_| Error::Config("a form body must be an object with properties".to_owned()))?;
    let field = |value: serde_json::Value| match value {
        serde_json::Value::String(text) => FieldValue::Text(text),
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => FieldValue::Text(value.to_string()),
        other => FieldValue::Json(other),
    };
    let mut out = Vec::new();
    for (name, value) in object {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                out.extend(items.into_iter().filter(|i| !i.is_null()).map(|i| (name.clone(), field(i))));
            }
            other => out.push((name, field(other))),
        }
    }
    Ok(out)
}
