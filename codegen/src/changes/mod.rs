//! What changed for a Rust user between two versions of the generated API: types, fields,
//! constants, enum values, union variants, operations, parameters, bodies and answers added,
//! removed or changed, each marked breaking, additive or compatible.
//!
//! Both sides are a [`Surface`]: the part of the model a user compiles against, item by item.
//! [`between`] compares two models; `cargo xtask codegen` compares the surface committed in the
//! output directory (`API.json`, written by [`Surface::listing`]) with the one it generates, so
//! the report covers what the generator changed as well as what the document did.
//!
//! The rules, for code that uses the crate, follow one contract for types that grow: every
//! enum and union, and every struct only answers hold, is `#[non_exhaustive]`, so that what
//! the API adds to them is additive for real (a `match` has a `_` arm; such a struct is built
//! with `new` or `Default` and its fields set). A struct requests carry stays exhaustive, so
//! that users write it as a literal.
//! - Removing anything, renaming it, or changing an item's Rust type is **breaking**; so is a
//!   type that becomes `#[non_exhaustive]` (requests stopped carrying a struct).
//! - A new field of a struct that requests carry (a body or a parameter reaches it) is
//!   **breaking**: a struct literal that lists every field must add it (one ending in
//!   `..Default::default()` or `..Type::new(…)` compiles as before). A new required field is
//!   breaking anywhere (`new` takes it, and a struct without one loses `Default`); a new
//!   optional field of a type only answers hold is **additive**.
//! - A required parameter or body added, or a parameter becoming required or optional, is
//!   **breaking**: the method that takes it (named on the line) changes its arguments.
//! - New types, constants, enum values, union variants, read paths, operations, optional
//!   parameters, optional bodies and answers are **additive**. Values that decoded into
//!   `Unknown` before decode into the new variant.
//! - A change that compiles as before but behaves differently on the wire (a wire name, a
//!   route, a parameter's location, `null` written or left out, a constant's value) is
//!   **compatible**, and so is a type that stops being `#[non_exhaustive]`.
//!
//! `cargo xtask semver` holds these rules against `cargo-semver-checks` and probe programs.

mod markdown;
mod surface;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::model::Model;

pub use surface::{Item, Surface};

/// How a change affects code that uses the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code that compiled may not compile, or may decode differently.
    Breaking,
    /// Something new; what compiled still does.
    Additive,
    /// Compiles as before; what goes over the wire differs.
    Compatible,
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that the report can align the column.
        f.pad(match self {
            Impact::Breaking => "breaking",
            Impact::Additive => "additive",
            Impact::Compatible => "compatible",
        })
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub impact: Impact,
    /// The item: ``field `Conversation.archived` ``.
    pub subject: String,
    /// What happened to it: `added: Option<bool> (`archived`)`.
    pub what: String,
    /// The key of the item (as [`Item::key`] gives it; the old one's for a rename), so that a
    /// tool can find the item on either side.
    pub item: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<10} {}: {}", self.impact, self.subject, self.what)
    }
}

/// The changes from `old` to `new`, breaking ones first: within each kind, what was removed
/// in the order of `old`, then what was added or changed in the order of `new`. The members of
/// a type or operation that came or went are part of that one change.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    // The crate's own line records the version; it is not part of the API.
    let api = |s: &Surface| Surface {
        items: s
            .items
            .iter()
            .filter(|i| !matches!(i, Item::Crate { .. }))
            .cloned()
            .collect(),
    };
    compare_api(&api(old), &api(new))
}

