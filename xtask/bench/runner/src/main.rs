//! `cargo xtask bench`: the generator and the generated crate, side by side with progenitor 0.15.
//! Prints a Markdown table and writes it, with the machine and date, to `xtask/bench/RESULTS.md`.

mod dataset;
mod directory;
#[path = "../../../src/fsutil.rs"]
#[allow(dead_code)]
mod fsutil;
mod machine;
mod rebuild;
mod report;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use codegen::{Options, Selection};
use progenitor_gen::Style;
use serde_json::Value;

/// The newest upstream version: the whole API, 239 paths.
const UPSTREAM: &str = "upstream/letta-openapi/openapi-2026-03-26-2953a9f54.json.gz";

const USAGE: &str = "\
usage: cargo xtask bench [--runs N] [--shared DIR] [--out FILE] [--no-rebuild]
  --runs N       timed runs per codegen and rebuild figure, median reported (default 7)
  --shared DIR   where the upstream specs are (default ../shared)
  --out FILE     the results file (default xtask/bench/RESULTS.md); `-` writes none
  --no-rebuild   skip the rebuild-time figures (they take a few minutes)
cargo xtask bench --directory [...]: ours and progenitor on the APIs.guru directory, largest
  document first (`cargo xtask bench --directory --help`; writes xtask/bench/DIRECTORY.md)
";

pub struct Args {
    runs: usize,
    shared: PathBuf,
    out: Option<PathBuf>,
    rebuild: bool,
}

/// The root, by the one definition the suites and the xtask share (through `support`).
pub use support::workspace_root;

