//! The client's decisions about the declared operations: their resource groups and the names
//! of groups, accessors, methods and builders; each operation's call shape (JSON, events with
//! their toggle, or nothing) and pagination; and the error decoders the operations share.
//! They need the finished types (a body's fields, an item's `id`), so they come last.

use super::operations::Declared;
use crate::model::*;
use crate::naming::{self, Scope};

/// Names the generated client module defines or imports itself, which no group or builder may
/// take (the builders' module glob-imports them).
const CLIENT_ITEMS: [&str; 22] = [
    "Client",
    "ClientBuilder",
    "Error",
    "HasId",
    "DeclaredError",
    "EventStream",
    "ApiError",
    "Attempts",
    "CallOptions",
    "DecodeError",
    "ErrorBody",
    "RequestOptions",
    "RetryPolicy",
    "Stopped",
    "StreamError",
    "StreamLimit",
    "TimeoutError",
    "TimeoutKind",
    "TooLargeError",
    "TransportError",
    "Truncation",
    "Request",
];

/// Names the crate root exports from its runtime, which no builder or group may take.
const ROOT_ITEMS: [&str; 4] = ["Extra", "Patch", "Timestamp", "TimestampError"];

/// What every builder's name ends with: `create_conversation` is built by
/// `CreateConversationBuilder`, never by a type that shares a model's name.
const BUILDER_SUFFIX: &str = "Builder";

/// Methods `Client` has of its own, which no accessor or untagged operation may take.
const CLIENT_METHODS: [&str; 4] = ["new", "from_env", "builder", "base_url"];

/// Methods of the traits the client, its groups and its builders implement (`Clone`, `Debug`)
/// or get from the standard library's blanket impls: an inherent method of one of these names
/// would shadow the trait's, so `client.clone()` would no longer clone.
pub(super) const TRAIT_METHODS: [&str; 12] = [
    "clone",
    "clone_from",
    "fmt",
    "to_owned",
    "clone_into",
    "into",
    "try_into",
    "from",
    "try_from",
    "borrow",
    "borrow_mut",
    "type_id",
];

/// Methods and fields a group has of its own.
const GROUP_MEMBERS: [&str; 2] = ["new", "client"];

/// Settles the client side of `model` from the declared operations.
pub(super) fn settle(model: &mut Model, declared: Vec<Declared>) {
    let (errors, decoder_of) = declared_errors(model, &declared);
    let groups = groups_of(&declared);
    let names = names(model, &declared, &groups);
    let mut operations = Vec::with_capacity(declared.len());
    for (index, op) in declared.into_iter().enumerate() {
        let call = call(model, &op);
        let pagination = pagination(model, &op, &call);
        let (method_name, builder) = names.of_operation[index].clone();
        operations.push(Operation {
            operation_id: op.operation_id,
            method_name,
            builder,
            method: op.method,
            path: op.path,
            route: op.route,
            tag: op.tag,
            summary: op.summary,
            doc: op.doc,
            deprecated: op.deprecated,
            params: op.params,
            body: op.body,
            call,
            pagination,
            errors: decoder_of[index],
            origin: op.origin,
            security: Security::default(),
            servers: Vec::new(),
            accept: op.accept,
        });
    }
    model.item_ids = item_ids(model, &operations);
    model.examples = examples(&operations);
    model.operations = operations;
    model.groups = groups
        .into_iter()
        .zip(names.of_group)
        .map(|((_, operations), tag)| Group { tag, operations })
        .collect();
    model.errors = errors;
}

/// The first operations the quick start can call with placeholders: string arguments only,
/// no required body, not deprecated.
fn examples(operations: &[Operation]) -> Examples {
    let simple = |op: &&Operation| {
        !op.deprecated
            && !op.body.as_ref().is_some_and(|b| b.required)
            && op.params.iter().all(|p| !p.required || p.ty == Ty::String)
    };
    let find = |wanted: fn(&Operation) -> bool| {
        operations
            .iter()
            .enumerate()
            .find(|(_, op)| simple(op) && wanted(op))
            .map(|(index, _)| index)
    };
    Examples {
        call: find(|op| op.call.answer.json().is_some()),
        stream: find(|op| op.call.answer.events().is_some()),
        pages: find(|op| op.pagination.is_some()),
    }
}

/// The operations by tag, in the order each tag first appears.
fn groups_of(declared: &[Declared]) -> Vec<(Option<String>, Vec<usize>)> {
    let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    for (index, op) in declared.iter().enumerate() {
        match groups.iter_mut().find(|(tag, _)| *tag == op.tag) {
            Some((_, members)) => members.push(index),
            None => groups.push((op.tag.clone(), vec![index])),
        }
    }
    groups
}

struct Names {
    /// `(method, builder)` of each operation.
    of_operation: Vec<(String, String)>,
    /// The type and accessor of each tagged group.
    of_group: Vec<Option<TagGroup>>,
}