fn compare_api<'a>(old: &'a Surface, new: &'a Surface) -> Vec<Change> {
    let old_by_key: BTreeMap<String, &Item> = old.items.iter().map(|i| (i.key(), i)).collect();
    let new_by_key: BTreeMap<String, &Item> = new.items.iter().map(|i| (i.key(), i)).collect();
    let built: BTreeSet<&str> = new
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Type {
                name, built: true, ..
            } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let members = |surface: &Surface, owner: &str| {
        surface
            .items
            .iter()
            .filter(|i| i.owner_key().as_deref() == Some(owner))
            .count()
    };
    // What one side has and the other lacks, leaving out the members of a type or operation
    // that came or went with it (they are counted on its line).
    let unmatched = |side: &'a Surface, other: &BTreeMap<String, &Item>| -> Vec<&'a Item> {
        side.items
            .iter()
            .filter(|item| {
                let owner_unmatched = item
                    .owner_key()
                    .is_some_and(|owner| !other.contains_key(&owner));
                !other.contains_key(&item.key()) && !owner_unmatched
            })
            .collect()
    };
    // A member of an operation names the Rust call whose signature it is part of.
    let calls: BTreeMap<String, String> = old
        .items
        .iter()
        .chain(&new.items)
        .filter_map(|i| match i {
            Item::Operation { call, .. } => Some((i.key(), rust_method(call))),
            _ => None,
        })
        .collect();
    let subject = |item: &Item| match item.owner_key().and_then(|owner| calls.get(&owner)) {
        Some(call)
            if matches!(
                item,
                Item::Param { .. } | Item::Body { .. } | Item::Answer { .. }
            ) =>
        {
            format!("{} (`{call}`)", item.subject())
        }
        _ => item.subject(),
    };
    let gone = unmatched(old, &new_by_key);
    let came = unmatched(new, &old_by_key);
    let renamed = renames(&gone, &came, old, new);
    let mut changes = Vec::new();
    for item in gone {
        changes.push(match renamed.iter().find(|(before, _)| *before == item) {
            Some((_, after)) => Change {
                impact: Impact::Breaking,
                subject: subject(item),
                what: format!("renamed to `{}`", after.name()),
                item: item.key(),
            },
            None => Change {
                impact: Impact::Breaking,
                subject: subject(item),
                what: removed(item),
                item: item.key(),
            },
        });
    }
    for item in &new.items {
        let owner_new = item
            .owner_key()
            .is_some_and(|owner| !old_by_key.contains_key(&owner));
        match old_by_key.get(&item.key()) {
            None if owner_new => {}
            None if renamed.iter().any(|(_, after)| *after == item) => {}
            None => {
                let mut change = added(item, &built);
                change.subject = subject(item);
                if item.owner_key().is_none() {
                    let count = members(new, &item.key());
                    if count > 0 {
                        change.what.push_str(&format!(
                            " ({count} {})",
                            if count == 1 { "member" } else { "members" }
                        ));
                    }
                }
                changes.push(change);
            }
            Some(before) if *before != item => changes.extend(changed(before, item, subject(item))),
            Some(_) => {}
        }
    }
    changes.sort_by_key(|c| c.impact);
    changes
}

/// Pairs what went with what came under another name and is otherwise the same (its facets,
/// and a type's members too; an operation by its route): a rename reads as one change, not a
/// removal and an addition. Each goes with the first match in `new`'s order.
fn renames<'a>(
    gone: &[&'a Item],
    came: &[&'a Item],
    old: &Surface,
    new: &Surface,
) -> Vec<(&'a Item, &'a Item)> {
    let mut taken = vec![false; came.len()];
    let mut pairs = Vec::new();
    for before in gone {
        let found = came.iter().enumerate().position(|(i, after)| {
            !taken[i] && before.owner_key() == after.owner_key() && renamed(before, after, old, new)
        });
        if let Some(i) = found {
            taken[i] = true;
            pairs.push((*before, came[i]));
        }
    }
    pairs
}

fn renamed(before: &Item, after: &Item, old: &Surface, new: &Surface) -> bool {
    if std::mem::discriminant(before) != std::mem::discriminant(after) {
        return false;
    }
    match (before, after) {
        (Item::Operation { route: a, .. }, Item::Operation { route: b, .. }) => a == b,
        (Item::Type { .. }, Item::Type { .. }) => {
            let members = |surface: &'_ Surface, item: &Item| -> Vec<(String, Vec<String>)> {
                let owner = item.key();
                surface
                    .items
                    .iter()
                    .filter(|i| i.owner_key().as_ref() == Some(&owner))
                    .map(|i| (i.key_in_owner(), facet_values(i)))
                    .collect()
            };
            facet_values(before) == facet_values(after)
                && members(old, before) == members(new, after)
        }
        _ => facet_values(before) == facet_values(after),
    }
}

fn facet_values(item: &Item) -> Vec<String> {
    item.facets().into_iter().map(|f| f.value).collect()
}

/// The Rust method of an operation's call (`conversations().list` of
/// `conversations().list → ListConversationsBuilder`).
fn rust_method(call: &str) -> String {
    call.split(" → ").next().unwrap_or(call).to_owned()
}

/// The changes between the APIs two models generate.
pub fn between(old: &Model, new: &Model) -> Vec<Change> {
    compare(&Surface::of(old), &Surface::of(new))
}

fn removed(item: &Item) -> String {
    match item.shape() {
        shape if shape.is_empty() => "removed".to_owned(),
        shape => format!("removed (was {shape})"),
    }
}

