//! A readable listing of the generated API (types, fields, variants, operations), committed
//! next to the code so that a reviewer sees what changed for users without reading it all.

use std::fmt::Write as _;

use crate::model::*;

/// The Rust type as a user writes it.
fn ty_name(model: &Model, ty: &Ty) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Integer => "i64".into(),
        Ty::Number => "f64".into(),
        Ty::Boolean => "bool".into(),
        Ty::Timestamp => "Timestamp".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::JsonObject => "serde_json::Map<String, Value>".into(),
        Ty::Array(inner) => format!("Vec<{}>", ty_name(model, inner)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", ty_name(model, inner)),
        Ty::Named(id) => model.get(*id).name.clone(),
        Ty::Boxed(inner) => format!("Box<{}>", ty_name(model, inner)),
    }
}

fn field_line(model: &Model, f: &Field) -> String {
    let ty = ty_name(model, &f.ty);
    let shown = match f.presence {
        Presence::Required => ty,
        Presence::RequiredNullable => format!("Option<{ty}> (always sent, may be null)"),
        Presence::Optional => format!("Option<{ty}>"),
        Presence::Patch => format!("Patch<{ty}>"),
        Presence::Const => format!(
            "const {}",
            f.constant
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default()
        ),
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
                let how = match &u.discriminator {
                    Some(d) => format!("by `{}`", d.property),
                    None => "untagged".to_owned(),
                };
                let _ = writeln!(out, "\n## union {} ({how}){deprecated}\n", def.name);
                for v in &u.variants {
                    let tag = v
                        .tag
                        .as_ref()
                        .map(|t| format!("`{t}` → "))
                        .unwrap_or_default();
                    let _ = writeln!(out, "- {tag}{}({})", v.name, ty_name(model, &v.ty));
                }
                let _ = writeln!(out, "- {}(raw JSON)", u.unknown_name);
            }
            TypeKind::Alias(ty) => {
                let _ = writeln!(out, "\n## type {} = {}", def.name, ty_name(model, ty));
            }
        }
    }
    out.push_str("\n# Operations\n");
    for op in &model.operations {
        let group = op.tag.as_deref().unwrap_or("(client)");
        let _ = writeln!(
            out,
            "\n## {} `{} {}` ({group})\n",
            op.operation_id,
            op.method.as_http(),
            op.path
        );
        for p in &op.params {
            let need = if p.required { "required" } else { "optional" };
            let _ = writeln!(
                out,
                "- {:?} `{}`: {} ({need})",
                p.location,
                p.wire,
                ty_name(model, &p.ty)
            );
        }
        if let Some(body) = &op.body {
            let need = if body.required {
                "required"
            } else {
                "optional"
            };
            let _ = writeln!(out, "- body: {} ({need})", ty_name(model, &body.ty));
        }
        if let Some(json) = &op.json_response {
            let _ = writeln!(out, "- returns: {}", ty_name(model, json));
        }
        if let Some(events) = &op.event_response {
            let _ = writeln!(out, "- streams: {}", ty_name(model, events));
        }
    }
    out
}
