//! `cargo xtask bench --directory`: our generator beside progenitor 0.15 on the APIs.guru
//! directory, largest document first, until progenitor has generated K of them. Every
//! generation runs in a child process with a wall-time and an address-space limit
//! (see `child`), so a panic, an abort, a hang or a memory blow-up costs one attempt.
//! Writes `xtask/bench/DIRECTORY.md` (see `report`).

pub mod child;
mod report;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use child::{Generator, Limits, Outcome};

const USAGE: &str = "\
usage: cargo xtask bench --directory [--successes K] [--max-attempts N] [--timeout SECS]
                                     [--memory-gib G] [--runs N] [--dir DIR] [--out FILE]
Generates the APIs.guru directory's documents, largest first, with ours and progenitor 0.15
(positional; builder where positional succeeds), each in a child process, until progenitor
has succeeded on K documents. Writes xtask/bench/DIRECTORY.md.
  --successes K     documents progenitor must generate (default 10)
  --max-attempts N  documents to try at most (default 200)
  --timeout SECS    wall-time limit of a progenitor attempt (default 300); ours gets 1800 s
  --memory-gib G    address-space limit of every child (default 12)
  --runs N          runs (taking turns, median) where ours takes under 10 s (default 3)
  --dir DIR         the documents (default: what xtask/directory/fetch.sh prints)
  --out FILE        the results file (default xtask/bench/DIRECTORY.md); `-` writes none
";

const SUCCESSES: usize = 10;
const MAX_ATTEMPTS: usize = 200;
const TIMEOUT: Duration = Duration::from_secs(300);
const MEMORY_GIB: u64 = 12;
const RUNS: usize = 3;

/// Documents whose first run of ours takes longer than this are timed once.
const SINGLE_RUN_OVER: Duration = Duration::from_secs(10);
/// Ours is not what the limit is for: the largest document takes minutes on a loaded machine.
const OURS_WALL: Duration = Duration::from_secs(1800);

pub struct Args {
    successes: usize,
    max_attempts: usize,
    limits: Limits,
    runs: usize,
    dir: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        successes: SUCCESSES,
        max_attempts: MAX_ATTEMPTS,
        limits: Limits {
            wall: TIMEOUT,
            memory_gib: MEMORY_GIB,
        },
        runs: RUNS,
        dir: None,
        out: Some(crate::workspace_root().join("xtask/bench/DIRECTORY.md")),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("`{arg}` needs a value\n{USAGE}"))
        };
        let number = |text: &String| {
            text.parse::<u64>()
                .map_err(|e| format!("{arg}: {e}\n{USAGE}"))
        };
        match arg.as_str() {
            "--successes" => parsed.successes = number(value()?)? as usize,
            "--max-attempts" => parsed.max_attempts = number(value()?)? as usize,
            "--timeout" => parsed.limits.wall = Duration::from_secs(number(value()?)?),
            "--memory-gib" => parsed.limits.memory_gib = number(value()?)?,
            "--runs" => parsed.runs = number(value()?)?.max(1) as usize,
            "--dir" => parsed.dir = Some(value()?.into()),
            "--out" => {
                let out = value()?;
                parsed.out = (out != "-").then(|| out.into());
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown flag `{other}`\n{USAGE}")),
        }
    }
    Ok(Some(parsed))
}

/// A document of the directory.
pub struct Document {
    /// Relative to the directory, as `xtask directory` names it.
    pub name: String,
    pub bytes: u64,
    pub is_3_1: bool,
}

/// One document tried: progenitor's outcomes, and ours where progenitor succeeded (and on
/// the largest document).
pub struct Attempt {
    pub document: Document,
    pub runs: usize,
    pub ours: Option<Outcome>,
    pub positional: Outcome,
    pub builder: Option<Outcome>,
    /// Where progenitor succeeded: the schemas under `components` (progenitor generates
    /// each) and those an operation reaches (what ours generates).
    pub schemas: Option<(usize, usize)>,
}

pub struct Results {
    pub machine: crate::machine::Machine,
    pub load_before: String,
    pub load_after: String,
    pub command: String,
    pub successes_wanted: usize,
    pub max_attempts: usize,
    pub limits: Limits,
    pub runs: usize,
    pub documents: usize,
    pub attempts: Vec<Attempt>,
}

/// `letta-bench --directory ...`.
pub fn main(args: &[String]) -> Result<(), String> {
    let Some(args) = parse(args)? else {
        return Ok(());
    };
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => fetch()?,
    };
    let machine = crate::machine::Machine::read();
    let load_before = load_average();
    let documents = by_size(&dir)?;
    eprintln!(
        "directory: {} documents in {}; load average {load_before}",
        documents.len(),
        dir.display()
    );
    let count = documents.len();
    let mut attempts: Vec<Attempt> = Vec::new();
    for (index, document) in documents.into_iter().enumerate() {
        let successes = attempts
            .iter()
            .filter(|a| a.positional.done().is_some())
            .count();
        if successes >= args.successes || attempts.len() >= args.max_attempts {
            break;
        }
        attempts.push(try_document(&dir, document, index == 0, &args));
    }
    let results = Results {
        machine,
        load_before,
        load_after: load_average(),
        command: command_line(&args),
        successes_wanted: args.successes,
        max_attempts: args.max_attempts,
        limits: args.limits,
        runs: args.runs,
        documents: count,
        attempts,
    };
    let text = report::markdown(&results);
    println!("{text}");
    if let Some(out) = &args.out {
        std::fs::write(out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("directory: wrote {}", out.display());
    }
    Ok(())
}

