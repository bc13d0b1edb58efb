//! `cargo xtask semver`: the change report against an outside judge. Every consecutive pair of
//! the shared upstream versions, and the synthetic transitions of `xtask/semver/cases.json`
//! (one per rule of the report), is generated on both sides; `cargo-semver-checks` compares
//! their rustdoc JSON (each version documented once), and the report compares their listings.
//! They agree when every finding of a lint that asks for a major version is on a breaking line
//! of the report, and every breaking line is a real break: the judge has a finding on it, or a
//! probe program that compiles against the old crate fails against the new one.

mod anchors;
mod judge;
mod probes;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use codegen::Options;
use codegen::changes::{Change, Impact, Surface};

use crate::{fsutil, workspace_root};
use anchors::{Anchor, Names};
use probes::Proof;

pub const USAGE: &str = "\
usage: cargo xtask semver [--check] [--shared DIR] [--only TEXT]

Holds the change report against cargo-semver-checks (installed into a cache by
xtask/tools/semver-checks.sh on first use). Generates both sides of every consecutive pair of
the upstream versions in DIR/upstream/letta-openapi and of each synthetic transition of
xtask/semver/cases.json into target/semver/, documents each version once as rustdoc JSON, and
compares. Writes xtask/semver/AGREEMENT.md; fails on any disagreement.
  --check        write nothing; also fail when AGREEMENT.md is not what this run found
  --shared DIR   the shared material (default: ../shared beside the project)
  --only TEXT    only the transitions whose name contains TEXT (writes nothing)
";

/// One version of a transition: a document and how it is generated.
#[derive(Clone)]
struct Version {
    label: String,
    text: String,
    options: Options,
}

struct Transition {
    name: String,
    rule: Option<String>,
    old: Version,
    new: Version,
}

/// A version generated and documented.
struct Built {
    dir: PathBuf,
    json: PathBuf,
    surface: Surface,
    /// The package name, which the probes depend on.
    package: String,
}

/// What one transition gave: its row of the summary, its section of the page.
struct Judged {
    row: String,
    section: String,
    disagreements: usize,
}

/// The verdict on one line, or on one finding.
struct Line {
    text: String,
    evidence: String,
    agrees: bool,
}

pub fn command(args: &[String]) -> Result<ExitCode, String> {
    let (mut check, mut shared, mut only) = (false, None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--shared" => shared = Some(PathBuf::from(value("--shared")?)),
            "--only" => only = Some(value("--only")?),
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown flag `{other}`\n\n{USAGE}")),
        }
    }
    let root = workspace_root();
    let shared = shared.unwrap_or_else(|| root.join("../shared"));
    let tool = judge::install()?;
    let lints = judge::lints(&tool)?;
    // The upstream versions are generated as the project's schema is.
    let config = root.join("schema/codegen.json");
    let letta = std::fs::read_to_string(&config)
        .map_err(|e| format!("cannot read {}: {e}", config.display()))
        .and_then(|text| {
            Options::from_config(&text).map_err(|e| format!("{}: {e}", config.display()))
        })?;
    let mut transitions = upstream(&shared.join("upstream/letta-openapi"), &letta)?;
    transitions.extend(synthetic(&root.join("xtask/semver/cases.json"))?);
    if let Some(only) = &only {
        transitions.retain(|t| t.name.contains(only.as_str()));
    }
    let scratch = root.join("target/semver");
    let mut built: BTreeMap<String, Built> = BTreeMap::new();
    let mut sections = Vec::new();
    let mut disagreements = 0;
    for (index, transition) in transitions.iter().enumerate() {
        for version in [&transition.old, &transition.new] {
            if !built.contains_key(&version.label) {
                let done = build(version, &scratch)?;
                built.insert(version.label.clone(), done);
            }
        }
        let (old, new) = (&built[&transition.old.label], &built[&transition.new.label]);
        let findings = judge::run(&tool, &old.json, &new.json)?;
        let judged = judge_transition(
            transition,
            (old, new),
            &findings,
            &lints,
            &scratch.join(format!("probes/{index}")),
            &scratch.join("target"),
        )?;
        disagreements += judged.disagreements;
        println!("{}", judged.row);
        sections.push(judged);
    }
    let page = agreement_page(&sections, disagreements);
    let path = root.join("xtask/semver/AGREEMENT.md");
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if only.is_none() && committed != page {
            eprintln!(
                "error: {} is not what this run found: run `cargo xtask semver` and commit it",
                path.display()
            );
            return Ok(ExitCode::FAILURE);
        }
    } else if only.is_none() {
        std::fs::write(&path, &page)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if disagreements > 0 {
        eprintln!(
            "error: the report and cargo-semver-checks disagree {disagreements} times: see above and AGREEMENT.md"
        );
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "{} transitions: the report and cargo-semver-checks agree",
        transitions.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Every consecutive pair of the upstream versions, generated with the project's options.
fn upstream(dir: &Path, options: &Options) -> Result<Vec<Transition>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    files.sort();
    let mut versions = Vec::new();
    for file in files {
        let label = file
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".json.gz").to_owned())
            .unwrap_or_default();
        versions.push(Version {
            label,
            text: fsutil::read_spec(&file)?,
            options: options.clone(),
        });
    }
    Ok(versions
        .windows(2)
        .map(|pair| Transition {
            name: format!("{} → {}", pair[0].label, pair[1].label),
            rule: None,
            old: pair[0].clone(),
            new: pair[1].clone(),
        })
        .collect())
}