fn added(item: &Item, built: &BTreeSet<&str>) -> Change {
    let shape = item.shape();
    let what = if shape.is_empty() {
        "added".to_owned()
    } else {
        format!("added: {shape}")
    };
    let (impact, why) = match item {
        Item::Field {
            presence, owner, ..
        } if presence == "required" => (
            Impact::Breaking,
            if built.contains(owner.as_str()) {
                Some("`new` and struct literals need it")
            } else {
                Some("`new` needs it, and answers without it no longer decode")
            },
        ),
        // Requests carry the struct, so users build it.
        Item::Field { owner, .. } if built.contains(owner.as_str()) => (
            Impact::Breaking,
            Some("request literals that list every field must add it"),
        ),
        Item::Param { required: true, .. } | Item::Body { required: true, .. } => {
            (Impact::Breaking, Some("the method takes it"))
        }
        _ => (Impact::Additive, None),
    };
    Change {
        impact,
        subject: item.subject(),
        what: match why {
            Some(why) => format!("{what}; {why}"),
            None => what,
        },
        item: item.key(),
    }
}

/// What changed in an item both versions have, facet by facet (see [`Item::facets`]).
fn changed(old: &Item, new: &Item, subject: String) -> Vec<Change> {
    let mut out = Vec::new();
    let mut previous_changed = false;
    // Items with the same key are the same kind of item, so their facets pair up.
    for (before, after) in old.facets().into_iter().zip(new.facets()) {
        let differs = before.value != after.value;
        if differs && !(after.unless_previous_changed && previous_changed) {
            out.push(Change {
                impact: before.impact_of(&after),
                subject: subject.clone(),
                what: format!("{} {} → {}", after.label, before.value, after.value),
                item: new.key(),
            });
        }
        previous_changed = differs;
    }
    out
}

/// The version that follows `current` after `changes`, by cargo's rules: from 1.0 on, a
/// breaking change bumps the major version, an additive one the minor, anything else the
/// patch; before 1.0 each moves one place right (`0.x`: breaking bumps the minor; `0.0.x`:
/// everything bumps the patch). Called when the generated crate changed at all, so no
/// change of the API still bumps the patch.
pub fn next_version(current: &str, changes: &[Change]) -> Result<String, String> {
    let parts: Vec<u64> = current
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| format!("version `{current}` is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("version `{current}` is not MAJOR.MINOR.PATCH"));
    };
    let worst = changes.iter().map(|c| c.impact).min();
    let (major, minor, patch) = match (major, minor, worst) {
        (0, 0, _) => (0, 0, patch + 1),
        (0, _, Some(Impact::Breaking)) => (0, minor + 1, 0),
        (0, _, _) => (0, minor, patch + 1),
        (_, _, Some(Impact::Breaking)) => (major + 1, 0, 0),
        (_, _, Some(Impact::Additive)) => (major, minor + 1, 0),
        _ => (major, minor, patch + 1),
    };
    Ok(format!("{major}.{minor}.{patch}"))
}

