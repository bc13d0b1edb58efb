//! One generation of one document in a process of its own (the runner run again as
//! `letta-bench directory-one`), so that a panic, an abort, a hang or a memory blow-up costs
//! that attempt only. The child times the generation alone (not reading the file, not the
//! down-levelling) and answers one JSON line; the parent enforces the limits and names what
//! happened.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use codegen::{Options, Selection};
use progenitor_gen::Style;
use serde_json::{Value, json};

/// Which generator a child runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    Ours,
    Positional,
    Builder,
}

impl Generator {
    pub fn name(self) -> &'static str {
        match self {
            Generator::Ours => "ours",
            Generator::Positional => "positional",
            Generator::Builder => "builder",
        }
    }

    fn from_name(name: &str) -> Option<Generator> {
        [Generator::Ours, Generator::Positional, Generator::Builder]
            .into_iter()
            .find(|g| g.name() == name)
    }
}

/// A generation that finished.
#[derive(Debug, Clone)]
pub struct Done {
    pub time: Duration,
    pub lines: usize,
    pub peak_mib: f64,
    /// Progenitor only: the concessions made for it (a 3.1 document only), summed.
    pub concessions: usize,
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub enum Outcome {
    Ok(Done),
    Panic(String),
    Error(String),
    Timeout(Duration),
    OutOfMemory,
    Crash(String),
}

impl Outcome {
    pub fn done(&self) -> Option<&Done> {
        match self {
            Outcome::Ok(done) => Some(done),
            _ => None,
        }
    }

    /// A short description for the report.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Ok(done) => format!("ok, {:.2} s", done.time.as_secs_f64()),
            Outcome::Panic(message) => format!("panic: {message}"),
            Outcome::Error(message) => format!("error: {message}"),
            Outcome::Timeout(limit) => format!("timeout (over {} s)", limit.as_secs()),
            Outcome::OutOfMemory => "out of memory".to_owned(),
            Outcome::Crash(how) => format!("crash: {how}"),
        }
    }
}

/// The limits a child runs under.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub wall: Duration,
    pub memory_gib: u64,
}

/// `letta-bench directory-one GENERATOR FILE MEMORY_GIB`: prints one JSON line.
pub fn main(args: &[String]) -> Result<(), String> {
    let [generator, file, memory_gib] = args else {
        return Err("usage: letta-bench directory-one GENERATOR FILE MEMORY_GIB".to_owned());
    };
    let generator =
        Generator::from_name(generator).ok_or_else(|| format!("no generator `{generator}`"))?;
    let memory_gib: u64 = memory_gib.parse().map_err(|e| format!("MEMORY_GIB: {e}"))?;
    limit_address_space(memory_gib)?;
    // Panics are outcomes here: only the first line of the message matters.
    std::panic::set_hook(Box::new(|_| {}));
    let answer = match generate(generator, Path::new(file)) {
        Ok(done) => json!({
            "secs": done.time.as_secs_f64(),
            "lines": done.lines,
            "peak_mib": peak_mib(),
            "concessions": done.concessions,
        }),
        Err((kind, message)) => json!({"kind": kind, "message": message}),
    };
    println!("{answer}");
    Ok(())
}

/// Sets this process's address-space limit, so that a blow-up ends in a failed allocation.
fn limit_address_space(gib: u64) -> Result<(), String> {
    let bytes = gib.saturating_mul(1 << 30);
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    // SAFETY: setrlimit reads the struct it is given and touches nothing else of ours.
    let status = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    if status == 0 {
        Ok(())
    } else {
        Err(format!("setrlimit: {}", std::io::Error::last_os_error()))
    }
}