/// The synthetic transitions: `base` before, `base` with the case's merge patch after.
fn synthetic(path: &Path) -> Result<Vec<Transition>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let base = doc["base"].clone();
    let old = Version {
        label: "cases/base".to_owned(),
        text: base.to_string(),
        options: Options::default(),
    };
    let cases = doc["cases"]
        .as_array()
        .ok_or_else(|| format!("{}: no `cases` array", path.display()))?;
    let mut out = Vec::new();
    for case in cases {
        let name = case["name"]
            .as_str()
            .ok_or_else(|| format!("{}: a case without a name", path.display()))?;
        let mut new = base.clone();
        merge_patch(&mut new, &case["patch"]);
        out.push(Transition {
            name: format!("cases/{name}"),
            rule: case["rule"].as_str().map(str::to_owned),
            old: old.clone(),
            new: Version {
                label: format!("cases/{name}"),
                text: new.to_string(),
                options: Options::default(),
            },
        });
    }
    Ok(out)
}

/// RFC 7396: objects merge key by key, `null` removes, anything else replaces.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    let Some(patch) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(serde_json::Map::new());
    }
    if let Some(target) = target.as_object_mut() {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge_patch(
                    target.entry(key.clone()).or_insert(serde_json::Value::Null),
                    value,
                );
            }
        }
    }
}

/// Generates a version into its own crate under `scratch/crates` and documents it as rustdoc
/// JSON, once: a crate whose files are unchanged keeps the JSON of an earlier run.
fn build(version: &Version, scratch: &Path) -> Result<Built, String> {
    let dir = scratch.join("crates").join(&version.label);
    let json = scratch
        .join("json")
        .join(format!("{}.json", version.label.replace('/', "-")));
    let options = Options {
        source_label: version.label.clone(),
        standalone: true,
        ..version.options.clone()
    };
    let files = codegen::generate(&version.text, &options)
        .map_err(|e| format!("{}: {e}", version.label))?;
    let listing = files
        .iter()
        .find(|f| f.path == "API.json")
        .ok_or_else(|| format!("{}: no API.json generated", version.label))?;
    let surface = Surface::from_listing(&listing.contents)?;
    let package = surface
        .crate_name()
        .ok_or_else(|| format!("{}: the listing names no crate", version.label))?
        .to_owned();
    let fresh = json.is_file() && fsutil::stale_files(&dir, &files)?.is_empty();
    if !fresh {
        fsutil::write_all(&dir, &files)?;
        rustdoc_json(&dir, &scratch.join("target"), &json, &package)?;
    }
    Ok(Built {
        dir,
        json,
        surface,
        package,
    })
}

fn rustdoc_json(dir: &Path, target: &Path, out: &Path, package: &str) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["rustdoc", "--quiet", "--lib", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        // rustdoc's JSON output is unstable; this is how cargo-semver-checks itself asks for it.
        .env("RUSTC_BOOTSTRAP", "1")
        .status()
        .map_err(|e| format!("cannot run cargo rustdoc: {e}"))?;
    if !status.success() {
        return Err(format!("cargo rustdoc failed for {}", dir.display()));
    }
    let written = target
        .join("doc")
        .join(format!("{}.json", package.replace('-', "_")));
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::copy(&written, out)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {}: {e}", written.display()))
}