/// Every name of the client, claimed group by group in document order: a group's methods,
/// its operations' builders, then its own type and accessor.
///
/// Builders and group types share one scope with every other public type of the crate (the
/// models, the client's own items, the root's): no two public types share a name, so glob
/// imports of `models` and `client::builders` never collide. A builder is its operationId in
/// UpperCamelCase with [`BUILDER_SUFFIX`]; a clash takes the next free number.
fn names(model: &Model, declared: &[Declared], groups: &[(Option<String>, Vec<usize>)]) -> Names {
    let mut client_methods = Scope::with_reserved(&[&CLIENT_METHODS[..], &TRAIT_METHODS].concat());
    let mut public_types = Scope::with_reserved(&CLIENT_ITEMS);
    for name in ROOT_ITEMS {
        public_types.claim(name);
    }
    for def in &model.types {
        public_types.claim(&def.name);
    }
    let mut of_operation = vec![(String::new(), String::new()); declared.len()];
    let mut of_group = Vec::new();
    for (tag, members) in groups {
        let ops: Vec<&Declared> = members.iter().map(|&i| &declared[i]).collect();
        let methods = match tag {
            Some(tag) => group_method_names(&ops, tag),
            // Untagged operations are methods of `Client` itself.
            None => ops
                .iter()
                .map(|op| client_methods.claim_snake(&op.snake_name))
                .collect(),
        };
        for ((&index, op), method) in members.iter().zip(&ops).zip(methods) {
            let base = naming::type_name(&op.operation_id);
            let builder = public_types.claim(&format!("{base}{BUILDER_SUFFIX}"));
            of_operation[index] = (method, builder);
        }
        of_group.push(tag.as_ref().map(|tag| TagGroup {
            tag: tag.clone(),
            type_name: public_types.claim(&naming::type_name(tag)),
            accessor: client_methods.claim_snake(&naming::field_name(tag)),
        }));
    }
    Names {
        of_operation,
        of_group,
    }
}

/// A method name within a group: the operationId without the words of the tag
/// (`list_conversations` in `conversations` is `list`), unless that leaves it empty or
/// makes two of the group's methods alike.
fn group_method_names(ops: &[&Declared], tag: &str) -> Vec<String> {
    let tag_words: Vec<String> = naming::field_name(tag)
        .split('_')
        .map(str::to_owned)
        .collect();
    let singular: Vec<String> = tag_words
        .iter()
        .map(|w| w.strip_suffix('s').unwrap_or(w).to_owned())
        .collect();
    let short: Vec<String> = ops
        .iter()
        .map(|op| {
            let words: Vec<&str> = op
                .snake_name
                .split('_')
                .filter(|w| !tag_words.iter().any(|t| t == w) && !singular.iter().any(|t| t == w))
                .collect();
            if words.is_empty() {
                op.snake_name.clone()
            } else {
                words.join("_")
            }
        })
        .collect();
    let mut scope = Scope::with_reserved(&[&GROUP_MEMBERS[..], &TRAIT_METHODS].concat());
    short
        .iter()
        .zip(ops)
        .map(|(name, op)| {
            let unique = short.iter().filter(|n| *n == name).count() == 1;
            let name = if unique {
                naming::field_name(name)
            } else {
                op.snake_name.clone()
            };
            scope.claim_snake(&name)
        })
        .collect()
}

/// How the builder sends: its JSON answer, its events, and the body's stream toggle.
fn call(model: &Model, op: &Declared) -> Call {
    // Only a typed body can carry a stream toggle; bytes are sent as given.
    let typed_body = op.body.as_ref().filter(|b| b.encoding != BodyEncoding::Raw);
    let toggle = typed_body.and_then(|body| match &body.ty {
        Ty::Named(id) => match &model.get(*id).kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .find(|f| {
                    matches!(f.wire.as_str(), "streaming" | "stream")
                        && f.ty == Ty::Boolean
                        && f.presence == Presence::Optional
                })
                .map(|f| f.name.clone()),
            _ => None,
        },
        _ => None,
    });
    // A JSON answer with no schema next to an event stream is the stream's fallback, not a result.
    let json = op
        .json
        .clone()
        .filter(|ty| !(op.events.is_some() && *ty == Ty::Json && toggle.is_none()));
    let answer = match (json, op.events.clone()) {
        (None, None) => Answer::Empty,
        (Some(json), None) => Answer::Json(json),
        (None, Some(events)) => Answer::Events(events),
        (Some(json), Some(events)) => Answer::JsonOrEvents { json, events },
    };
    Call { answer, toggle }
}