/// The report: a count line, then one line per change; empty when nothing changed.
pub fn report(changes: &[Change]) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let count = |impact| changes.iter().filter(|c| c.impact == impact).count();
    let mut out = format!(
        "API changes: {} breaking, {} additive, {} compatible\n",
        count(Impact::Breaking),
        count(Impact::Additive),
        count(Impact::Compatible)
    );
    for change in changes {
        out.push_str("  ");
        out.push_str(&change.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface(items: Vec<Item>) -> Surface {
        Surface { items }
    }

    fn ty(name: &str, built: bool) -> Item {
        Item::Type {
            name: name.into(),
            kind: "struct".into(),
            built,
            non_exhaustive: !built,
            deprecated: false,
            unknown: None,
        }
    }

    fn field(owner: &str, name: &str, ty: &str, presence: &str) -> Item {
        Item::Field {
            owner: owner.into(),
            name: name.into(),
            ty: ty.into(),
            presence: presence.into(),
            wire: name.into(),
            deprecated: false,
        }
    }

    #[test]
    fn a_new_optional_field_breaks_literals_of_request_types_only() {
        let old = surface(vec![ty("Request", true), ty("Answer", false)]);
        let new = surface(vec![
            ty("Request", true),
            field("Request", "note", "Option<String>", "optional"),
            ty("Answer", false),
            field("Answer", "note", "Option<String>", "optional"),
        ]);
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].impact, Impact::Breaking);
        assert!(changes[0].subject.contains("Request.note"));
        assert_eq!(changes[1].impact, Impact::Additive);
    }

    #[test]
    fn removals_and_type_changes_break_and_wire_changes_do_not() {
        let old = surface(vec![
            ty("A", false),
            field("A", "gone", "String", "required"),
            field("A", "kind", "Option<String>", "optional"),
            field("A", "shown", "Option<String>", "optional"),
        ]);
        let new = surface(vec![
            ty("A", false),
            field("A", "kind", "Option<i64>", "optional"),
            field("A", "shown", "Option<String>", "nullable"),
        ]);
        let changes = compare(&old, &new);
        let impacts: Vec<Impact> = changes.iter().map(|c| c.impact).collect();
        assert_eq!(
            impacts,
            [Impact::Breaking, Impact::Breaking, Impact::Compatible]
        );
        assert!(changes[0].what.starts_with("removed"));
        assert_eq!(changes[1].what, "type Option<String> → Option<i64>");
    }

    #[test]
    fn a_renamed_method_breaks_and_a_moved_route_does_not() {
        let operation = |route: &str, call: &str| Item::Operation {
            id: "list".into(),
            route: route.into(),
            call: call.into(),
            deprecated: false,
        };
        let old = surface(vec![operation("GET /a", "things().list → ListThings")]);
        let new = surface(vec![operation("GET /b", "things().all → ListThings")]);
        let impacts: Vec<Impact> = compare(&old, &new).iter().map(|c| c.impact).collect();
        assert_eq!(impacts, [Impact::Breaking, Impact::Compatible]);
    }

    #[test]
    fn a_rename_is_one_change_and_a_new_shape_is_not_a_rename() {
        let variant = |name: &str, ty: &str| Item::Variant {
            owner: "Settings".into(),
            name: name.into(),
            ty: ty.into(),
            tag: Some("openai".into()),
        };
        let old = surface(vec![
            ty("Settings", false),
            variant("Openai", "OpenaiSettings"),
            ty("OpenaiSettings", false),
            field("OpenaiSettings", "model", "String", "required"),
            ty("Old", false),
            field("Old", "a", "String", "required"),
        ]);
        let new = surface(vec![
            ty("Settings", false),
            variant("OpenAI", "OpenAISettings"),
            ty("OpenAISettings", false),
            field("OpenAISettings", "model", "String", "required"),
            ty("New", false),
            field("New", "a", "i64", "required"),
        ]);
        let shown: Vec<String> = compare(&old, &new).iter().map(Change::to_string).collect();
        assert_eq!(
            shown,
            [
                // The variant's type was renamed too, so the variant changed more than its name.
                "breaking   variant `Settings::Openai`: removed (was OpenaiSettings, tag `openai`)",
                "breaking   struct `OpenaiSettings`: renamed to `OpenAISettings`",
                "breaking   struct `Old`: removed",
                "additive   variant `Settings::OpenAI`: added: OpenAISettings, tag `openai`",
                "additive   struct `New`: added (1 member)",
            ]
        );
        let old = surface(vec![ty("Settings", false), variant("Openai", "S")]);
        let new = surface(vec![ty("Settings", false), variant("OpenAI", "S")]);
        let shown: Vec<String> = compare(&old, &new).iter().map(Change::to_string).collect();
        assert_eq!(
            shown,
            ["breaking   variant `Settings::Openai`: renamed to `OpenAI`"]
        );
    }

    #[test]
    fn becoming_non_exhaustive_breaks_and_the_reverse_does_not() {
        let answer_only = surface(vec![ty("Shared", false)]);
        let carried = surface(vec![ty("Shared", true)]);
        let impacts = |old: &Surface, new: &Surface| -> Vec<Impact> {
            compare(old, new).iter().map(|c| c.impact).collect()
        };
        assert_eq!(impacts(&carried, &answer_only), [Impact::Breaking]);
        assert_eq!(impacts(&answer_only, &carried), [Impact::Additive]);
        // A listing written before the attribute existed reads as exhaustive.
        let old = Surface::from_listing(
            r#"[{"item":"type","name":"Shared","kind":"struct","built":false}]"#,
        )
        .expect("reads");
        assert_eq!(impacts(&old, &answer_only), [Impact::Breaking]);
    }

    #[test]
    fn a_constant_changes_its_type_breaking_and_its_value_compatibly() {
        let constant = |value: &str| Item::Const {
            owner: "A".into(),
            name: "KIND".into(),
            value: value.into(),
            wire: "kind".into(),
            deprecated: false,
        };
        let old = surface(vec![ty("A", false), constant("\"a\"")]);
        let renamed = surface(vec![ty("A", false), constant("\"b\"")]);
        let retyped = surface(vec![ty("A", false), constant("true")]);
        let shown: Vec<String> = compare(&old, &renamed)
            .iter()
            .map(Change::to_string)
            .collect();
        assert_eq!(shown, [r#"compatible constant `A::KIND`: value "a" → "b""#]);
        let shown: Vec<String> = compare(&old, &retyped)
            .iter()
            .map(Change::to_string)
            .collect();
        assert_eq!(
            shown,
            ["breaking   constant `A::KIND`: type string → boolean"]
        );
    }

    #[test]
    fn a_parameter_names_the_method_that_takes_it() {
        let operation = Item::Operation {
            id: "list_things".into(),
            route: "GET /things".into(),
            call: "things().list → ListThingsBuilder".into(),
            deprecated: false,
        };
        let param = |required: bool| Item::Param {
            operation: "list_things".into(),
            name: "owner".into(),
            ty: "String".into(),
            required,
            location: "query".into(),
            wire: "owner".into(),
            deprecated: false,
        };
        let old = surface(vec![operation.clone(), param(false)]);
        let new = surface(vec![operation, param(true)]);
        let shown: Vec<String> = compare(&old, &new).iter().map(Change::to_string).collect();
        assert_eq!(
            shown,
            [
                "breaking   query parameter `owner` of `list_things` (`things().list`): now optional → required"
            ]
        );
    }

    #[test]
    fn pagination_lost_breaks_and_a_deprecation_breaks_nothing() {
        let operation = |deprecated: bool| Item::Operation {
            id: "list_things".into(),
            route: "GET /things".into(),
            call: "things().list → ListThingsBuilder".into(),
            deprecated,
        };
        let pages = Item::Answer {
            operation: "list_things".into(),
            kind: "into_stream".into(),
            ty: "Thing".into(),
            sets: None,
        };
        let old = surface(vec![operation(false), pages]);
        let new = surface(vec![operation(true)]);
        let shown: Vec<String> = compare(&old, &new).iter().map(Change::to_string).collect();
        assert_eq!(
            shown,
            [
                "breaking   `into_stream()` of `list_things` (`things().list`): removed (was Thing)",
                "compatible operation `list_things`: deprecated no → yes",
            ]
        );
    }

    #[test]
    fn a_read_path_removed_breaks_and_one_added_does_not() {
        let method = |name: &str, returns: &str| Item::Method {
            owner: "U".into(),
            name: name.into(),
            returns: returns.into(),
        };
        let old = surface(vec![ty("U", false), method("as_a", "Option<&A>")]);
        let new = surface(vec![ty("U", false), method("as_b", "Option<&B>")]);
        let impacts: Vec<Impact> = compare(&old, &new).iter().map(|c| c.impact).collect();
        assert_eq!(impacts, [Impact::Breaking, Impact::Additive]);
    }

    #[test]
    fn the_version_follows_the_worst_change_by_cargos_rules() {
        let change = |impact| Change {
            impact,
            subject: String::new(),
            what: String::new(),
            item: String::new(),
        };
        let next = |version: &str, impacts: &[Impact]| {
            let changes: Vec<Change> = impacts.iter().map(|&i| change(i)).collect();
            next_version(version, &changes).expect("a version")
        };
        use Impact::*;
        assert_eq!(next("1.4.2", &[Additive, Breaking]), "2.0.0");
        assert_eq!(next("1.4.2", &[Compatible, Additive]), "1.5.0");
        assert_eq!(next("1.4.2", &[Compatible]), "1.4.3");
        assert_eq!(next("1.4.2", &[]), "1.4.3");
        assert_eq!(next("0.3.1", &[Breaking]), "0.4.0");
        assert_eq!(next("0.3.1", &[Additive]), "0.3.2");
        assert_eq!(next("0.0.7", &[Breaking]), "0.0.8");
        assert!(next_version("1.0", &[]).is_err());
        assert!(next_version("1.0.0-beta", &[]).is_err());
    }

    #[test]
    fn the_crate_line_is_recorded_and_not_compared() {
        let old = surface(vec![ty("A", false)]).with_crate("api", "0.1.0");
        let new = surface(vec![ty("A", false)]).with_crate("api", "0.2.0");
        assert!(compare(&old, &new).is_empty());
        let read = Surface::from_listing(&new.listing()).expect("reads");
        assert_eq!(read.version(), Some("0.2.0"));
    }

    #[test]
    fn the_listing_reads_back() {
        let items = vec![
            ty("A", true),
            field("A", "x", "Option<String>", "optional"),
            Item::Param {
                operation: "op".into(),
                name: "limit".into(),
                ty: "i64".into(),
                required: false,
                location: "query".into(),
                wire: "limit".into(),
                deprecated: true,
            },
        ];
        let surface = surface(items);
        assert_eq!(Surface::from_listing(&surface.listing()), Ok(surface));
        assert_eq!(report(&[]), "");
    }
}