/// One transition's row and section of the page.
fn judge_transition(
    transition: &Transition,
    (old, new): (&Built, &Built),
    findings: &[judge::Finding],
    lints: &BTreeMap<String, bool>,
    probe_dir: &Path,
    target: &Path,
) -> Result<Judged, String> {
    let changes = codegen::changes::compare(&old.surface, &new.surface);
    let breaking: Vec<&Change> = changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .collect();
    let names = Names::of([&old.surface, &new.surface]);
    let major: Vec<(&judge::Finding, Option<Anchor>)> = findings
        .iter()
        .filter(|f| lints.get(&f.lint).copied().unwrap_or(true))
        .map(|f| (f, names.of_finding(&f.place)))
        .collect();
    let anchors: Vec<Option<Anchor>> = breaking.iter().map(|c| anchors::of_change(c)).collect();
    // Each breaking line: the findings on it, else a probe.
    let confirmed: Vec<Vec<&str>> = anchors
        .iter()
        .map(|anchor| {
            let mut on_it: Vec<&str> = major
                .iter()
                .filter(|(_, a)| matches!((anchor, a), (Some(x), Some(y)) if x.covers(y)))
                .map(|(f, _)| f.lint.as_str())
                .collect();
            on_it.dedup();
            on_it
        })
        .collect();
    let unconfirmed: Vec<&Change> = breaking
        .iter()
        .zip(&confirmed)
        .filter(|(_, lints)| lints.is_empty())
        .map(|(c, _)| *c)
        .collect();
    let proofs = if unconfirmed.is_empty() {
        Vec::new()
    } else {
        let crates = probes::Crates {
            old: (&old.dir, &old.package),
            new: (&new.dir, &new.package),
        };
        probes::prove(&unconfirmed, &old.surface, &crates, probe_dir, target)?
    };
    let mut lines = Vec::new();
    let mut proof_of = unconfirmed.iter().zip(&proofs);
    for (change, lints_on_it) in breaking.iter().zip(&confirmed) {
        let (evidence, agrees) = if lints_on_it.is_empty() {
            match proof_of.next().map(|(_, p)| p) {
                Some(Proof::Breaks) => ("a probe compiles before and fails after".to_owned(), true),
                Some(Proof::Compiles) => (
                    "**no lint, and the probe still compiles**".to_owned(),
                    false,
                ),
                Some(Proof::Broken) => (
                    "**no lint; the probe does not compile before**".to_owned(),
                    false,
                ),
                Some(Proof::NoProbe) | None => ("**no lint and no probe**".to_owned(), false),
            }
        } else {
            (
                lints_on_it
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                true,
            )
        };
        lines.push(Line {
            text: format!("{}: {}", change.subject, change.what),
            evidence,
            agrees,
        });
    }
    // Each major finding: a breaking line that accounts for it.
    let mut missed = Vec::new();
    for (finding, anchor) in &major {
        let on_a_line = anchors
            .iter()
            .any(|a| matches!((a, anchor), (Some(x), Some(y)) if x.covers(y)));
        if !on_a_line {
            let shown = match anchor {
                Some(_) => "no breaking line on it",
                None => "names nothing the report lists",
            };
            missed.push(Line {
                text: format!("`{}`: {}", finding.lint, finding.place),
                evidence: format!("**{shown}**"),
                agrees: false,
            });
        }
    }
    let disagreements = lines.iter().chain(&missed).filter(|l| !l.agrees).count();
    let mut section = format!("### {}\n\n", transition.name);
    if let Some(rule) = &transition.rule {
        let _ = writeln!(section, "Rule: {rule}.\n");
    }
    let verdicts = |impact| changes.iter().filter(|c| c.impact == impact).count();
    let mut by_lint: BTreeMap<&str, usize> = BTreeMap::new();
    for (finding, _) in &major {
        *by_lint.entry(finding.lint.as_str()).or_default() += 1;
    }
    let _ = writeln!(
        section,
        "Report: {} breaking, {} additive, {} compatible. cargo-semver-checks, major: {}.\n",
        verdicts(Impact::Breaking),
        verdicts(Impact::Additive),
        verdicts(Impact::Compatible),
        if by_lint.is_empty() {
            "none".to_owned()
        } else {
            by_lint
                .iter()
                .map(|(lint, n)| format!("`{lint}` ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    for change in changes.iter().filter(|c| c.impact != Impact::Breaking) {
        let _ = writeln!(
            section,
            "- {}: {}: {}",
            change.impact, change.subject, change.what
        );
    }
    for line in &lines {
        let _ = writeln!(section, "- breaking: {} — {}", line.text, line.evidence);
    }
    for line in &missed {
        let _ = writeln!(
            section,
            "- not on the report: {} — {}",
            line.text, line.evidence
        );
    }
    section.push('\n');
    let by_probe = lines
        .iter()
        .filter(|l| l.agrees && l.evidence.starts_with("a probe"))
        .count();
    let row = format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        transition.name,
        verdicts(Impact::Breaking),
        verdicts(Impact::Additive),
        verdicts(Impact::Compatible),
        major.len(),
        lines.iter().filter(|l| l.agrees).count() - by_probe,
        by_probe,
        disagreements
    );
    Ok(Judged {
        row,
        section,
        disagreements,
    })
}

fn agreement_page(judged: &[Judged], disagreements: usize) -> String {
    let rows: String = judged.iter().map(|j| format!("{}\n", j.row)).collect();
    let sections: String = judged.iter().map(|j| j.section.as_str()).collect();
    format!(
        "# The change report against cargo-semver-checks\n\n\
         Written by `cargo xtask semver` (see `xtask/src/semver/`); CI runs it with `--check`.\n\
         For each transition: the report's verdicts, the findings of cargo-semver-checks 0.51.0\n\
         whose lint asks for a major version, and how each breaking line is confirmed: by those\n\
         lints, or by a probe program that compiles against the old crate and fails against the\n\
         new one (the judge has no lint for a changed type). A disagreement is a breaking line\n\
         nothing confirms, or a major finding no breaking line accounts for.\n\n\
         {} transitions, {disagreements} disagreements.\n\n\
         | transition | breaking | additive | compatible | major findings | confirmed by a lint | by a probe | disagreements |\n\
         |---|---|---|---|---|---|---|---|\n{rows}\n## Each transition\n\n{sections}",
        judged.len()
    )
}
