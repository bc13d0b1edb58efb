//! `API.md`: the [`Surface`] as a reviewer reads it, types in `models` and then operations, so
//! that the committed listing and `API.json` are two renderings of one projection.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::surface::{Item, Surface, need, unknown_arm};

impl Surface {
    /// The listing in Markdown: each type with its members, each operation with the call that
    /// makes its builder and what the builder gives back.
    pub fn markdown(&self) -> String {
        let mut out = match self.crate_name().zip(self.version()) {
            Some((name, version)) => format!("# API surface of `{name}` {version}\n"),
            None => "# API surface\n".to_owned(),
        };
        out.push_str(
            "\nTypes in `models`, then operations; generated, see `cargo xtask codegen`.\n",
        );
        for (item, members) in self.owners() {
            if let Item::Type { .. } = item {
                type_section(&mut out, item, members);
            }
        }
        self.client_section(&mut out);
        out.push_str("\n# Operations\n");
        let security = self.per_operation(|item| match item {
            Item::Security {
                operation,
                requires,
            } => Some((operation, requires)),
            _ => None,
        });
        let servers = self.per_operation(|item| match item {
            Item::Servers { operation, urls } => Some((operation, urls)),
            _ => None,
        });
        for (item, members) in self.owners() {
            if let Item::Operation { id, .. } = item {
                operation_section(&mut out, item, members);
                if let Some(urls) = servers.get(id.as_str()) {
                    let _ = writeln!(out, "- servers: {urls}");
                }
                // Only a scheme named "" gives an empty list of names.
                match security.get(id.as_str()).copied() {
                    Some("") => {
                        let _ = writeln!(out, "- credentials: {}", code(""));
                    }
                    Some(requires) => {
                        let _ = writeln!(out, "- credentials: {requires}");
                    }
                    None => {}
                }
            }
        }
        out
    }

    /// The servers the client names and the credentials it sends, when the API declares any.
    fn client_section(&self, out: &mut String) {
        let lines: Vec<String> = self
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Server { constant, url } => Some(format!("- server `{constant}`: {url}")),
                Item::Credential {
                    scheme,
                    setter,
                    sent,
                    env,
                } => Some(format!(
                    "- credential {}: {sent}, set with `ClientBuilder::{setter}` or from `{env}`",
                    code(scheme)
                )),
                _ => None,
            })
            .collect();
        if !lines.is_empty() {
            let _ = write!(out, "\n# Client\n\n{}\n", lines.join("\n"));
        }
    }

    /// What the items `pick` takes say of each operation, by `operationId`: its credentials, its
    /// own servers (listed after every operation, so looked up, not read as members).
    fn per_operation<'a>(
        &'a self,
        pick: impl Fn(&'a Item) -> Option<(&'a str, &'a str)>,
    ) -> BTreeMap<&'a str, &'a str> {
        self.items.iter().filter_map(pick).collect()
    }

    /// Each type and operation with the members listed right after it.
    fn owners(&self) -> Vec<(&Item, &[Item])> {
        let mut owners = Vec::new();
        let mut index = 0;
        while let Some(item) = self.items.get(index) {
            let key = item.key();
            let members = self.items[index + 1..]
                .iter()
                .take_while(|member| member.owner_key().as_deref() == Some(key.as_str()))
                .count();
            owners.push((item, &self.items[index + 1..index + 1 + members]));
            index += 1 + members;
        }
        owners
    }
}

fn type_section(out: &mut String, item: &Item, members: &[Item]) {
    let Item::Type {
        name,
        kind,
        deprecated,
        unknown,
        ..
    } = item
    else {
        return;
    };
    let marked = if *deprecated { ", deprecated" } else { "" };
    let unknown = unknown_arm(unknown);
    if let Some(ty) = kind.strip_prefix("alias of ") {
        let _ = writeln!(out, "\n## type {name} = {ty}");
    } else if kind == "struct" {
        let _ = writeln!(out, "\n## struct {name}{marked}\n");
        for member in members {
            field_line(out, member);
        }
    } else if kind == "enum" {
        let values: Vec<String> = members
            .iter()
            .filter_map(|member| match member {
                Item::Value { wire, .. } => Some(format!("`{wire}`")),
                _ => None,
            })
            .collect();
        let _ = writeln!(
            out,
            "\n## enum {name}{marked}\n\n{}, or `{unknown}(String)`",
            values.join(", ")
        );
    } else if let Some(by) = kind.strip_prefix("union by ") {
        // The client's `DeclaredError` is listed with the client, not among the models.
        if by == "status" {
            return;
        }
        let how = if by == "shape" {
            "untagged".to_owned()
        } else {
            format!("by {by}")
        };
        let _ = writeln!(out, "\n## union {name} ({how}){marked}\n");
        for member in members {
            if let Item::Variant { name, ty, tag, .. } = member {
                match tag {
                    Some(tag) => writeln!(out, "- `{tag}` → {name}({ty})"),
                    None => writeln!(out, "- {name}({ty})"),
                }
                .unwrap_or_default();
            }
        }
        let _ = writeln!(out, "- {unknown}(raw JSON)");
    }
}