type Failure = (&'static str, String);

fn generate(generator: Generator, file: &Path) -> Result<Done, Failure> {
    let text = crate::fsutil::read_spec(file).map_err(|e| ("error", e))?;
    match generator {
        Generator::Ours => ours(&text, file),
        Generator::Positional => progenitor(&text, Style::Positional),
        Generator::Builder => progenitor(&text, Style::Builder),
    }
}

/// As `cargo xtask codegen --spec FILE --out DIR --all` does, DIR elsewhere than `generated/`.
fn ours(text: &str, file: &Path) -> Result<Done, Failure> {
    let options = Options {
        selection: Selection::All,
        source_label: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        standalone: true,
        ..Options::default()
    };
    let started = Instant::now();
    let generated = std::panic::catch_unwind(|| codegen::generate_with_warnings(text, &options))
        .map_err(|panic| ("panic", first_line(&panic)))?
        .map_err(|e| ("error", first_line_of(&e.to_string())))?;
    let time = started.elapsed();
    let lines = crate::rust_lines(
        generated
            .files
            .iter()
            .filter(|f| f.path.ends_with(".rs"))
            .map(|f| f.contents.as_str()),
    );
    Ok(Done {
        time,
        lines,
        peak_mib: 0.0,
        concessions: 0,
    })
}

/// A 3.0 document as it is; a 3.1 one down-levelled as the codegen bench does it (our
/// normaliser, then the concessions), outside the timing.
fn progenitor(text: &str, style: Style) -> Result<Done, Failure> {
    let (input, concessions) = if is_3_1(text) {
        let (down, c) = progenitor_gen::downlevel(text, &Selection::All)
            .map_err(|e| ("error", format!("down-levelling: {}", first_line_of(&e))))?;
        let count = c.titles
            + c.defaults
            + c.multipart_bodies
            + c.schemaless_media
            + c.error_bodies
            + c.nullable_headers;
        (down, count)
    } else {
        (text.to_owned(), 0)
    };
    let started = Instant::now();
    let source = progenitor_gen::generate(&input, style).map_err(|e| {
        let kind = if e.starts_with("progenitor panics") {
            "panic"
        } else {
            "error"
        };
        (kind, first_line_of(&e))
    })?;
    let time = started.elapsed();
    Ok(Done {
        time,
        lines: crate::rust_lines([source.as_str()]),
        peak_mib: 0.0,
        concessions,
    })
}

/// Whether the document says `openapi: 3.1.x` (progenitor reads 3.0 only).
pub fn is_3_1(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Version {
        openapi: Option<String>,
    }
    serde_json::from_str::<Version>(text)
        .ok()
        .and_then(|v| v.openapi)
        .is_some_and(|v| v.starts_with("3.1"))
}

fn first_line(panic: &Box<dyn std::any::Any + Send>) -> String {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    first_line_of(message)
}

fn first_line_of(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    let mut short: String = line.chars().take(160).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short
}

/// The peak resident memory of this process so far.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Runs `generator` on `file` in a child process under `limits`.
pub fn attempt(generator: Generator, file: &Path, limits: Limits) -> Outcome {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return Outcome::Error(format!("cannot find the runner: {e}")),
    };
    let child = Command::new(exe)
        .arg("directory-one")
        .arg(generator.name())
        .arg(file)
        .arg(limits.memory_gib.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    match child {
        Ok(child) => wait(child, limits.wall),
        Err(e) => Outcome::Error(format!("cannot start the child: {e}")),
    }
}

/// Waits for the child until `wall`, then kills it; reads its answer.
fn wait(mut child: Child, wall: Duration) -> Outcome {
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > wall => {
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::Timeout(wall);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Outcome::Error(format!("cannot wait for the child: {e}")),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let answer: Option<Value> = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok());
    match answer {
        Some(answer) if status.success() => read_answer(&answer),
        _ if stderr.contains("memory allocation of") || stderr.contains("out of memory") => {
            Outcome::OutOfMemory
        }
        _ if stderr.contains("overflowed its stack") => Outcome::Crash("stack overflow".to_owned()),
        _ => Outcome::Crash(format!(
            "{status}: {}",
            first_line_of(stderr.lines().last().unwrap_or_default())
        )),
    }
}

fn read_answer(answer: &Value) -> Outcome {
    if let Some(secs) = answer["secs"].as_f64() {
        let count = |key: &str| answer[key].as_u64().unwrap_or(0) as usize;
        return Outcome::Ok(Done {
            time: Duration::from_secs_f64(secs),
            lines: count("lines"),
            peak_mib: answer["peak_mib"].as_f64().unwrap_or(0.0),
            concessions: count("concessions"),
        });
    }
    let message = answer["message"].as_str().unwrap_or_default().to_owned();
    match answer["kind"].as_str() {
        Some("panic") => Outcome::Panic(message),
        _ => Outcome::Error(message),
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}
