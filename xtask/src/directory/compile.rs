//! `--compile N`: a fixed random sample of the generated crates, linted in one scratch
//! workspace so that their dependencies build once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::worker::{Job, Kind, run_jobs};
use super::{Flags, crate_name, machine, megabytes, results_dir, seeded_order};
use crate::workspace_root;

/// Crates with more generated text than this are passed over by `--compile`: rustc takes
/// minutes to hours and gigabytes on the few giants (microsoft.com/graph: 100 MB), which would
/// make the sample a benchmark of rustc. About 0.6% of the directory (RESULTS.md lists the
/// biggest); the sweep still generates them all.
const COMPILE_SIZE_LIMIT: u64 = 5_000_000;
/// What must compile warning-free, in hundredths of a percent.
const COMPILE_TARGET_BASIS_POINTS: usize = 9_900;

/// The documents chosen for the sample, and those passed over.
struct Sample {
    /// Each document with the name of its crate in the scratch workspace.
    chosen: Vec<(String, String)>,
    refused: Vec<String>,
    too_big: Vec<(String, u64)>,
}

/// What clippy said of the sample.
struct Lint {
    /// Packages that built.
    passed: BTreeSet<String>,
    /// Each package's first error or warning.
    findings: BTreeMap<String, String>,
    dependencies: Duration,
    crates: Duration,
    docs: Duration,
    /// How many crates rustdoc documented (the first of the sample).
    documented: usize,
}

pub(super) fn compile(
    flags: &Flags,
    dir: &Path,
    documents: &[String],
    count: usize,
) -> Result<ExitCode, String> {
    let scratch = workspace_root().join("target/directory-compile");
    let crates_dir = scratch.join("crates");
    let _ = std::fs::remove_dir_all(&crates_dir);
    let sample = choose(flags, dir, documents, count, &crates_dir)?;
    write_workspace(&scratch, &sample)?;
    let documented = flags.doc.unwrap_or(usize::MAX).min(sample.chosen.len());
    let lint = lint(&scratch, &crates_dir, &sample, documented)?;
    let failed: Vec<(&String, &String)> = sample
        .chosen
        .iter()
        .filter(|(_, name)| !lint.passed.contains(name) || lint.findings.contains_key(name))
        .map(|(document, name)| (document, name))
        .collect();
    let total = sample.chosen.len();
    let clean = total - failed.len();
    let summary = format!(
        "{clean} of {total} sampled crates are clippy-clean and rustdoc-clean with -D warnings \
         ({:.1}%; rustdoc on {} of them); seed {}; dependencies and the smallest crate {:.0} s, \
         then clippy on the {total} crates {:.0} s, rustdoc {:.0} s",
        100.0 * clean as f64 / total.max(1) as f64,
        lint.documented,
        flags.seed,
        lint.dependencies.as_secs_f64(),
        lint.crates.as_secs_f64(),
        lint.docs.as_secs_f64()
    );
    println!("{summary}");
    for (document, name) in &failed {
        println!(
            "FAILED {document} ({name}):\n{}",
            first_finding(&lint, name)
        );
    }
    if !sample.refused.is_empty() {
        println!("skipped (refused): {}", sample.refused.join(", "));
    }
    if !sample.too_big.is_empty() {
        println!(
            "skipped (over the size bound): {}",
            too_big_list(&sample).join(", ")
        );
    }
    if !flags.check {
        let text = results_page(flags, count, &summary, &sample, &lint, &failed);
        std::fs::write(results_dir().join("COMPILE.md"), text)
            .map_err(|e| format!("cannot write COMPILE.md: {e}"))?;
        println!("wrote xtask/directory/COMPILE.md");
    }
    Ok(
        if clean * 10_000 >= total * COMPILE_TARGET_BASIS_POINTS && total > 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        },
    )
}