/// Progenitor positional first; where it succeeds, builder and ours, taking turns for
/// `--runs` rounds when ours is quick.
fn try_document(dir: &Path, mut document: Document, largest: bool, args: &Args) -> Attempt {
    let file = dir.join(&document.name);
    document.is_3_1 = crate::fsutil::read_spec(&file).is_ok_and(|text| child::is_3_1(&text));
    let ours_limits = Limits {
        wall: OURS_WALL,
        ..args.limits
    };
    let run = |generator| {
        let limits = match generator {
            Generator::Ours => ours_limits,
            _ => args.limits,
        };
        let outcome = child::attempt(generator, &file, limits);
        eprintln!(
            "directory: {} ({:.2} MB) {}: {}",
            document.name,
            megabytes(document.bytes),
            generator.name(),
            outcome.describe()
        );
        outcome
    };
    let positional = run(Generator::Positional);
    if positional.done().is_none() {
        let ours = largest.then(|| run(Generator::Ours));
        return Attempt {
            document,
            runs: 1,
            ours,
            positional,
            builder: None,
            schemas: None,
        };
    }
    let builder = run(Generator::Builder);
    let ours = run(Generator::Ours);
    let quick = ours.done().is_some_and(|d| d.time < SINGLE_RUN_OVER);
    let mut rounds = [vec![ours], vec![positional], vec![builder]];
    let runs = if quick { args.runs } else { 1 };
    for _ in 1..runs {
        for (generator, outcomes) in [Generator::Ours, Generator::Positional, Generator::Builder]
            .into_iter()
            .zip(rounds.iter_mut())
        {
            if outcomes[0].done().is_some() {
                outcomes.push(run(generator));
            }
        }
    }
    let [ours, positional, builder] = rounds.map(median);
    Attempt {
        document,
        runs,
        ours: Some(ours),
        positional,
        builder: Some(builder),
        schemas: schema_counts(&file),
    }
}

/// The schemas under `components`, and those an operation reaches.
fn schema_counts(file: &Path) -> Option<(usize, usize)> {
    let text = crate::fsutil::read_spec(file).ok()?;
    let count = |document: &serde_json::Value| {
        document
            .pointer("/components/schemas")
            .and_then(serde_json::Value::as_object)
            .map_or(0, |schemas| schemas.len())
    };
    let all = count(&serde_json::from_str(&text).ok()?);
    let reached = count(&codegen::subset(&text, &codegen::Selection::All).ok()?);
    Some((all, reached))
}

/// The run with the median time if every run finished, else the first that did not.
fn median(mut outcomes: Vec<Outcome>) -> Outcome {
    if let Some(failed) = outcomes.iter().find(|o| o.done().is_none()) {
        return failed.clone();
    }
    outcomes.sort_by_key(|o| o.done().map(|d| d.time));
    outcomes.swap_remove(outcomes.len() / 2)
}

/// Every `.json` document under `dir`, largest first (then by name).
fn by_size(dir: &Path) -> Result<Vec<Document>, String> {
    let mut documents = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot list {}: {e}", folder.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
                let name = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                documents.push(Document {
                    name,
                    bytes,
                    is_3_1: false,
                });
            }
        }
    }
    documents.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    Ok(documents)
}

/// Runs `xtask/directory/fetch.sh` (it reuses its cache) and returns the directory it prints.
fn fetch() -> Result<PathBuf, String> {
    let script = crate::workspace_root().join("xtask/directory/fetch.sh");
    let output = Command::new("bash")
        .arg(&script)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .map(PathBuf::from)
        .ok_or_else(|| format!("{} printed no directory", script.display()))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn command_line(args: &Args) -> String {
    let mut line = "cargo xtask bench --directory".to_owned();
    if args.successes != SUCCESSES {
        line.push_str(&format!(" --successes {}", args.successes));
    }
    if args.max_attempts != MAX_ATTEMPTS {
        line.push_str(&format!(" --max-attempts {}", args.max_attempts));
    }
    if args.limits.wall != TIMEOUT {
        line.push_str(&format!(" --timeout {}", args.limits.wall.as_secs()));
    }
    if args.limits.memory_gib != MEMORY_GIB {
        line.push_str(&format!(" --memory-gib {}", args.limits.memory_gib));
    }
    if args.runs != RUNS {
        line.push_str(&format!(" --runs {}", args.runs));
    }
    line
}

pub fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use child::Done;

    fn done(millis: u64) -> Outcome {
        Outcome::Ok(Done {
            time: Duration::from_millis(millis),
            lines: 1,
            peak_mib: 0.0,
            concessions: 0,
        })
    }

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_median_is_the_middle_run_unless_one_failed() {
        let middle = median(vec![done(30), done(10), done(20)]);
        assert_eq!(middle.done().map(|d| d.time.as_millis()), Some(20));
        let failed = median(vec![done(10), Outcome::OutOfMemory, done(20)]);
        assert!(matches!(failed, Outcome::OutOfMemory));
    }

    #[test]
    fn only_a_3_1_document_is_down_levelled() {
        assert!(child::is_3_1(r#"{"openapi": "3.1.0", "paths": {}}"#));
        assert!(!child::is_3_1(r#"{"openapi": "3.0.3", "paths": {}}"#));
        assert!(!child::is_3_1(r#"{"swagger": "2.0"}"#));
    }

    #[test]
    fn the_reproduce_line_names_the_flags_that_differ() {
        let defaults = parse(&[]).unwrap().unwrap();
        assert_eq!(command_line(&defaults), "cargo xtask bench --directory");
        let args = parse(&strings(&["--successes", "3", "--timeout", "60"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            command_line(&args),
            "cargo xtask bench --directory --successes 3 --timeout 60"
        );
        assert!(parse(&strings(&["--successes"])).is_err());
        assert!(parse(&strings(&["--fast"])).is_err());
    }
}
