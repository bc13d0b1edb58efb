//! What a report line and a judge's finding are about, so that the two can be paired: a type
//! or one of its members, an operation or one of its parts. A finding names Rust items (a
//! struct, a variant, a builder's setter, a group's method); the listings of both versions
//! say which type, member or operation each name is.

use std::collections::{BTreeMap, BTreeSet};

use codegen::changes::{Change, Item, Surface};

/// The item a line is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Anchor {
    Type(String),
    Member(String, String),
    Operation(String),
    /// A parameter (its Rust name), `body`, `send` or `stream` of an operation.
    Part(String, String),
    /// Any other item, by its key: a server's constant, a credential's setter.
    Item(String),
}

impl Anchor {
    /// Whether a change about `self` accounts for a finding about `other`: the same item, or
    /// one inside the other (a type's member, an operation's parameter). A finding about a
    /// whole type (`Default` gone, `new` changed) is accounted for by a change of a member.
    pub fn covers(&self, other: &Anchor) -> bool {
        use Anchor::*;
        match (self, other) {
            (a, b) if a == b => true,
            (Type(t), Member(owner, _)) | (Member(owner, _), Type(t)) => t == owner,
            (Operation(o), Part(op, _)) | (Part(op, _), Operation(o)) => o == op,
            _ => false,
        }
    }
}

/// The names of both versions: types and their members, builders, and the calls that make
/// each operation's builder.
pub struct Names {
    types: BTreeMap<String, BTreeSet<String>>,
    builders: BTreeMap<String, String>,
    /// `conversations().list` and `Conversations::list` (the group's type, as the judge names
    /// it) to the operation.
    methods: BTreeMap<String, String>,
    parts: BTreeMap<String, BTreeSet<String>>,
    /// Server constants (`HOSTED_BASE_URL`) and credential setters (`ClientBuilder::x_api_key`)
    /// to their items' keys.
    others: BTreeMap<String, String>,
}

impl Names {
    pub fn of(surfaces: [&Surface; 2]) -> Names {
        let mut names = Names {
            types: BTreeMap::new(),
            builders: BTreeMap::new(),
            methods: BTreeMap::new(),
            parts: BTreeMap::new(),
            others: BTreeMap::new(),
        };
        for item in surfaces.iter().flat_map(|s| &s.items) {
            match item {
                Item::Type { name, .. } => {
                    names.types.entry(name.clone()).or_default();
                }
                Item::Field { owner, name, .. }
                | Item::Const { owner, name, .. }
                | Item::Value { owner, name, .. }
                | Item::Variant { owner, name, .. }
                | Item::Method { owner, name, .. } => {
                    names
                        .types
                        .entry(owner.clone())
                        .or_default()
                        .insert(name.clone());
                }
                Item::Operation { id, call, .. } => {
                    let (method, builder) = call.split_once(" → ").unwrap_or((call, ""));
                    names.builders.insert(builder.to_owned(), id.clone());
                    names.methods.insert(method.to_owned(), id.clone());
                    if let Some((accessor, method)) = method.split_once("().") {
                        let group = upper_camel(accessor);
                        names
                            .methods
                            .insert(format!("{group}::{method}"), id.clone());
                    } else {
                        names
                            .methods
                            .insert(format!("Client::{method}"), id.clone());
                    }
                }
                Item::Param {
                    operation, name, ..
                } => {
                    names
                        .parts
                        .entry(operation.clone())
                        .or_default()
                        .insert(name.clone());
                }
                Item::Server { constant, .. } => {
                    names.others.insert(constant.clone(), item.key());
                }
                Item::Credential { setter, .. } => {
                    names
                        .others
                        .insert(format!("ClientBuilder::{setter}"), item.key());
                }
                Item::Crate { .. }
                | Item::Body { .. }
                | Item::Answer { .. }
                | Item::Security { .. }
                | Item::Servers { .. } => {}
            }
        }
        names
    }