/// A field as its Rust name and type, or the associated constant a `const` property is.
fn field_line(out: &mut String, member: &Item) {
    let (line, deprecated) = match member {
        Item::Field {
            name,
            ty,
            presence,
            wire,
            deprecated,
            ..
        } => {
            let shown = if presence == "nullable" {
                format!("{ty} (always sent, may be null)")
            } else {
                ty.clone()
            };
            (format!("{}: {shown}", named(name, wire)), *deprecated)
        }
        Item::Const {
            name,
            value,
            wire,
            deprecated,
            ..
        } => (format!("const `{name}` (`{wire}`): {value}"), *deprecated),
        _ => return,
    };
    let marked = if deprecated { " (deprecated)" } else { "" };
    let _ = writeln!(out, "- {line}{marked}");
}

/// `text` as a Markdown code span, whatever backticks it holds (a fence longer than any run
/// of them); an empty name is said to be one.
fn code(text: &str) -> String {
    if text.is_empty() {
        return "(an empty name)".to_owned();
    }
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A Rust name, with the wire name beside it when they differ.
fn named(name: &str, wire: &str) -> String {
    if name == wire {
        format!("`{wire}`")
    } else {
        format!("`{name}` (`{wire}`)")
    }
}

fn operation_section(out: &mut String, item: &Item, members: &[Item]) {
    let Item::Operation {
        id,
        route,
        call,
        deprecated,
    } = item
    else {
        return;
    };
    let marked = if *deprecated { ", deprecated" } else { "" };
    let _ = writeln!(out, "\n## {id} `{route}`{marked}\n");
    let mut args: Vec<&str> = Vec::new();
    for member in members {
        match member {
            Item::Param {
                name,
                required: true,
                ..
            } => args.push(name),
            Item::Body { required: true, .. } => args.push("body"),
            _ => {}
        }
    }
    let (method, builder) = call.split_once(" → ").unwrap_or((call, ""));
    let _ = writeln!(
        out,
        "`client.{method}({})` → `builders::{builder}`\n",
        args.join(", ")
    );
    let sets = |sets: &Option<String>| match sets {
        Some(sets) => format!(" (sets `{sets}`)"),
        None => String::new(),
    };
    for member in members {
        match member {
            Item::Param {
                name,
                ty,
                required,
                location,
                wire,
                ..
            } => {
                let mut location = location.clone();
                if let Some(first) = location.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                let name = named(name, wire);
                let _ = writeln!(out, "- {location} {name}: {ty} ({})", need(*required));
            }
            Item::Body {
                ty,
                required,
                media,
                ..
            } => {
                let media = media
                    .as_ref()
                    .map(|media| format!(" as `{media}`"))
                    .unwrap_or_default();
                let _ = writeln!(out, "- body: {ty}{media} ({})", need(*required));
            }
            Item::Answer {
                kind, ty, sets: s, ..
            } => {
                let _ = match kind.as_str() {
                    "send" => writeln!(out, "- `send()` → {ty}{}", sets(s)),
                    "stream" => writeln!(out, "- `stream()` → EventStream<{ty}>{}", sets(s)),
                    _ => writeln!(out, "- `{kind}()` → each {ty} of every page"),
                };
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn a_code_span_holds_any_name() {
        assert_eq!(code("bearerAuth"), "`bearerAuth`");
        assert_eq!(code("query `key`"), "`` query `key` ``");
        assert_eq!(code("a``b"), "```a``b```");
        assert_eq!(code(""), "(an empty name)");
    }
}
