//! `--compile N`: a fixed random sample of the generated crates, linted in one scratch
//! workspace so that their dependencies build once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use serde_json::Value;

use super::worker::{Job, Kind, run_jobs};
use super::{Flags, crate_name, machine, megabytes, results_dir, seeded_order};
use crate::workspace_root;

/// Crates with more generated text than this are passed over by `--compile`: rustc takes
/// minutes to hours and gigabytes on the few giants (microsoft.com/graph: 100 MB), which would
/// make the sample a benchmark of rustc. About 2% of the directory (RESULTS.md lists the
/// biggest); the sweep still generates them all.
const COMPILE_SIZE_LIMIT: u64 = 5_000_000;
/// What must compile warning-free, in hundredths of a percent.
const COMPILE_TARGET_BASIS_POINTS: usize = 9_900;

pub(super) fn compile(
    flags: &Flags,
    dir: &Path,
    documents: &[String],
    count: usize,
) -> Result<ExitCode, String> {
    let scratch = workspace_root().join("target/directory-compile");
    let crates_dir = scratch.join("crates");
    let _ = std::fs::remove_dir_all(&crates_dir);
    let order = seeded_order(documents, flags.seed);
    let mut chosen: Vec<(String, String)> = Vec::new();
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut skipped = Vec::new();
    let mut too_big = Vec::new();
    let mut next = 0;
    eprintln!(
        "generating the first {count} documents (seed {}) that generate",
        flags.seed
    );
    while chosen.len() < count && next < order.len() {
        let batch: Vec<Job> = order[next..(next + count - chosen.len()).min(order.len())]
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
                    too_big.push((job.document.clone(), outcome.output_bytes));
                }
                Kind::Generated => {
                    let name = job
                        .write_to
                        .as_ref()
                        .and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    chosen.push((job.document.clone(), name));
                }
                _ => skipped.push(job.document.clone()),
            }
        }
    }
    let members: Vec<String> = chosen
        .iter()
        .map(|(_, name)| format!("\"crates/{name}\""))
        .collect();
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .map_err(|e| format!("cannot write the scratch workspace: {e}"))?;
    // The project's lock pins the generated crates' dependencies to the versions it tests.
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        scratch.join("Cargo.lock"),
    )
    .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = scratch.join("target");
    // First the dependencies, with the smallest crate, so that the crates' own time shows apart.
    let smallest = chosen
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
        .current_dir(&scratch)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let dependencies = started.elapsed();
    if !status.success() {
        eprintln!("({smallest} itself has findings; counted below)");
    }
    eprintln!("linting {} crates", chosen.len());
    let started = Instant::now();
    let output = Command::new(&cargo)
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--message-format=json",
        ])
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-D", "warnings"])
        .current_dir(&scratch)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let crates_time = started.elapsed();
    let mut passed: BTreeSet<String> = BTreeSet::new();
    let mut findings: BTreeMap<String, String> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
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
    let failed: Vec<(&String, &String)> = chosen
        .iter()
        .filter(|(_, name)| !passed.contains(name) || findings.contains_key(name))
        .map(|(document, name)| (document, name))
        .collect();
    let total = chosen.len();
    let clean = total - failed.len();
    let summary = format!(
        "{clean} of {total} sampled crates are clippy-clean with -D warnings ({:.1}%); seed {}; \
         dependencies and the smallest crate {:.0} s, then the {total} crates {:.0} s",
        100.0 * clean as f64 / total.max(1) as f64,
        flags.seed,
        dependencies.as_secs_f64(),
        crates_time.as_secs_f64()
    );
    println!("{summary}");
    for (document, name) in &failed {
        println!(
            "FAILED {document} ({name}):\n{}",
            findings
                .get(*name)
                .map_or("no artifact and no message", String::as_str)
        );
    }
    if !skipped.is_empty() {
        println!("skipped (refused): {}", skipped.join(", "));
    }
    let too_big_text: Vec<String> = too_big
        .iter()
        .map(|(d, bytes)| format!("`{d}` ({})", megabytes(*bytes)))
        .collect();
    if !too_big.is_empty() {
        println!("skipped (over the size bound): {}", too_big_text.join(", "));
    }
    if !flags.check {
        let mut text = format!(
            "# The APIs.guru directory: a compiled sample\n\n\
             Written by `cargo xtask directory --compile {count}`: the first {count} documents of the\n\
             seeded random order (seed {}) that generate a crate of at most 5 MB, one scratch\n\
             workspace, `cargo clippy --workspace -- -D warnings` over all of them in one run.\n\n\
             - Machine: {}\n- Result: {summary}\n",
            flags.seed,
            machine()
        );
        if !too_big.is_empty() {
            text.push_str(&format!(
                "- Passed over as bigger than {} of generated files: {}\n",
                megabytes(COMPILE_SIZE_LIMIT),
                too_big_text.join(", ")
            ));
        }
        if !skipped.is_empty() {
            text.push_str(&format!(
                "- Passed over as refused: {}\n",
                skipped
                    .iter()
                    .map(|d| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !failed.is_empty() {
            text.push_str("\n## Not warning-free\n\n");
            for (document, name) in &failed {
                text.push_str(&format!(
                    "### `{document}`\n\n```text\n{}\n```\n\n",
                    findings
                        .get(*name)
                        .map_or("no artifact and no message", String::as_str)
                ));
            }
        }
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