    /// What a finding's place names, reading its identifiers in order: a group's method, a
    /// builder (and its setter or call), or a type (and its member). `None` when it names
    /// nothing of either version's API.
    pub fn of_finding(&self, place: &str) -> Option<Anchor> {
        // The place before " in " / ", previously in": the file and line come after.
        let words: Vec<&str> = place
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            let path = format!("{}::{}", pair[0], pair[1]);
            if let Some(op) = self.methods.get(&path) {
                return Some(Anchor::Operation(op.clone()));
            }
            if let Some(key) = self.others.get(&path) {
                return Some(Anchor::Item(key.clone()));
            }
        }
        if let Some(key) = words.iter().find_map(|w| self.others.get(*w)) {
            return Some(Anchor::Item(key.clone()));
        }
        for (i, word) in words.iter().enumerate() {
            let next = words.get(i + 1).copied();
            if let Some(op) = self.builders.get(*word) {
                return Some(match next {
                    Some(part) if self.is_part(op, part) => Anchor::Part(op.clone(), part.into()),
                    _ => Anchor::Operation(op.clone()),
                });
            }
            if let Some(members) = self.types.get(*word) {
                // `field A.b`, `variant A:B`, `A::b`, or `method b of enum A`.
                let member = next.filter(|m| members.contains(*m)).or_else(|| {
                    words[..i]
                        .iter()
                        .rev()
                        .copied()
                        .find(|m| members.contains(*m))
                });
                return Some(match member {
                    Some(member) => Anchor::Member((*word).to_owned(), member.to_owned()),
                    None => Anchor::Type((*word).to_owned()),
                });
            }
        }
        None
    }

    fn is_part(&self, op: &str, part: &str) -> bool {
        matches!(part, "body" | "send" | "stream")
            || self.parts.get(op).is_some_and(|p| p.contains(part))
    }
}

/// What a report line is about, from the key of its item.
pub fn of_change(change: &Change) -> Option<Anchor> {
    let (kind, rest) = change.item.split_once(' ')?;
    let member = |sep: &str| {
        rest.split_once(sep)
            .map(|(owner, name)| Anchor::Member(owner.to_owned(), name.to_owned()))
    };
    match kind {
        "type" => Some(Anchor::Type(rest.to_owned())),
        "field" => member("."),
        "const" | "value" | "variant" | "method" => member("::"),
        "operation" => Some(Anchor::Operation(rest.to_owned())),
        "param" => {
            let (op, name) = rest.strip_suffix(')')?.split_once('(')?;
            Some(Anchor::Part(op.to_owned(), name.to_owned()))
        }
        "body" => Some(Anchor::Part(rest.to_owned(), "body".to_owned())),
        "answer" => {
            let (op, kind) = rest.rsplit_once('.')?;
            Some(Anchor::Part(op.to_owned(), kind.to_owned()))
        }
        "security" => Some(Anchor::Part(rest.to_owned(), "security".to_owned())),
        "server" | "credential" => Some(Anchor::Item(change.item.clone())),
        _ => None,
    }
}

/// `conversations` as its group type is named: `Conversations`.
fn upper_camel(snake: &str) -> String {
    snake
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface() -> Surface {
        Surface::from_listing(
            r#"[
{"item":"type","name":"Thing","kind":"struct","built":false,"non_exhaustive":true},
{"item":"field","owner":"Thing","name":"size","ty":"Option<i64>","presence":"optional","wire":"size"},
{"item":"type","name":"Shape","kind":"union by `kind`","built":false,"non_exhaustive":true},
{"item":"variant","owner":"Shape","name":"Circle","ty":"Circle","tag":"circle"},
{"item":"operation","id":"list_things","route":"GET /things","call":"things().list → ListThingsBuilder"},
{"item":"param","operation":"list_things","name":"limit","ty":"i64","required":false,"location":"query","wire":"limit"}
]"#,
        )
        .expect("reads")
    }

    #[test]
    fn findings_name_types_members_and_operations() {
        let surface = surface();
        let names = Names::of([&surface, &surface]);
        let of = |place: &str| names.of_finding(place);
        let member = |t: &str, m: &str| Some(Anchor::Member(t.into(), m.into()));
        assert_eq!(
            of("field Thing.size in src/models.rs:3"),
            member("Thing", "size")
        );
        assert_eq!(
            of("variant Shape:Circle, previously in file src/models.rs:9"),
            member("Shape", "Circle")
        );
        assert_eq!(
            of("Thing::new, previously in file src/models.rs:3"),
            Some(Anchor::Type("Thing".into()))
        );
        assert_eq!(
            of("api::client::Things::list takes 1 parameters in src/client.rs:1, but now takes 0"),
            Some(Anchor::Operation("list_things".into()))
        );
        assert_eq!(
            of("ListThingsBuilder::limit, previously in file src/client.rs:20"),
            Some(Anchor::Part("list_things".into(), "limit".into()))
        );
        assert_eq!(of("struct api::client::Other in src/client.rs:1"), None);
    }

    #[test]
    fn a_change_accounts_for_what_is_inside_it() {
        let ty = Anchor::Type("Thing".into());
        let field = Anchor::Member("Thing".into(), "size".into());
        let other = Anchor::Member("Thing".into(), "name".into());
        assert!(ty.covers(&field) && field.covers(&ty) && field.covers(&field));
        assert!(!field.covers(&other));
        let op = Anchor::Operation("list_things".into());
        let part = Anchor::Part("list_things".into(), "limit".into());
        assert!(op.covers(&part) && part.covers(&op));
        assert!(!op.covers(&ty));
    }
}
