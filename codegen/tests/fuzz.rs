//! A time-boxed mutation fuzzer for the loader, normaliser and the passes after them: real
//! specs (schema/ and the hostile corpus), mutated at random and written as JSON or YAML
//! (damaged now and then), must never panic or hang.
//! `FUZZ_SECONDS` sets the budget (default 3; CI runs 60), `FUZZ_SEED` replays a run, and
//! `FUZZ_KEEP_INPUT=FILE` writes each input to FILE before running it (a crash that aborts the
//! process, such as a stack overflow, leaves its input there).

use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use codegen::{Options, Selection};
use serde_json::{Value, json};

fn seeds() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = vec![
        serde_json::from_str(
            &std::fs::read_to_string(root.join("../schema/letta-conversations.openapi.json"))
                .expect("schema/"),
        )
        .expect("JSON"),
    ];
    for entry in std::fs::read_dir(root.join("tests/hostile"))
        .expect("corpus")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
    {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(entry.path()).expect("readable"))
                .expect("JSON");
        if case["document"].is_object() {
            seeds.push(case["document"].clone());
        }
    }
    seeds
}

const KEYWORDS: [&str; 24] = [
    "type",
    "properties",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "$ref",
    "const",
    "enum",
    "nullable",
    "required",
    "discriminator",
    "mapping",
    "propertyName",
    "additionalProperties",
    "format",
    "default",
    "examples",
    "not",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
];

fn random_value(rng: &mut fastrand::Rng, names: &[String]) -> Value {
    match rng.u8(0..12) {
        0 => Value::Null,
        1 => json!(rng.bool()),
        2 => json!(rng.i64(..)),
        3 => json!(rng.f64() * 1e6),
        4 => json!(
            [
                "string", "integer", "number", "boolean", "object", "array", "null"
            ][rng.usize(0..7)]
        ),
        5 => json!(
            names
                .get(rng.usize(0..names.len().max(1)))
                .cloned()
                .unwrap_or_default()
        ),
        6 => {
            json!({"$ref": names.get(rng.usize(0..names.len().max(1))).cloned().unwrap_or_default()})
        }
        7 => json!([]),
        8 => json!({}),
        9 => json!({"anyOf": [{"type": "string"}, {"type": "null"}]}),
        10 => json!(["a", "b", null]),
        _ => json!("*/ #[x] \u{0} ünï"),
    }
}

/// Applies one random change somewhere in the tree.
fn mutate(value: &mut Value, rng: &mut fastrand::Rng, names: &[String], depth: usize) {
    let descend = depth < 24 && rng.u8(0..4) != 0;
    match value {
        Value::Object(map) if !map.is_empty() && descend => {
            let key = map
                .keys()
                .nth(rng.usize(0..map.len()))
                .cloned()
                .unwrap_or_default();
            if let Some(child) = map.get_mut(&key) {
                mutate(child, rng, names, depth + 1);
            }
        }
        Value::Array(items) if !items.is_empty() && descend => {
            let i = rng.usize(0..items.len());
            mutate(&mut items[i], rng, names, depth + 1);
        }
        Value::Object(map) => match rng.u8(0..5) {
            0 if !map.is_empty() => {
                let key = map
                    .keys()
                    .nth(rng.usize(0..map.len()))
                    .cloned()
                    .unwrap_or_default();
                map.remove(&key);
            }
            1 => {
                map.insert(
                    KEYWORDS[rng.usize(0..KEYWORDS.len())].to_owned(),
                    random_value(rng, names),
                );
            }
            2 if !map.is_empty() => {
                let key = map
                    .keys()
                    .nth(rng.usize(0..map.len()))
                    .cloned()
                    .unwrap_or_default();
                if let Some(v) = map.remove(&key) {
                    map.insert(KEYWORDS[rng.usize(0..KEYWORDS.len())].to_owned(), v);
                }
            }
            3 => {
                let copy = Value::Object(map.clone());
                map.insert("anyOf".to_owned(), json!([copy, {"type": "null"}]));
            }
            _ => *value = random_value(rng, names),
        },
        Value::Array(items) => match rng.u8(0..3) {
            0 if !items.is_empty() => {
                items.remove(rng.usize(0..items.len()));
            }
            1 => items.push(random_value(rng, names)),
            _ => *value = random_value(rng, names),
        },
        _ => *value = random_value(rng, names),
    }
}

