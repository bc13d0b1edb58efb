//! Turns API prose into rustdoc that renders as written and never trips rustdoc's lints: `///`
//! lines, one per text line, no control characters, so no prose can end a comment or inject code.

/// `///` lines for several paragraphs, skipping empty ones, each line behind `indent`. The
/// lines come from `markdown_safe`: one per text line, no control characters, so no text can
/// end the comment early or turn into code.
pub fn doc_comment(paragraphs: &[Option<String>], indent: &str) -> String {
    let joined: Vec<&str> = paragraphs
        .iter()
        .flatten()
        .map(String::as_str)
        .filter(|p| !p.trim().is_empty())
        .collect();
    if joined.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for line in markdown_safe(&joined.join("\n\n")) {
        out.push_str(indent);
        out.push_str("///");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One doc line per text line, each starting with a space.
fn markdown_safe(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let clean = without_tabs(
            &raw.chars()
                .filter(|c| (!c.is_control() || *c == '\t') && !is_bidi_control(*c))
                .collect::<String>(),
        );
        let trimmed = clean.trim();
        if trimmed.starts_with("```") {
            out.push(if in_fence {
                " ```".to_owned()
            } else {
                " ```text".to_owned()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(format!(" {}", clean.trim_end()));
            continue;
        }
        out.push(format!(" {}", escape_line(trimmed)));
    }
    if in_fence {
        out.push(" ```".to_owned());
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

/// Tabs as the spaces to the next stop of four, which keeps a code block's columns: clippy
/// refuses tabs in doc comments (`tabs_in_doc_comments`).
fn without_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = 4 - column % 4;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

/// The invisible characters that reorder text, which rustc refuses in comments: a description
/// could make the code read other than it runs.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Escapes link and HTML syntax outside code spans and wraps bare URLs in `<…>`.
fn escape_line(line: &str) -> String {
    let balanced = line.matches('`').count() % 2 == 0;
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' && balanced {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code && (rest.starts_with("http://") || rest.starts_with("https://")) {
            let url = url_at(rest);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if !in_code && matches!(c, '[' | ']' | '<' | '>' | '`' | '\\') {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The URL `text` starts with: up to the first character a URL cannot hold unescaped (so the
/// URL in `<a href="https://…">` or `(see https://…)` ends where the markup starts), less the
/// punctuation that ends a sentence. Every URL is wrapped, or rustdoc's `bare_urls` lint fires.
fn url_at(text: &str) -> &str {
    let end = text
        .find(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '"' | '\'' | '<' | '>' | '`' | '{' | '}' | '|' | '\\' | '^'
                )
        })
        .unwrap_or(text.len());
    let mut url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ']']);
    // A closing parenthesis belongs to the URL only when the URL opened it.
    while url.ends_with(')') && url.matches(')').count() > url.matches('(').count() {
        url = url[..url.len() - 1].trim_end_matches(['.', ',', ';', ':', '!', '?', ']']);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_but_not_code() {
        assert_eq!(
            escape_line("see [x] <b> `a[0]`"),
            "see \\[x\\] \\<b\\> `a[0]`"
        );
        assert_eq!(escape_line("at https://x.io/a."), "at <https://x.io/a>.");
        assert_eq!(escape_line("odd ` tick"), "odd \\` tick");
        assert_eq!(
            escape_line(r#"see <a href="https://x.io/a.html">A</a>."#),
            r#"see \<a href="<https://x.io/a.html>"\>A\</a\>."#
        );
        assert_eq!(
            escape_line("(see https://x.io/w/A_(b)), or http://y.io/q?a=1&b=2: done"),
            "(see <https://x.io/w/A_(b)>), or <http://y.io/q?a=1&b=2>: done"
        );
    }

    #[test]
    fn tabs_become_spaces_to_the_next_stop() {
        let lines = markdown_safe("a\tb\n```\n{\n\t\"amount\": 1,\n  \tx\n```");
        assert_eq!(
            lines,
            vec![
                " a   b",
                " ```text",
                " {",
                "     \"amount\": 1,",
                "     x",
                " ```"
            ]
        );
        assert!(lines.iter().all(|line| !line.contains('\t')));
    }

    #[test]
    fn fences_become_text_and_indent_is_dropped() {
        let lines = markdown_safe("a\n```\n  fn main() {}\n```\n    indented");
        assert_eq!(
            lines,
            vec![" a", " ```text", "   fn main() {}", " ```", " indented"]
        );
    }
}
