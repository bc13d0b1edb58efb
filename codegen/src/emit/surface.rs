//! A readable listing of the generated API (types, fields, variants, operations), committed
//! next to the code so that a reviewer sees what changed for users without reading it all.

use std::fmt::Write as _;

use super::spelling::Spelling;
use crate::model::*;

/// The Rust type as the listings write it.
pub(crate) fn ty_name(model: &Model, ty: &Ty) -> String {
    Spelling::listing().ty(model, ty)
}

fn field_line(model: &Model, f: &Field) -> String {
    let ty = ty_name(model, &f.ty);
    let shown = match &f.presence {
        Presence::Required => ty,
        Presence::RequiredNullable => format!("Option<{ty}> (always sent, may be null)"),
        Presence::Optional => format!("Option<{ty}>"),
        Presence::Patch => format!("Patch<{ty}>"),
        Presence::Const(constant) => format!("const {}", constant.value.to_json()),
    };
    let deprecated = if f.deprecated { " (deprecated)" } else { "" };
    if f.name == f.wire {
        format!("- `{}`: {shown}{deprecated}", f.name)
    } else {
        format!("- `{}` (`{}`): {shown}{deprecated}", f.name, f.wire)
    }
}

/// The listing, in the model's order.
pub fn listing(model: &Model) -> String {
    let mut out = String::from(
        "# API surface\n\nTypes in `models`, then operations; generated, see `cargo xtask codegen`.\n",
    );
    for id in &model.order {
        let def = model.get(*id);
        let deprecated = if def.deprecated { ", deprecated" } else { "" };
        match &def.kind {
            TypeKind::Struct(s) => {
                let _ = writeln!(out, "\n## struct {}{deprecated}\n", def.name);
                for f in &s.fields {
                    let _ = writeln!(out, "{}", field_line(model, f));
                }
            }
            TypeKind::Enum(e) => {
                let values: Vec<String> =
                    e.values.iter().map(|v| format!("`{}`", v.wire)).collect();
                let _ = writeln!(
                    out,
                    "\n## enum {}{deprecated}\n\n{}, or `{}(String)`",
                    def.name,
                    values.join(", "),
                    e.unknown_name
                );
            }
            TypeKind::Union(u) => {
                match &u.kind {
                    UnionKind::Tagged(t) => {
                        let _ = writeln!(
                            out,
                            "\n## union {} (by `{}`){deprecated}\n",
                            def.name, t.property
                        );
                        for tv in &t.variants {
                            let v = &tv.variant;
                            let ty = ty_name(model, &v.ty);
                            let _ = writeln!(out, "- `{}` → {}({ty})", tv.value, v.name);
                        }
                    }
                    UnionKind::Untagged(variants) => {
                        let _ = writeln!(out, "\n## union {} (untagged){deprecated}\n", def.name);
                        for v in variants {
                            let _ = writeln!(out, "- {}({})", v.name, ty_name(model, &v.ty));
                        }
                    }
                }
                let _ = writeln!(out, "- {}(raw JSON)", u.unknown_name);
            }
            TypeKind::Alias(ty) => {
                let _ = writeln!(out, "\n## type {} = {}", def.name, ty_name(model, ty));
            }
        }
    }
    out.push_str("\n# Operations\n");
    let mut receivers = vec![String::new(); model.operations.len()];
    for group in &model.groups {
        let receiver = match &group.tag {
            Some(tag) => format!("client.{}()", tag.accessor),
            None => "client".to_owned(),
        };
        for &index in &group.operations {
            receivers[index].clone_from(&receiver);
        }
    }
    for (op, receiver) in model.operations.iter().zip(&receivers) {
        operation(&mut out, model, op, receiver);
    }
    out
}

/// An operation: the call that makes its builder, its inputs, and what its builder gives back.
fn operation(out: &mut String, model: &Model, op: &Operation, receiver: &str) {
    let _ = writeln!(
        out,
        "\n## {} `{} {}`\n",
        op.operation_id,
        op.method.as_http(),
        op.path
    );
    let mut args: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.as_str())
        .collect();
    if op.body.as_ref().is_some_and(|b| b.required) {
        args.push("body");
    }
    let _ = writeln!(
        out,
        "`{receiver}.{}({})` → `builders::{}`\n",
        op.method_name,
        args.join(", "),
        op.builder
    );
    for p in &op.params {
        let need = if p.required { "required" } else { "optional" };
        let location = match p.location {
            ParamLocation::Path => "Path",
            ParamLocation::Query => "Query",
            ParamLocation::Header => "Header",
        };
        let ty = ty_name(model, &p.ty);
        // The Rust name when it is not the wire name (`user_agent` for `User-Agent`).
        let name = if p.name == p.wire {
            format!("`{}`", p.wire)
        } else {
            format!("`{}` (`{}`)", p.name, p.wire)
        };
        let _ = writeln!(out, "- {location} {name}: {ty} ({need})");
    }
    if let Some(body) = &op.body {
        let need = if body.required {
            "required"
        } else {
            "optional"
        };
        let ty = match body.encoding {
            BodyEncoding::Raw => "Bytes".to_owned(),
            _ => ty_name(model, &body.ty),
        };
        let media = if body.media_type == "application/json" {
            String::new()
        } else {
            format!(" as `{}`", body.media_type)
        };
        let _ = writeln!(out, "- body: {ty}{media} ({need})");
    }
    let toggle = |value: bool| match &op.call.toggle {
        Some(field) => format!(" (sets `{field}: {value}`)"),
        None => String::new(),
    };
    match &op.call.answer {
        Answer::Empty => {
            let _ = writeln!(out, "- `send()` → ()");
        }
        Answer::Json(json) | Answer::JsonOrEvents { json, .. } => {
            let _ = writeln!(
                out,
                "- `send()` → {}{}",
                ty_name(model, json),
                toggle(false)
            );
        }
        Answer::Events(_) => {}
    }
    if let Some(events) = op.call.answer.events() {
        let events = ty_name(model, events);
        let _ = writeln!(out, "- `stream()` → EventStream<{events}>{}", toggle(true));
    }
    if let Some(pages) = &op.pagination {
        let item = ty_name(model, &pages.item);
        let _ = writeln!(out, "- `into_stream()` → each {item} of every page");
    }
}