/// Block-style YAML, keys and strings double-quoted (JSON's escapes are YAML's).
fn to_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let child = |value: &Value, out: &mut String| match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            to_yaml(value, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            to_yaml(value, indent + 2, out);
        }
        scalar => out.push_str(&format!(" {scalar}\n")),
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                out.push_str(&format!("{pad}{}:", Value::String(key.clone())));
                child(value, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                child(item, out);
            }
        }
        scalar => out.push_str(&format!("{pad}{scalar}\n")),
    }
}

/// What a mutated `$ref` may point at: the component schemas, and any place in the document
/// (a property, a response, an example; an ancestor of the reference itself, now and then).
fn ref_targets(doc: &Value, rng: &mut fastrand::Rng) -> Vec<String> {
    let mut targets: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| {
            s.keys()
                .map(|k| format!("#/components/schemas/{k}"))
                .collect()
        })
        .unwrap_or_default();
    let mut places = Vec::new();
    let mut stack = vec![(doc, String::from("#"))];
    while let Some((value, at)) = stack.pop() {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => continue,
        };
        places.push(at.clone());
        for (key, child) in children {
            let key = key.replace('~', "~0").replace('/', "~1");
            stack.push((child, format!("{at}/{key}")));
        }
    }
    for _ in 0..places.len().min(64) {
        targets.push(places[rng.usize(0..places.len())].clone());
    }
    targets
}

#[test]
fn mutated_specs_never_panic() {
    let budget = Duration::from_secs(
        std::env::var("FUZZ_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3),
    );
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    // Printed first, past the test harness's capture: a stack overflow aborts the process
    // before any later line, or the captured output, could say it.
    let _ = writeln!(
        std::io::stderr(),
        "fuzz: seed {seed} (FUZZ_SEED={seed} replays this run)"
    );
    let mut rng = fastrand::Rng::with_seed(seed);
    let seeds = seeds();
    let keep_input = std::env::var_os("FUZZ_KEEP_INPUT").map(std::path::PathBuf::from);
    let start = Instant::now();
    let (mut runs, mut generated, mut refused) = (0u64, 0u64, 0u64);
    let options = Options {
        selection: Selection::All,
        ..Options::default()
    };
    while start.elapsed() < budget {
        let mut doc = seeds[rng.usize(0..seeds.len())].clone();
        let names = ref_targets(&doc, &mut rng);
        for _ in 0..rng.usize(1..6) {
            mutate(&mut doc, &mut rng, &names, 0);
        }
        // A quarter of the documents are read as YAML.
        let yaml = rng.u8(0..4) == 0;
        let mut text = if yaml {
            let mut text = String::new();
            to_yaml(&doc, 0, &mut text);
            text
        } else {
            doc.to_string()
        };
        if rng.u8(0..10) == 0 {
            // Now and then, damage the text itself.
            let cut = rng.usize(0..text.len().max(1));
            text.truncate(text.floor_char_boundary(cut));
        }
        if yaml && rng.u8(0..3) == 0 {
            // YAML's own syntax, anywhere.
            const PIECES: [&str; 12] = [
                ":", "- ", "&a ", "*a", "<<: *a\n", "!!str ", "\t", "? ", "|\n", "---\n", "{", "'",
            ];
            let at = text.floor_char_boundary(rng.usize(0..text.len().max(1)));
            text.insert_str(at, PIECES[rng.usize(0..PIECES.len())]);
        }
        if let Some(path) = &keep_input {
            // A stack overflow kills the process: the input it died on is left behind here.
            let _ = std::fs::write(path, &text);
        }
        let outcome = std::panic::catch_unwind(|| codegen::generate(&text, &options));
        match outcome {
            Ok(Ok(_)) => generated += 1,
            Ok(Err(e)) => {
                assert!(
                    e.pointer.starts_with('#'),
                    "an error without a JSON pointer: {e}"
                );
                refused += 1;
            }
            Err(_) => {
                let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
                let _ = std::fs::create_dir_all(&dir);
                let path = dir.join(format!("seed-{seed}-run-{runs}.json"));
                let _ = std::fs::write(&path, &text);
                panic!(
                    "the generator panicked (FUZZ_SEED={seed}); the input is in {}",
                    path.display()
                );
            }
        }
        runs += 1;
    }
    println!(
        "fuzz: {runs} mutated specs in {budget:?} (seed {seed}): {generated} generated, {refused} refused, 0 panics"
    );
    assert!(runs > 0);
}
