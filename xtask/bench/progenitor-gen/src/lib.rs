//! Progenitor's side of the benchmark: the same content as ours, down-levelled from OpenAPI 3.1
//! to 3.0 (progenitor reads 3.0 only), then generated and printed the way `cargo progenitor`
//! prints it (prettyplease).

use codegen::Selection;
use serde_json::Value;

/// Progenitor's two client styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Positional,
    Builder,
}

/// The dependencies progenitor's output uses, as its README lists them, without TLS (the
/// rebuild figure leaves dependencies out). `progenitor-types/Cargo.toml` has the same list.
pub const CRATE_DEPENDENCIES: &str = r#"bytes = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
futures-core = "0.3"
progenitor-client = "0.15"
regress = "0.10"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
uuid = { version = "1", features = ["serde", "v4"] }
"#;

/// What [`downlevel`] changed beyond the 3.1 → 3.0 rewrite so that progenitor 0.15 generates
/// at all. Each is a refusal or a panic of progenitor (or typify) on the real document.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Concessions {
    /// Schema `title`s removed: typify names types by title, so same-titled schemas collide
    /// (two `MessageType`s, two `ToolCall`s: output that does not compile) or merge (and a
    /// default then "does not conform").
    pub titles: usize,
    /// `default`s of another type than their schema removed
    /// (`enable_thinking: {type: string, default: true}` makes typify panic).
    pub defaults: usize,
    /// `multipart/form-data` request bodies removed ("unexpected content type").
    pub multipart_bodies: usize,
    /// Media types without a schema given `{}` (progenitor's `todo!`).
    pub schemaless_media: usize,
    /// Operations whose differing error bodies were dropped (progenitor asserts one error type).
    pub error_bodies: usize,
    /// `nullable` removed from optional header parameters (a header is absent, never null; the
    /// builder style emits `Option<String>::to_string()` for them, which does not compile).
    pub nullable_headers: usize,
}

/// The selected operations of a 3.1 document as 3.0 JSON text. The down-levelling is the
/// project's own normaliser, the pass our generator runs before `openapiv3` reads a document,
/// so both generators start from the same content; then the [`Concessions`] progenitor needs.
pub fn downlevel(text: &str, selection: &Selection) -> Result<(String, Concessions), String> {
    let mut doc = codegen::normalised(text, selection).map_err(|e| e.to_string())?;
    let mut concessions = Concessions::default();
    for part in ["components", "paths"] {
        if let Some(node) = doc.get_mut(part) {
            drop_titles(node, &mut concessions);
            drop_mistyped_defaults(node, &mut concessions);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for operation in paths
            .values_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|item| item.values_mut())
        {
            adjust_operation(operation, &mut concessions);
        }
    }
    let text = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    Ok((text, concessions))
}

fn drop_mistyped_defaults(node: &mut Value, concessions: &mut Concessions) {
    match node {
        Value::Object(map) => {
            let refused = map.get("default").is_some_and(|default| {
                map.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|ty| !default.is_null() && !value_has_type(default, ty))
            });
            if refused {
                map.remove("default");
                concessions.defaults += 1;
            }
            map.values_mut()
                .for_each(|v| drop_mistyped_defaults(v, concessions));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| drop_mistyped_defaults(v, concessions)),
        _ => {}
    }
}

fn value_has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn adjust_operation(operation: &mut Value, concessions: &mut Concessions) {
    let Some(operation) = operation.as_object_mut() else {
        return;
    };
    if operation
        .get("requestBody")
        .and_then(|b| b.pointer("/content/multipart~1form-data"))
        .is_some()
    {
        operation.remove("requestBody");
        concessions.multipart_bodies += 1;
    }
    for parameter in operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("header"))
    {
        if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut)
            && schema.remove("nullable").is_some()
        {
            concessions.nullable_headers += 1;
        }
    }
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for response in responses.values_mut() {
        for media in response
            .get_mut("content")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|content| content.values_mut())
            .filter_map(Value::as_object_mut)
        {
            if !media.contains_key("schema") {
                media.insert("schema".to_owned(), Value::Object(Default::default()));
                concessions.schemaless_media += 1;
            }
        }
    }
    let is_error = |code: &str| !code.starts_with('2');
    let mut error_bodies: Vec<Option<&Value>> = responses
        .iter()
        .filter(|(code, _)| is_error(code))
        .map(|(_, r)| r.get("content"))
        .collect();
    error_bodies.dedup();
    if error_bodies.len() > 1 {
        for (_, response) in responses.iter_mut().filter(|(code, _)| is_error(code)) {
            if let Some(response) = response.as_object_mut() {
                response.remove("content");
            }
        }
        concessions.error_bodies += 1;
    }
}

/// Reads 3.0 text and returns progenitor's client as formatted Rust source.
pub fn generate(text: &str, style: Style) -> Result<String, String> {
    let spec: openapiv3::OpenAPI =
        serde_json::from_str(text).map_err(|e| format!("openapiv3 cannot read it: {e}"))?;
    let mut settings = progenitor_impl::GenerationSettings::default();
    settings.with_interface(match style {
        Style::Positional => progenitor_impl::InterfaceStyle::Positional,
        Style::Builder => progenitor_impl::InterfaceStyle::Builder,
    });
    // Progenitor and typify panic on some documents (`todo!`, `assert!`): caught, so the
    // benchmark reports it instead of ending.
    let tokens = std::panic::catch_unwind(|| {
        progenitor_impl::Generator::new(&settings).generate_tokens(&spec)
    })
    .map_err(|panic| format!("progenitor panics: {}", panic_message(&panic)))?
    .map_err(|e| format!("progenitor refuses it: {e}"))?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn drop_titles(node: &mut Value, concessions: &mut Concessions) {
    match node {
        Value::Object(map) => {
            if map.get("title").is_some_and(Value::is_string) {
                map.remove("title");
                concessions.titles += 1;
            }
            map.values_mut().for_each(|v| drop_titles(v, concessions));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| drop_titles(v, concessions)),
        _ => {}
    }
}
