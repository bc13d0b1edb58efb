//! YAML text → the JSON value the passes read, in document order.
//!
//! Built from `saphyr-parser`'s events on an explicit stack (no recursion, so no input can
//! exhaust the stack). Scalars resolve by the YAML 1.2 core schema; mapping keys stay text (so
//! `200:` is the status `"200"`); anchors, aliases and `<<` merge keys are honoured, with a
//! bound on what aliases may expand to. Every error names the place as a JSON pointer, with the
//! line and column.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Location, Pointer, Result};

/// Deeper than this is refused, as `serde_json` refuses JSON nested past 128 levels.
pub const MAX_DEPTH: usize = 128;

/// The values aliases may add, beyond the document's own nodes, before the document is refused:
/// far more than any real description repeats, far less than an alias bomb asks for.
const ALIAS_BUDGET: usize = 4_000_000;

/// A collection being built: its place in the document, and its contents so far.
enum Frame {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
    },
    Mapping {
        entries: Map<String, Value>,
        /// The key read, waiting for its value; `merge` when it is the plain `<<`.
        key: Option<(String, bool)>,
        anchor: usize,
    },
}

/// Parses a single-document YAML stream into a JSON value.
pub fn parse(text: &str) -> Result<Value> {
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: 0,
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| builder.scan_error(&e))?;
        let at = span.start;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(builder.error(
                        "the text holds more than one YAML document",
                        &at,
                        Some("an OpenAPI description is one document; remove the others"),
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = if builder.expects_key() {
                    Value::String(text.into_owned())
                } else {
                    scalar(&text, style, tag.as_deref())
                };
                if builder.expects_key() {
                    let merge = style == ScalarStyle::Plain && text_is_merge(&value);
                    builder.key(value, merge);
                } else {
                    builder.value(value, anchor, &at)?;
                }
            }
            Event::Alias(anchor) => {
                let Some(value) = builder.anchors.get(&anchor).cloned() else {
                    return Err(builder.error(
                        "an alias to an anchor that is not complete here (a node containing itself?)",
                        &at,
                        None,
                    ));
                };
                builder.expanded += nodes(&value);
                if builder.expanded > ALIAS_BUDGET {
                    return Err(builder.error(
                        &format!("aliases expand to more than {ALIAS_BUDGET} values"),
                        &at,
                        Some("an alias bomb? expand the aliases into the document"),
                    ));
                }
                if builder.expects_key() {
                    return Err(builder.error("a mapping key must be text", &at, None));
                }
                builder.value(value, 0, &at)?;
            }
            Event::SequenceStart(anchor, _) => {
                builder.open(
                    Frame::Sequence {
                        items: Vec::new(),
                        anchor,
                    },
                    &at,
                )?;
            }
            Event::MappingStart(anchor, _) => {
                builder.open(
                    Frame::Mapping {
                        entries: Map::new(),
                        key: None,
                        anchor,
                    },
                    &at,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(&at)?,
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(builder.root.unwrap_or(Value::Null))
}

fn text_is_merge(value: &Value) -> bool {
    value.as_str() == Some("<<")
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    /// Values added by aliases so far.
    expanded: usize,
    root: Option<Value>,
}

impl Builder {
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }))
    }

    fn key(&mut self, key: Value, merge: bool) {
        if let Some(Frame::Mapping { key: slot, .. }) = self.stack.last_mut() {
            *slot = Some((key.as_str().unwrap_or_default().to_owned(), merge));
        }
    }

    /// The JSON pointer of the place being read.
    fn pointer(&self) -> Pointer {
        let mut pointer = Pointer::root();
        for frame in &self.stack {
            pointer = match frame {
                Frame::Sequence { items, .. } => pointer.join(items.len()),
                Frame::Mapping {
                    key: Some((key, _)),
                    ..
                } => pointer.join(key),
                Frame::Mapping { .. } => pointer,
            };
        }
        pointer
    }

    fn error(&self, message: &str, at: &Marker, hint: Option<&str>) -> Error {
        let error = Error::syntax(
            self.pointer(),
            format!("not valid YAML: {message}"),
            Location {
                line: at.line(),
                column: at.col() + 1,
            },
        );
        match hint {
            Some(hint) => error.hint(hint),
            None => error,
        }
    }

    fn scan_error(&self, e: &ScanError) -> Error {
        self.error(e.info(), e.marker(), None)
    }

    fn open(&mut self, frame: Frame, at: &Marker) -> Result<()> {
        if self.expects_key() {
            return Err(self.error("a mapping key must be text", at, None));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                &format!("the document nests more than {MAX_DEPTH} levels deep"),
                at,
                None,
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, at: &Marker) -> Result<()> {
        let (value, anchor) = match self.stack.pop() {
            Some(Frame::Sequence { items, anchor }) => (Value::Array(items), anchor),
            Some(Frame::Mapping {
                entries, anchor, ..
            }) => (Value::Object(entries), anchor),
            None => return Ok(()),
        };
        self.value(value, anchor, at)
    }

    /// Places a finished value in its parent (or as the document), remembering its anchor.
    fn value(&mut self, value: Value, anchor: usize, at: &Marker) -> Result<()> {
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Sequence { items, .. }) => items.push(value),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                Some((_, true)) => return self.merge(value, at),
                Some((key, false)) => {
                    entries.insert(key, value);
                }
                None => {}
            },
        }
        Ok(())
    }

    /// `<<: *base` (or a list of them): the mapping gets the keys it does not set itself.
    fn merge(&mut self, value: Value, at: &Marker) -> Result<()> {
        let sources = match value {
            Value::Object(source) => vec![source],
            Value::Array(items) if items.iter().all(Value::is_object) => items
                .into_iter()
                .filter_map(|item| match item {
                    Value::Object(source) => Some(source),
                    _ => None,
                })
                .collect(),
            _ => {
                return Err(self.error(
                    "a `<<` merge key needs a mapping or a list of mappings",
                    at,
                    None,
                ));
            }
        };
        if let Some(Frame::Mapping { entries, .. }) = self.stack.last_mut() {
            for source in sources {
                for (key, value) in source {
                    entries.entry(key).or_insert(value);
                }
            }
        }
        Ok(())
    }
}

