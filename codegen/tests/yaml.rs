//! YAML documents: the same description in YAML generates byte for byte what its JSON does,
//! and YAML errors name the place as JSON errors do, with line and column.

use codegen::{ErrorKind, Location, Options, Selection};
use serde_json::Value;

fn schema_text() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schema/letta-conversations.openapi.json"
    );
    std::fs::read_to_string(path).expect("the schema")
}

/// Block-style YAML: every key and string double-quoted (JSON's escapes are YAML's), numbers
/// and booleans plain, so nothing depends on how YAML resolves plain scalars.
fn to_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                out.push_str(&format!("{pad}{}:", Value::String(key.clone())));
                inline_or_block(child, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                inline_or_block(item, indent, out);
            }
        }
        scalar => out.push_str(&format!("{pad}{scalar}\n")),
    }
}

fn inline_or_block(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            to_yaml(value, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            to_yaml(value, indent + 2, out);
        }
        scalar => out.push_str(&format!(" {scalar}\n")),
    }
}

fn options() -> Options {
    Options {
        selection: Selection::All,
        ..Options::default()
    }
}

#[test]
fn the_schema_in_yaml_generates_what_its_json_does() {
    let json_text = schema_text();
    let value: Value = serde_json::from_str(&json_text).expect("JSON");
    let mut yaml_text = String::from("# The Letta conversations API, as YAML.\n");
    to_yaml(&value, 0, &mut yaml_text);
    assert!(yaml_text.len() > 10_000 && !yaml_text.trim_start().starts_with('{'));
    let from_json = codegen::generate(&json_text, &options()).expect("JSON generates");
    let from_yaml = codegen::generate(&yaml_text, &options()).expect("YAML generates");
    assert_eq!(from_json.len(), from_yaml.len());
    for (a, b) in from_json.iter().zip(&from_yaml) {
        assert!(a == b, "{} differs between JSON and YAML", a.path);
    }
}

#[test]
fn plain_yaml_as_people_write_it() {
    let text = "\
openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: the pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        default: &error
          description: an error
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: integer, format: int64}
        tag: {type: string, nullable: true}
";
    let model = codegen::model(text, &Selection::All).expect("generates");
    let op = &model.operations[0];
    assert_eq!(op.path, "/pets/{id}");
    let pet = model.find("Pet").expect("Pet");
    assert_eq!(
        op.call.answer,
        codegen::model::Answer::Json(codegen::model::Ty::Named(pet)),
        "the key `200` is the success status"
    );
}

#[test]
fn yaml_errors_name_the_place_line_and_column() {
    let text =
        "openapi: 3.1.0\ninfo:\n  title: t\n  version: 1\npaths:\n  /a:\n    get: {responses: [}\n";
    let e = codegen::generate(text, &options()).expect_err("a syntax error");
    assert_eq!(e.pointer, "#/paths/~1a/get/responses/0", "{e}");
    assert!(e.message.contains("not valid YAML"), "{e}");
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!(e.location.map(|at| at.line), Some(7), "{e}");
    assert!(e.to_string().contains("at line 7 column"), "{e}");

    // Past the reading, YAML documents get the errors JSON documents get.
    let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n";
    let e = codegen::generate(text, &options()).expect_err("a dangling reference");
    assert_eq!(
        e.pointer,
        "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
    );
    assert_eq!(
        e.location,
        Some(Location {
            line: 11,
            column: 24
        }),
        "{e}"
    );
    assert_eq!(e.kind, ErrorKind::Document);
    assert!(
        e.to_string()
            .contains("points nowhere at line 11 column 24 ("),
        "{e}"
    );

    // And so does what only openapiv3 finds, placed at the keyword.
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  code:\n                    type: string\n                    pattern: 0\n";
    let e = codegen::generate(text, &options()).expect_err("a pattern that is not text");
    assert_eq!(
        e.pointer,
        "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/code/pattern"
    );
    assert_eq!(
        e.location,
        Some(Location {
            line: 16,
            column: 21
        }),
        "{e}"
    );
}

#[test]
fn json_errors_name_the_place_too() {
    let e = codegen::generate(
        "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", \"version\": 1,}}",
        &options(),
    )
    .expect_err("a trailing comma");
    assert_eq!(e.pointer, "#/info", "{e}");
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!(e.location.map(|at| at.line), Some(1), "{e}");
    assert!(e.to_string().contains("at line 1 column"), "{e}");
}