/// Generates documents in the seeded order until `count` crates within the size bound are
/// written under `crates_dir`.
fn choose(
    flags: &Flags,
    dir: &Path,
    documents: &[String],
    count: usize,
    crates_dir: &Path,
) -> Result<Sample, String> {
    let order = seeded_order(documents, flags.seed);
    let mut sample = Sample {
        chosen: Vec::new(),
        refused: Vec::new(),
        too_big: Vec::new(),
    };
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut next = 0;
    eprintln!(
        "generating the first {count} documents (seed {}) that generate",
        flags.seed
    );
    while sample.chosen.len() < count && next < order.len() {
        let batch: Vec<Job> = order[next..(next + count - sample.chosen.len()).min(order.len())]
            .iter()
            .map(|document| {
                let mut name = crate_name(document);
                while names.contains(&name) {
                    name.push('x');
                }
                names.insert(name.clone());
                Job {
                    document: document.clone(),
                    write_to: Some(crates_dir.join(&name)),
                }
            })
            .collect();
        next += batch.len();
        let outcomes = run_jobs(dir, batch.clone(), flags.jobs)?;
        for (job, outcome) in batch.iter().zip(outcomes) {
            match outcome.kind {
                Kind::Generated if outcome.output_bytes > COMPILE_SIZE_LIMIT => {
                    if let Some(dir) = &job.write_to {
                        let _ = std::fs::remove_dir_all(dir);
                    }
                    sample
                        .too_big
                        .push((job.document.clone(), outcome.output_bytes));
                }
                Kind::Generated => {
                    let name = job
                        .write_to
                        .as_ref()
                        .and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    sample.chosen.push((job.document.clone(), name));
                }
                _ => sample.refused.push(job.document.clone()),
            }
        }
    }
    Ok(sample)
}

/// The scratch workspace's manifest, with the sample as its members, and the project's lock.
fn write_workspace(scratch: &Path, sample: &Sample) -> Result<(), String> {
    let members: Vec<String> = sample
        .chosen
        .iter()
        .map(|(_, name)| format!("crates/{name}"))
        .collect();
    std::fs::write(
        scratch.join("Cargo.toml"),
        workspace_root::scratch_workspace_manifest(&members),
    )
    .map_err(|e| format!("cannot write the scratch workspace: {e}"))?;
    // The project's lock pins the generated crates' dependencies to the versions it tests.
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        scratch.join("Cargo.lock"),
    )
    .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

/// Runs clippy over the scratch workspace: first the dependencies with the smallest crate, so
/// that the crates' own time shows apart, then every crate in one run.
fn lint(
    scratch: &Path,
    crates_dir: &Path,
    sample: &Sample,
    documented: usize,
) -> Result<Lint, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = scratch.join("target");
    let smallest = sample
        .chosen
        .iter()
        .min_by_key(|(_, name)| dir_size(&crates_dir.join(name)))
        .map(|(_, name)| name.clone())
        .ok_or("no document of the sample generates")?;
    eprintln!("linting the dependencies and {smallest}");
    let started = Instant::now();
    let status = Command::new(&cargo)
        .args(["clippy", "--quiet", "--package", &smallest])
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-D", "warnings"])
        .current_dir(scratch)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let dependencies = started.elapsed();
    if !status.success() {
        eprintln!("({smallest} itself has findings; counted below)");
    }
    eprintln!("linting {} crates", sample.chosen.len());
    let started = Instant::now();
    let clippy = cargo_messages(
        &cargo,
        scratch,
        &["clippy", "--workspace", "--keep-going"],
        &["--", "-D", "warnings"],
        &[],
    )?;
    let crates = started.elapsed();
    let (passed, mut findings) = read_messages(&clippy);
    // Generated code is also warning-free under rustdoc: descriptions turn into docs.
    eprintln!("documenting {documented} crates");
    let to_document: Vec<&String> = sample
        .chosen
        .iter()
        .map(|(_, name)| name)
        .take(documented)
        .collect();
    let started = Instant::now();
    // `cargo doc` without a `--package` would document the whole workspace: `--doc 0` skips it.
    let docs_output = if to_document.is_empty() {
        String::new()
    } else {
        let mut args = vec!["doc", "--no-deps", "--keep-going"];
        args.extend(
            to_document
                .iter()
                .flat_map(|name| ["--package", name.as_str()]),
        );
        cargo_messages(
            &cargo,
            scratch,
            &args,
            &[],
            &[("RUSTDOCFLAGS", "-D warnings")],
        )?
    };
    let docs = started.elapsed();
    let (rendered, doc_findings) = read_messages(&docs_output);
    for (package, finding) in doc_findings {
        findings.entry(package).or_insert(finding);
    }
    let passed = passed
        .into_iter()
        .filter(|name| !to_document.contains(&name) || rendered.contains(name))
        .collect();
    Ok(Lint {
        passed,
        findings,
        dependencies,
        crates,
        docs,
        documented,
    })
}