/// How many values `value` holds, itself included.
fn nodes(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(nodes).sum::<usize>(),
        Value::Object(entries) => 1 + entries.values().map(nodes).sum::<usize>(),
        _ => 1,
    }
}

/// A scalar by the YAML 1.2 core schema: quoted and block scalars are text; plain ones may be
/// null, a boolean or a number; a core tag (`!!str`, `!!int`…) says which.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let core = tag
        .filter(|t| t.is_yaml_core_schema())
        .map(|t| t.suffix.as_str());
    match core {
        Some("str") => return Value::String(text.to_owned()),
        Some("null") => return Value::Null,
        Some("bool" | "int" | "float") => return plain(text),
        _ => {}
    }
    // A non-specific `!` tag makes a plain scalar text, as quoting does.
    let non_specific = tag.is_some_and(|t| t.handle.is_empty() && t.suffix == "!");
    if style != ScalarStyle::Plain || non_specific {
        return Value::String(text.to_owned());
    }
    plain(text)
}

fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(number) = integer(text) {
        return Value::Number(number);
    }
    if is_float(text) {
        if let Some(number) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(number);
        }
    }
    // `.inf` and `.nan` have no JSON form: they stay text, as does everything else.
    Value::String(text.to_owned())
}

fn integer(text: &str) -> Option<Number> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(octal) = text.strip_prefix("0o") {
        (8, octal)
    } else if let Some(hex) = text.strip_prefix("0x") {
        (16, hex)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if !negative {
        return Some(Number::from(magnitude));
    }
    if magnitude <= i64::MAX as u64 + 1 {
        return Some(Number::from((magnitude as i64).wrapping_neg()));
    }
    None
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float(text: &str) -> bool {
    let bytes = text.trim_start_matches(['-', '+']).as_bytes();
    if text.len() - bytes.len() > 1 {
        return false;
    }
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let whole = digits(&mut i);
    let mut fraction = 0;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        fraction = digits(&mut i);
    }
    if whole == 0 && fraction == 0 {
        return false;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'-' || bytes[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_resolve_by_the_core_schema() {
        let value = parse(
            "a: ~\nb: true\nc: 12\nd: -0x1F\ne: 1.5e3\nf: '12'\ng: 3.0.0\nh: .inf\ni: !!str 7\nj: yes\nk: 0o17\nl: +-5\n",
        )
        .expect("parses");
        assert_eq!(
            value,
            json!({"a": null, "b": true, "c": 12, "d": "-0x1F", "e": 1500.0, "f": "12", "g": "3.0.0",
                   "h": ".inf", "i": "7", "j": "yes", "k": 15, "l": "+-5"})
        );
    }

    #[test]
    fn keys_stay_text_and_order_is_kept() {
        let value =
            parse("responses:\n  200: ok\n  default: other\n  404: missing\n").expect("parses");
        let keys: Vec<&String> = value["responses"]
            .as_object()
            .expect("a map")
            .keys()
            .collect();
        assert_eq!(keys, ["200", "default", "404"]);
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let value = parse(
            "base: &base {type: object, description: base}\nuse: *base\nmerged:\n  <<: *base\n  description: own\n",
        )
        .expect("parses");
        assert_eq!(
            value["use"],
            json!({"type": "object", "description": "base"})
        );
        assert_eq!(
            value["merged"],
            json!({"description": "own", "type": "object"})
        );
    }

    #[test]
    fn errors_name_the_place_line_and_column() {
        let e =
            parse("openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\n").expect_err("bad");
        assert_eq!(e.pointer, "#/info/title/0");
        assert_eq!(e.location.map(|at| at.line), Some(4), "{e}");
        assert_eq!(e.kind, crate::error::ErrorKind::Syntax);
        let e = parse("a: 1\n---\nb: 2\n").expect_err("two documents");
        assert!(e.message.contains("more than one"), "{e}");
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let previous = format!("*a{}", i - 1);
            bomb.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![previous; 10].join(", ")
            ));
        }
        let e = parse(&bomb).expect_err("a bomb");
        assert!(e.message.contains("aliases expand"), "{e}");
        let deep = format!("{}x{}", "[".repeat(200), "]".repeat(200));
        let e = parse(&deep).expect_err("too deep");
        assert!(e.message.contains("more than 128 levels"), "{e}");
    }
}
