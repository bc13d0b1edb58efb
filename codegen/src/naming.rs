//! Rust names for schema names, properties and values: heck-cased, keyword-safe, collision-free.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The strict and reserved keywords of edition 2024 (`gen` is new in it). A name that is one
/// gets a `_` suffix rather than `r#`: `self`, `Self`, `super` and `crate` cannot be raw.
const KEYWORDS: [&str; 52] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Whether `name` can be written as a Rust identifier as it is (not a keyword, not `_`).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
        && !KEYWORDS.contains(&name)
}

/// `name` made an identifier, for names that did not come through [`type_name`] or
/// [`field_name`]: other characters become `_`, a leading digit or a keyword gets a `_`.
pub fn identifier(name: &str) -> String {
    if is_identifier(name) {
        return name.to_owned();
    }
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if out.chars().all(|c| c == '_') || KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Keeps ASCII letters and digits; everything else separates words.
fn ascii_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A type or variant name: `UpperCamelCase`, never empty, never starting with a digit.
pub fn type_name(raw: &str) -> String {
    let trimmed = raw.trim();
    let keep_as_is = trimmed
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && trimmed.chars().all(|c| c.is_ascii_alphanumeric());
    let name = if keep_as_is {
        trimmed.to_owned()
    } else {
        ascii_words(trimmed).to_upper_camel_case()
    };
    let name = fix_start(name, "Empty", "V");
    // `Self` is the one keyword that is UpperCamelCase.
    if name == "Self" {
        "SelfValue".to_owned()
    } else {
        name
    }
}

/// A field, parameter or method name: `snake_case`, keyword-safe.
pub fn field_name(raw: &str) -> String {
    let name = fix_start(ascii_words(raw).to_snake_case(), "field", "n");
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

fn fix_start(name: String, if_empty: &str, before_digit: &str) -> String {
    if name.is_empty() {
        if_empty.to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{before_digit}{name}")
    } else {
        name
    }
}

/// The readable part of a qualified schema name such as
/// `letta__server__rest_api__routers__v1__conversations__CompactionRequest`: shortest first.
pub fn component_candidates(raw: &str) -> Vec<String> {
    let segments: Vec<&str> = raw.split("__").filter(|s| !s.is_empty()).collect();
    if segments.len() <= 1 {
        return vec![type_name(raw)];
    }
    (1..=segments.len())
        .map(|n| {
            let tail = &segments[segments.len() - n..];
            tail.iter().map(|s| type_name(s)).collect::<String>()
        })
        .collect()
}

/// How `type_name` spells the words of `tag` (`google_ai` in `GoogleAIModelSettings` is
/// `GoogleAI`): the first run of its letters and digits that matches the tag's, ignoring case
/// and separators, starting at an uppercase letter and ending where a new word starts. A
/// variant tagged `openai` that holds `OpenAIModelSettings` is then `OpenAI`, as its type is spelt.
pub fn spelling_in(tag: &str, type_name: &str) -> Option<String> {
    let wanted: Vec<u8> = tag
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let name = type_name.as_bytes();
    if wanted.is_empty() || !name.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    (0..name.len()).find_map(|start| {
        let end = start + wanted.len();
        let piece = name.get(start..end)?;
        let starts_word = name[start].is_ascii_uppercase();
        let ends_word = name.get(end).is_none_or(|b| {
            b.is_ascii_uppercase() || b.is_ascii_digit() != piece[piece.len() - 1].is_ascii_digit()
        });
        // `Self` is a keyword (a type `SelfValue` and a tag `self`).
        (starts_word && ends_word && piece.eq_ignore_ascii_case(&wanted) && piece != b"Self")
            .then(|| type_name[start..end].to_owned())
    })
}

/// Hands out names unique within one scope, adding a number on a clash.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    used: BTreeSet<String>,
}

impl Scope {
    pub fn with_reserved(names: &[&str]) -> Self {
        Scope {
            used: names.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `name`, or `name2`, `name3`, … if it is taken.
    pub fn claim(&mut self, name: &str) -> String {
        let mut candidate = name.to_owned();
        let mut n = 2;
        while self.used.contains(&candidate) {
            candidate = format!("{name}{n}");
            n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }

    /// Like [`Scope::claim`] for snake_case names: `name_2`.
    pub fn claim_snake(&mut self, name: &str) -> String {
        let mut candidate = name.to_owned();
        let mut n = 2;
        while self.used.contains(&candidate) {
            candidate = if name.ends_with('_') {
                format!("{name}{n}")
            } else {
                format!("{name}_{n}")
            };
            n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

/// Splits an UpperCamel name into words: `OpenAIModelSettings` → `Open`, `AIModel`…; used only
/// to find a shared suffix, so acronyms need not split well.
pub fn camel_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(c.to_string());
        } else if let Some(last) = words.last_mut() {
            last.push(c);
        }
    }
    words
}

/// The words all names end with, when at least two: `ModelSettings` for the provider settings.
pub fn shared_suffix(names: &[String]) -> Option<String> {
    let split: Vec<Vec<String>> = names.iter().map(|n| camel_words(n)).collect();
    let shortest = split.iter().map(Vec::len).min()?;
    let mut suffix: Vec<String> = Vec::new();
    for i in 1..=shortest {
        let word = &split[0][split[0].len() - i];
        if split.iter().all(|w| &w[w.len() - i] == word) {
            suffix.insert(0, word.clone());
        } else {
            break;
        }
    }
    if suffix.len() >= 2 && names.len() >= 2 && !names.iter().any(|n| camel_words(n) == suffix) {
        Some(suffix.concat())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_identifiers() {
        assert_eq!(
            type_name("CompactionSettings-Input"),
            "CompactionSettingsInput"
        );
        assert_eq!(type_name("OpenAIModelSettings"), "OpenAIModelSettings");
        assert_eq!(type_name("system_message"), "SystemMessage");
        assert_eq!(type_name("2fa"), "V2fa");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("self"), "SelfValue");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("1st"), "n1st");
        assert_eq!(field_name(""), "field");
        assert_eq!(field_name("créé-à"), "cr");
        assert_eq!(field_name("名前"), "field");
        assert_eq!(field_name("gen"), "gen_");
        assert_eq!(field_name("crate"), "crate_");
        assert_eq!(field_name("Super"), "super_");
        assert_eq!(
            type_name("54763641281d830c946a3d78"),
            "V54763641281d830c946a3d78"
        );
    }

    #[test]
    fn any_text_becomes_an_identifier() {
        for (raw, want) in [
            ("ok_name", "ok_name"),
            ("", "__"),
            ("_", "__"),
            ("9lives", "_9lives"),
            ("self", "self_"),
            ("Self", "Self_"),
            ("gen", "gen_"),
            ("a-b c", "a_b_c"),
        ] {
            let got = identifier(raw);
            assert_eq!(got, want, "{raw:?}");
            assert!(is_identifier(&got), "{got:?}");
        }
    }

    #[test]
    fn tags_take_their_type_spelling() {
        let spelt = |tag, ty| spelling_in(tag, ty);
        assert_eq!(
            spelt("openai", "OpenAIModelSettings").as_deref(),
            Some("OpenAI")
        );
        assert_eq!(
            spelt("google_ai", "GoogleAIModelSettings").as_deref(),
            Some("GoogleAI")
        );
        assert_eq!(spelt("xai", "XAIModelSettings").as_deref(), Some("XAI"));
        assert_eq!(
            spelt("chatgpt_oauth", "ChatGPTOAuthModelSettings").as_deref(),
            Some("ChatGPTOAuth")
        );
        assert_eq!(
            spelt("system_message", "SystemMessage").as_deref(),
            Some("SystemMessage")
        );
        assert_eq!(spelt("text", "TextContent").as_deref(), Some("Text"));
        assert_eq!(spelt("gpt4", "MyGPT4Settings").as_deref(), Some("GPT4"));
        // Not at word boundaries, or not there at all: the tag's own name is used instead.
        assert_eq!(spelt("ope", "OpenAIModelSettings"), None);
        assert_eq!(spelt("penai", "OpenAIModelSettings"), None);
        assert_eq!(spelt("gpt", "MyGPT4Settings").as_deref(), Some("GPT"));
        assert_eq!(spelt("self", "SelfValue"), None);
        assert_eq!(spelt("url", "Base64Image"), None);
        assert_eq!(spelt("__", "Anything"), None);
    }

    #[test]
    fn qualified_names_shorten() {
        let c = component_candidates(
            "letta__server__rest_api__routers__v1__conversations__CompactionRequest",
        );
        assert_eq!(c[0], "CompactionRequest");
        assert_eq!(c[1], "ConversationsCompactionRequest");
    }

    #[test]
    fn shared_suffix_needs_two_words() {
        let names = ["OpenAIModelSettings", "AnthropicModelSettings"].map(String::from);
        assert_eq!(shared_suffix(&names).as_deref(), Some("ModelSettings"));
        let names = ["UrlImage", "Base64Image"].map(String::from);
        assert_eq!(shared_suffix(&names), None);
    }
}