/// Runs a cargo command over the scratch workspace with JSON messages, and gives its stdout.
fn cargo_messages(
    cargo: &str,
    scratch: &Path,
    args: &[&str],
    tool_args: &[&str],
    env: &[(&str, &str)],
) -> Result<String, String> {
    let output = Command::new(cargo)
        .args(args)
        .arg("--message-format=json")
        .arg("--target-dir")
        .arg(scratch.join("target"))
        .args(tool_args)
        .envs(env.iter().copied())
        .current_dir(scratch)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Cargo's JSON messages: the packages that built, and each package's first finding.
fn read_messages(stdout: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut passed: BTreeSet<String> = BTreeSet::new();
    let mut findings: BTreeMap<String, String> = BTreeMap::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let package = package_name(message["package_id"].as_str().unwrap_or_default());
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                passed.insert(package);
            }
            Some("compiler-message") => {
                let level = message["message"]["level"].as_str().unwrap_or_default();
                if level == "error" || level == "warning" {
                    let rendered = message["message"]["rendered"]
                        .as_str()
                        .unwrap_or_default()
                        .lines()
                        .take(6)
                        .collect::<Vec<_>>()
                        .join("\n");
                    findings.entry(package).or_insert(rendered);
                }
            }
            _ => {}
        }
    }
    (passed, findings)
}

fn first_finding<'a>(lint: &'a Lint, name: &str) -> &'a str {
    lint.findings
        .get(name)
        .map_or("no artifact and no message", String::as_str)
}

fn too_big_list(sample: &Sample) -> Vec<String> {
    sample
        .too_big
        .iter()
        .map(|(d, bytes)| format!("`{d}` ({})", megabytes(*bytes)))
        .collect()
}

/// COMPILE.md.
fn results_page(
    flags: &Flags,
    count: usize,
    summary: &str,
    sample: &Sample,
    lint: &Lint,
    failed: &[(&String, &String)],
) -> String {
    let mut text = format!(
        "# The APIs.guru directory: a compiled sample\n\n\
         Written by `cargo xtask directory --compile {count}`: the first {count} documents of the\n\
         seeded random order (seed {}) that generate a crate of at most 5 MB, one scratch\n\
         workspace, `cargo clippy --workspace -- -D warnings` over all of them in one run, then\n\
         `cargo doc --workspace --no-deps` with `RUSTDOCFLAGS=\"-D warnings\"`.\n\n\
         - Machine: {}\n- Result: {summary}\n",
        flags.seed,
        machine()
    );
    if !sample.too_big.is_empty() {
        text.push_str(&format!(
            "- Passed over as bigger than {} of generated files: {}\n",
            megabytes(COMPILE_SIZE_LIMIT),
            too_big_list(sample).join(", ")
        ));
    }
    if !sample.refused.is_empty() {
        text.push_str(&format!(
            "- Passed over as refused: {}\n",
            sample
                .refused
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !failed.is_empty() {
        text.push_str("\n## Not warning-free\n\n");
        for (document, name) in failed {
            text.push_str(&format!(
                "### `{document}`\n\n```text\n{}\n```\n\n",
                first_finding(lint, name)
            ));
        }
    }
    text
}

/// The package name in a cargo package id: `path+file:///…#name@0.1.0` or `name 0.1.0 (…)`;
/// cargo leaves the name out when it is the last part of the path: `…/dir-a#0.1.0`.
fn package_name(id: &str) -> String {
    if let Some((url, rest)) = id.rsplit_once('#') {
        return match rest.split_once('@') {
            Some((name, _)) => name.to_owned(),
            None => url.rsplit('/').next().unwrap_or(url).to_owned(),
        };
    }
    id.split(' ').next().unwrap_or(id).to_owned()
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                total += entry.metadata().map_or(0, |m| m.len());
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_ids_of_both_cargo_formats() {
        assert_eq!(
            package_name("path+file:///tmp/crates/dir-a#dir-a@0.1.0"),
            "dir-a"
        );
        assert_eq!(package_name("path+file:///tmp/crates/dir-a#0.1.0"), "dir-a");
        assert_eq!(
            package_name("dir-a 0.1.0 (path+file:///tmp/crates/dir-a)"),
            "dir-a"
        );
    }
}