/// A list answer (optional or not) whose items have ids, and an `after` query parameter:
/// `into_stream()` follows the cursor.
fn pagination(model: &Model, op: &Declared, call: &Call) -> Option<Pagination> {
    // An optional list (a 204 beside it) is a page too: the empty answer ends the pages.
    let list = match call.answer.json()? {
        Ty::Nullable(list) => &**list,
        answer => answer,
    };
    let Ty::Array(item) = list else {
        return None;
    };
    id_access(model, item)?;
    let query = |wire: &str| {
        op.params
            .iter()
            .find(|p| p.wire == wire && p.location == ParamLocation::Query)
    };
    let after = query("after")?;
    // A page size the builder holds as an optional integer; any other `limit` is sent as
    // given and pages end at an empty one.
    let limit = query("limit")
        .filter(|limit| !limit.required && matches!(limit.ty, Ty::Integer | Ty::Unsigned))
        .map(|limit| {
            let default = limit.default.as_ref().and_then(serde_json::Value::as_i64);
            (limit.name.clone(), default)
        });
    Some(Pagination {
        item: (**item).clone(),
        after: after.name.clone(),
        limit,
    })
}

/// How a value of `ty` reads its `id`, if every shape of it has one.
fn id_access(model: &Model, ty: &Ty) -> Option<IdAccess> {
    let Ty::Named(id) = ty else { return None };
    match &model.get(*id).kind {
        TypeKind::Struct(s) => {
            let field = s
                .fields
                .iter()
                .find(|f| f.wire == "id" && f.ty == Ty::String)?;
            let required = match field.presence {
                Presence::Required => true,
                Presence::RequiredNullable | Presence::Optional => false,
                // `Patch` has no `as_deref`, and a constant id is no cursor.
                Presence::Patch | Presence::Const(_) => return None,
            };
            Some(IdAccess::Field {
                name: field.name.clone(),
                required,
            })
        }
        TypeKind::Union(u) => {
            for variant in u.variants() {
                id_access(model, &variant.ty)?;
            }
            Some(IdAccess::Variants)
        }
        _ => None,
    }
}

/// Every type that reads an `id` for pagination: the items and, for unions, their variants.
fn item_ids(model: &Model, operations: &[Operation]) -> Vec<(TypeId, IdAccess)> {
    fn collect(model: &Model, ty: &Ty, found: &mut Vec<(TypeId, IdAccess)>) {
        let Ty::Named(id) = ty else { return };
        if found.iter().any(|(seen, _)| seen == id) {
            return;
        }
        let Some(access) = id_access(model, ty) else {
            return;
        };
        found.push((*id, access));
        if let TypeKind::Union(u) = &model.get(*id).kind {
            for variant in u.variants() {
                collect(model, &variant.ty, found);
            }
        }
    }
    let mut found = Vec::new();
    for op in operations {
        if let Some(pages) = &op.pagination {
            collect(model, &pages.item, &mut found);
        }
    }
    found.sort_by_key(|(id, _)| *id);
    found
}

/// The declared error bodies: one `DeclaredError` arm per distinct body type, one decoder per
/// distinct table of statuses, and for each operation the index of its decoder.
fn declared_errors(model: &Model, declared: &[Declared]) -> (DeclaredErrors, Vec<usize>) {
    let mut errors = DeclaredErrors::default();
    let mut arm_types: Vec<Ty> = Vec::new();
    let mut arm_names = Scope::default();
    let mut decoder_of = Vec::with_capacity(declared.len());
    for op in declared {
        let mut cases = Vec::new();
        for (status, ty) in &op.errors {
            let arm = match arm_types.iter().position(|t| t == ty) {
                Some(arm) => arm,
                None => {
                    let base = match ty {
                        Ty::Named(id) => model.get(*id).name.clone(),
                        _ => "Other".to_owned(),
                    };
                    errors.variants.push(Variant {
                        name: arm_names.claim(&base),
                        ty: ty.clone(),
                        doc: None,
                    });
                    arm_types.push(ty.clone());
                    arm_types.len() - 1
                }
            };
            // One arm per status: the first body declared for it.
            if cases.iter().all(|(seen, _)| seen != status) {
                cases.push((*status, arm));
            }
        }
        // Exact statuses, then ranges (`4XX`), then `default`: a range or the catch-all put
        // first would leave the arms after it unreachable.
        cases.sort_by_key(|(status, _)| match status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        });
        let decoder = match errors.decoders.iter().position(|d| d.cases == cases) {
            Some(decoder) => decoder,
            None => {
                let name = format!("declared_errors_{}", errors.decoders.len() + 1);
                errors.decoders.push(ErrorDecoder { name, cases });
                errors.decoders.len() - 1
            }
        };
        decoder_of.push(decoder);
    }
    // The decoders print in the order their names sort (`…_10` before `…_2`), as they always
    // have; the operations follow them to their new places.
    let mut order: Vec<usize> = (0..errors.decoders.len()).collect();
    order.sort_by(|&a, &b| errors.decoders[a].name.cmp(&errors.decoders[b].name));
    let mut place = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        place[old] = new;
    }
    let mut decoders: Vec<Option<ErrorDecoder>> = errors.decoders.into_iter().map(Some).collect();
    errors.decoders = order
        .iter()
        .filter_map(|&old| decoders[old].take())
        .collect();
    let decoder_of = decoder_of.into_iter().map(|old| place[old]).collect();
    (errors, decoder_of)
}