fn parse_args() -> Result<Option<Args>, String> {
    let root = workspace_root();
    let mut args = Args {
        runs: 7,
        shared: root.join("../shared"),
        out: Some(root.join("xtask/bench/RESULTS.md")),
        rebuild: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("`{arg}` needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--runs" => {
                args.runs = value()?
                    .parse()
                    .map_err(|e| format!("--runs: {e}\n{USAGE}"))?
            }
            "--shared" => args.shared = value()?.into(),
            "--out" => {
                let out = value()?;
                args.out = (out != "-").then(|| out.into());
            }
            "--no-rebuild" => args.rebuild = false,
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown flag `{other}`\n{USAGE}")),
        }
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // The directory comparison, and its child processes, read their own flags.
    let other_mode = if args.first().is_some_and(|a| a == "directory-one") {
        Some(directory::child::main(&args[1..]))
    } else if let Some(at) = args.iter().position(|a| a == "--directory") {
        args.remove(at);
        Some(directory::main(&args))
    } else {
        None
    };
    if let Some(result) = other_mode {
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        };
    }
    match parse_args().and_then(|args| args.map(run).transpose()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A median time, or why there is none.
pub type Timing = Result<Duration, String>;

pub struct CodegenRow {
    pub label: String,
    pub paths: usize,
    pub schemas: usize,
    pub ours: Timing,
    pub ours_lines: usize,
    pub positional: Timing,
    pub builder: Timing,
    pub builder_lines: usize,
    pub concessions: progenitor_gen::Concessions,
}

pub struct Results {
    pub machine: machine::Machine,
    pub runs: usize,
    pub codegen: Vec<CodegenRow>,
    /// What progenitor says when given the 3.1 original.
    pub progenitor_on_3_1: String,
    pub rebuild: Option<rebuild::Rebuild>,
    pub throughput: Value,
}

fn run(args: Args) -> Result<(), String> {
    let root = workspace_root();
    let machine = machine::Machine::read();
    eprintln!("bench: {} ({} cores)", machine.cpu, machine.cores);

    let upstream = args.shared.join(UPSTREAM);
    let text = fsutil::read_spec(&upstream)?;
    let conversations = Selection::Tag("conversations".to_owned());
    let mut codegen = Vec::new();
    for (label, selection) in [
        ("conversation operations", conversations.clone()),
        ("whole API", Selection::All),
    ] {
        eprintln!("bench: codegen, {label}");
        codegen.push(codegen_row(label, &text, &selection, args.runs)?);
    }
    let subset_3_1 =
        serde_json::to_string(&codegen::subset(&text, &conversations).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let progenitor_on_3_1 = match progenitor_gen::generate(&subset_3_1, Style::Builder) {
        Ok(_) => "reads it".to_owned(),
        Err(e) => e,
    };

    let rebuild = if args.rebuild {
        eprintln!("bench: rebuild of the generated crates (debug)");
        Some(rebuild::measure(&root, args.runs)?)
    } else {
        None
    };

    eprintln!("bench: decode and encode throughput");
    let throughput = throughput(&root)?;

    let results = Results {
        machine,
        runs: args.runs,
        codegen,
        progenitor_on_3_1,
        rebuild,
        throughput,
    };
    let table = report::markdown(&results);
    println!("{table}");
    if let Some(out) = &args.out {
        std::fs::write(out, &table).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("bench: wrote {}", out.display());
    }
    Ok(())
}

fn codegen_row(
    label: &str,
    text: &str,
    selection: &Selection,
    runs: usize,
) -> Result<CodegenRow, String> {
    let options = Options {
        selection: selection.clone(),
        ..Options::default()
    };
    let subset = codegen::subset(text, selection).map_err(|e| e.to_string())?;
    let count = |pointer: &str| {
        subset
            .pointer(pointer)
            .and_then(Value::as_object)
            .map_or(0, |o| o.len())
    };

    let files = codegen::generate(text, &options).map_err(|e| e.to_string())?;
    let ours_lines = crate_lines(&files);
    // Progenitor reads 3.0 only: down-levelled once, outside the timing.
    let (down, concessions) = progenitor_gen::downlevel(text, selection)?;
    let positional_first = progenitor_gen::generate(&down, Style::Positional);
    let builder_first = progenitor_gen::generate(&down, Style::Builder);
    let builder_lines = builder_first.as_deref().map_or(0, |s| rust_lines([s]));

    // The three take turns, so that a slow spell of the machine falls on all of them.
    let mut times: [Vec<Duration>; 3] = Default::default();
    for _ in 0..runs.max(1) {
        times[0].push(timed(|| {
            codegen::generate(text, &options).map(|f| f.len()).ok()
        }));
        if positional_first.is_ok() {
            times[1].push(timed(|| {
                progenitor_gen::generate(&down, Style::Positional).ok()
            }));
        }
        if builder_first.is_ok() {
            times[2].push(timed(|| {
                progenitor_gen::generate(&down, Style::Builder).ok()
            }));
        }
    }
    let [ours, positional, builder] = times.map(middle);
    let ours = ours.ok_or("no run")?;
    let positional = positional_first.and_then(|_| positional.ok_or("no run".to_owned()));
    let builder = builder_first.and_then(|_| builder.ok_or("no run".to_owned()));
    Ok(CodegenRow {
        label: label.to_owned(),
        paths: count("/paths"),
        schemas: count("/components/schemas"),
        ours: Ok(ours),
        ours_lines,
        positional,
        builder,
        builder_lines,
        concessions,
    })
}

fn timed<T>(run: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    std::hint::black_box(run());
    start.elapsed()
}

/// The median, if there was a run.
pub fn middle(mut times: Vec<Duration>) -> Option<Duration> {
    times.sort();
    times.get(times.len() / 2).copied()
}

/// Lines of Rust, as `wc -l` counts them.
pub fn rust_lines<'a>(sources: impl IntoIterator<Item = &'a str>) -> usize {
    sources.into_iter().map(|s| s.lines().count()).sum()
}

/// Lines of Rust in a generated crate's files.
pub fn crate_lines(files: &[codegen::File]) -> usize {
    rust_lines(
        files
            .iter()
            .filter(|f| f.path.ends_with(".rs"))
            .map(|f| f.contents.as_str()),
    )
}

/// Runs the decode benchmark, a binary built on its own (see `xtask/bench/decode/Cargo.toml`),
/// on the data `dataset` writes.
fn throughput(root: &Path) -> Result<Value, String> {
    let files = dataset::write(root, &root.join("xtask/bench/target/data"))?;
    let conversations = &files.conversations;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let decode = exe.with_file_name("letta-bench-decode");
    let output = untrimmed(&decode)
        .arg(conversations)
        .arg(&files.newer)
        .output()
        .map_err(|e| {
            format!(
                "cannot run {}: {e} (build it: cargo xtask bench)",
                decode.display()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            decode.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut figures: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("decode benchmark output: {e}"))?;
    for name in ["ours", "value", "progenitor"] {
        let output = untrimmed(&decode)
            .args(["--alone", name])
            .arg(conversations)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", decode.display()))?;
        let figure: f64 = String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .map_err(|e| {
                format!(
                    "decode --alone {name}: {e}: {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            })?;
        figures["decode_alone"][name] = figure.into();
    }
    figures["load"] = decode_json(&decode, &["--load".as_ref()])?;
    figures["memory"] = memory(&decode)?;
    figures["sparse"] = decode_json(&decode, &["--turns".as_ref(), files.sparse.as_os_str()])?;
    figures["instructions"] = instructions(root, &decode, &files)?;
    Ok(figures)
}

/// glibc's heap trimming threshold for timed runs: 256 MiB.
const TRIM_THRESHOLD: &str = "268435456";

/// The decode benchmark as a clock measures it. glibc gives the heap's top back after a decode
/// whenever nothing happens to pin it, and the next decode page-faults it in again; which
/// decoder that hits depends on where its last allocation landed, not on its work. Holding
/// trimming off times every decoder on the same heap.
fn untrimmed(decode: &Path) -> Command {
    let mut command = Command::new(decode);
    command.env("MALLOC_TRIM_THRESHOLD_", TRIM_THRESHOLD);
    command
}

/// Runs the decode benchmark with `args`, timed, and reads the JSON object it prints.
fn decode_json(decode: &Path, args: &[&std::ffi::OsStr]) -> Result<Value, String> {
    let output = untrimmed(decode)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", decode.display()))?;
    serde_json::from_slice(&output.stdout).map_err(|e| {
        let shown: Vec<_> = args.iter().map(|arg| arg.to_string_lossy()).collect();
        format!(
            "decode {}: {e}: {}",
            shown.join(" "),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Decodes (and encodes) counted under cachegrind per run of `--count`.
const COUNTED: usize = 3;

/// Instructions per byte of each decoder and encoder on both datasets, by valgrind's
/// cachegrind (installed into a cache by `xtask/tools/valgrind.sh`): figures that do not move
/// with the machine's load. Each is the difference between `COUNTED` operations and none, so
/// the process's start, the file's reading and an encode's first decode cancel out.
fn instructions(root: &Path, decode: &Path, files: &dataset::Files) -> Result<Value, String> {
    let tool = root.join("xtask/tools/valgrind.sh");
    let output = Command::new("bash")
        .arg(&tool)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            tool.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let valgrind = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let scratch = root.join("xtask/bench/target/cachegrind");
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let mut figures = serde_json::Map::new();
    for (dataset, path) in [("full", &files.conversations), ("sparse", &files.sparse)] {
        let bytes = std::fs::metadata(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len() as f64;
        let mut row = serde_json::Map::new();
        for (decoder, way) in [
            ("floor", "decode"),
            ("ours", "decode"),
            ("value", "decode"),
            ("ours", "encode"),
            ("value", "encode"),
        ] {
            let mut counts = [0u64; 2];
            for (slot, iterations) in counts.iter_mut().zip([COUNTED, 0]) {
                let out_file = scratch.join(format!("{dataset}-{decoder}-{way}-{iterations}.out"));
                let run = Command::new(&valgrind)
                    .args(["--tool=cachegrind", "--cache-sim=no"])
                    .arg(format!("--cachegrind-out-file={}", out_file.display()))
                    .arg(decode)
                    .args(["--count", decoder, way])
                    .arg(path)
                    .arg(iterations.to_string())
                    .output()
                    .map_err(|e| format!("cannot run {valgrind}: {e}"))?;
                if !run.status.success() {
                    return Err(format!(
                        "cachegrind {decoder} {way}: {}",
                        String::from_utf8_lossy(&run.stderr)
                    ));
                }
                *slot = instruction_total(&out_file)?;
            }
            let per_byte = counts[0].saturating_sub(counts[1]) as f64 / COUNTED as f64 / bytes;
            row.insert(format!("{decoder}_{way}"), per_byte.into());
        }
        figures.insert(dataset.to_owned(), Value::Object(row));
    }
    Ok(Value::Object(figures))
}

/// The instructions a cachegrind output file counts (its `summary:` line).
fn instruction_total(path: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .find_map(|line| line.strip_prefix("summary:"))
        .and_then(|counts| counts.split_whitespace().next())
        .and_then(|count| count.parse().ok())
        .ok_or_else(|| format!("{}: no instruction count", path.display()))
}

/// The peak resident size of one large answer, each way of reading it in a process of its own.
fn memory(decode: &Path) -> Result<Value, String> {
    let mut rows = Vec::new();
    for kind in ["list", "string"] {
        for way in ["decode", "client", "bytes"] {
            rows.push(decode_json(
                decode,
                &["--memory".as_ref(), kind.as_ref(), way.as_ref()],
            )?);
        }
    }
    Ok(Value::Array(rows))
}
