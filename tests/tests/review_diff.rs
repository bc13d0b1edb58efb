//! What a reviewer reads after regenerating: over the upstream history, the generated sources
//! change at most twice as many lines as the API listing (`API.md`) does. Each version is
//! generated as a real checkout would generate it (the conversations tag, the project's output
//! names and header), and doc-comment lines are not counted: they change when the spec's prose
//! does, which is API too.
#![cfg(feature = "shared")]

use std::collections::BTreeMap;
use std::io::Read;

/// The most generated-source lines allowed per changed line of `API.md`, summed over history.
const MAX_RATIO: f64 = 2.0;

fn versions() -> Vec<(String, String)> {
    let dir = support::workspace_root().join("../shared/upstream/letta-openapi");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("../shared/upstream/letta-openapi")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "gz"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("open"))
                .read_to_string(&mut text)
                .expect("gzip JSON");
            let stem = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .trim_end_matches(".json.gz")
                .to_owned();
            (stem, text)
        })
        .collect()
}

/// Generated files by path, doc-comment lines dropped from the Rust sources.
fn generated(text: &str) -> BTreeMap<String, String> {
    codegen::generate(text, &support::options())
        .expect("generates")
        .into_iter()
        .map(|file| {
            let contents = if file.path.ends_with(".rs") {
                file.contents
                    .lines()
                    .filter(|line| {
                        let line = line.trim_start();
                        !line.starts_with("///") && !line.starts_with("//!")
                    })
                    .map(|line| format!("{line}\n"))
                    .collect()
            } else {
                file.contents
            };
            (file.path, contents)
        })
        .collect()
}

/// Lines removed plus lines added.
fn changed_lines(old: &str, new: &str) -> usize {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .count()
}

#[test]
fn generated_sources_change_at_most_twice_as_much_as_the_api_listing() {
    let versions = versions();
    assert_eq!(versions.len(), 12, "the twelve published versions");
    let outputs: Vec<(String, BTreeMap<String, String>)> = versions
        .iter()
        .map(|(name, text)| (name.clone(), generated(text)))
        .collect();
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    let (mut sources, mut listing) = (0, 0);
    for pair in outputs.windows(2) {
        let ((old_name, old), (new_name, new)) = (&pair[0], &pair[1]);
        let (mut step_sources, mut step_listing) = (0, 0);
        for path in old
            .keys()
            .chain(new.keys().filter(|p| !old.contains_key(*p)))
        {
            let before = old.get(path).map_or("", String::as_str);
            let after = new.get(path).map_or("", String::as_str);
            let changed = changed_lines(before, after);
            if path == "API.md" {
                step_listing += changed;
            } else if path.ends_with(".rs") {
                step_sources += changed;
                *per_file.entry(path.clone()).or_default() += changed;
            }
        }
        println!(
            "{old_name} → {new_name}: {step_sources} source lines, {step_listing} API.md lines"
        );
        sources += step_sources;
        listing += step_listing;
    }
    let ratio = sources as f64 / listing.max(1) as f64;
    println!(
        "over {} transitions: {sources} generated-source lines (no doc comments) for {listing} API.md lines: {ratio:.2}×",
        outputs.len() - 1
    );
    for (path, lines) in &per_file {
        println!("  {path}: {lines}");
    }
    assert!(listing > 0, "the history changes the API");
    assert!(
        ratio <= MAX_RATIO,
        "generated sources changed {ratio:.2}× as many lines as API.md (at most {MAX_RATIO}×)"
    );
}
