//! The worker processes: each generates one document at a time, so that a panic is caught
//! and counted and a crash or a hang costs one document, never the run.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use codegen::{Options, Selection};
use serde_json::{Value, json};

use super::crate_name;
use crate::fsutil;

/// A document whose worker spends this much CPU time on it is reported as a hang (the slowest
/// takes about a minute). CPU time, not wall time: on a machine shared with other work a slow
/// document waits for the processor, and waiting is no hang.
pub(super) const PER_DOCUMENT: Duration = Duration::from_secs(300);
/// However loaded the machine, no document may take longer than this on the wall clock.
const WALL_LIMIT: Duration = Duration::from_secs(1800);
/// How often a waiting sweep looks at its worker's CPU time.
const POLL: Duration = Duration::from_secs(2);
/// What happened to one document.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    Generated,
    Refused { pointer: String, message: String },
    Panicked(String),
    Crashed(String),
    Hung,
}

#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub(super) document: String,
    pub(super) kind: Kind,
    pub(super) millis: f64,
    pub(super) cpu_millis: f64,
    pub(super) input_bytes: u64,
    pub(super) output_bytes: u64,
    pub(super) warnings: Vec<String>,
}

/// One job for a worker: a document, and where to write its crate if it generates.
#[derive(Debug, Clone)]
pub(super) struct Job {
    pub(super) document: String,
    pub(super) write_to: Option<PathBuf>,
}

/// `xtask directory-worker --dir DIR`: reads one JSON job a line, answers one JSON line each.
pub fn worker(args: &[String]) -> Result<ExitCode, String> {
    let dir = match args {
        [flag, dir] if flag == "--dir" => PathBuf::from(dir),
        _ => return Err("usage: xtask directory-worker --dir DIR".to_owned()),
    };
    let last_panic: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let hook_slot = Arc::clone(&last_panic);
    // Panics are outcomes here: kept with their place, never printed over the parent's report.
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut slot) = hook_slot.lock() {
            slot.get_or_insert(format!("{place}: {message}"));
        }
    }));
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| format!("cannot read a job: {e}"))?;
        let job: Value = serde_json::from_str(&line).map_err(|e| format!("bad job: {e}"))?;
        let document = job["document"].as_str().unwrap_or_default().to_owned();
        let write_to = job["write_to"].as_str().map(PathBuf::from);
        if let Ok(mut slot) = last_panic.lock() {
            *slot = None;
        }
        let answer = work(&dir, &document, write_to.as_deref(), &last_panic);
        writeln!(stdout, "{answer}").map_err(|e| format!("cannot answer: {e}"))?;
        stdout.flush().map_err(|e| format!("cannot answer: {e}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn work(
    dir: &Path,
    document: &str,
    write_to: Option<&Path>,
    last_panic: &Mutex<Option<String>>,
) -> Value {
    let path = dir.join(document);
    let input_bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let text = match fsutil::read_spec(&path) {
        Ok(text) => text,
        Err(e) => {
            return json!({"kind": "refused", "pointer": "#", "message": e, "input_bytes": input_bytes});
        }
    };
    let options = Options {
        selection: Selection::All,
        crate_name: Some(crate_name(document)),
        source_label: document.to_owned(),
        standalone: false,
        ..Options::default()
    };
    let cpu_before = process_cpu_millis();
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(|| codegen::generate_with_warnings(&text, &options));
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    let cpu_millis = process_cpu_millis()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let mut answer =
        json!({"millis": millis, "cpu_millis": cpu_millis, "input_bytes": input_bytes});
    match outcome {
        Ok(Ok(generated)) => {
            let output: usize = generated.files.iter().map(|f| f.contents.len()).sum();
            answer["kind"] = json!("generated");
            answer["output_bytes"] = json!(output);
            answer["warnings"] = json!(
                generated
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            );
            if let Some(out) = write_to
                && let Err(e) = fsutil::write_all(out, &generated.files)
            {
                answer["kind"] = json!("refused");
                answer["pointer"] = json!("#");
                answer["message"] = json!(format!("cannot write the crate: {e}"));
            }
        }
        Ok(Err(error)) => {
            answer["kind"] = json!("refused");
            answer["pointer"] = json!(error.pointer.as_str());
            // What the error says after its place: message, line and column, hint.
            let shown = error.to_string();
            let prefix = format!("{}: ", error.pointer);
            answer["message"] = json!(shown.strip_prefix(&prefix).unwrap_or(&shown));
        }
        Err(_) => {
            let message = last_panic
                .lock()
                .ok()
                .and_then(|slot| slot.clone())
                .unwrap_or_else(|| "a panic".to_owned());
            answer["kind"] = json!("panicked");
            answer["message"] = json!(message);
        }
    }
    answer
}

/// The CPU time this process has used, all its threads together, where Linux says it (in
/// clock ticks of 10 ms): on a shared machine wall time also counts the other processes.
fn process_cpu_millis() -> Option<f64> {
    cpu_millis_of("self")
}

/// The CPU time (user and system) a process has used so far (`self` or a process id), where
/// `/proc` tells it.
fn cpu_millis_of(process: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{process}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 * 10.0)
}

/// A worker process, its answers read on a thread of their own so that waiting can time out.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Worker {
    fn start(dir: &Path) -> Result<Worker, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask: {e}"))?;
        let mut child = Command::new(exe)
            .arg("directory-worker")
            .arg("--dir")
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start a worker: {e}"))?;
        let stdin = child.stdin.take().ok_or("a worker without stdin")?;
        let stdout = child.stdout.take().ok_or("a worker without stdout")?;
        let stderr_pipe = child.stderr.take().ok_or("a worker without stderr")?;
        let (send, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let tail = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                if let Ok(mut tail) = tail.lock() {
                    tail.push_str(&line);
                    tail.push('\n');
                    if tail.len() > 4096 {
                        let cut = tail.len() - 4096;
                        let cut = (cut..tail.len())
                            .find(|&i| tail.is_char_boundary(i))
                            .unwrap_or(0);
                        tail.replace_range(..cut, "");
                    }
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            answers,
            stderr,
        })
    }

    /// Sends one job and waits for its answer; `Err` when the worker died or hung (it is then
    /// stopped, and the caller starts another).
    fn run(&mut self, job: &Job) -> Result<Value, Kind> {
        let line = json!({
            "document": job.document,
            "write_to": job.write_to.as_ref().map(|p| p.to_string_lossy().into_owned()),
        });
        if writeln!(self.stdin, "{line}").is_err() || self.stdin.flush().is_err() {
            return Err(self.died());
        }
        let process = self.child.id().to_string();
        let cpu_before = cpu_millis_of(&process);
        let started = Instant::now();
        loop {
            match self.answers.recv_timeout(POLL) {
                Ok(answer) => {
                    return serde_json::from_str(&answer).map_err(|e| {
                        Kind::Crashed(format!("an unreadable answer ({e}): {answer}"))
                    });
                }
                Err(RecvTimeoutError::Disconnected) => return Err(self.died()),
                Err(RecvTimeoutError::Timeout) => {
                    let cpu_spent = cpu_millis_of(&process)
                        .zip(cpu_before)
                        .map(|(now, before)| Duration::from_secs_f64((now - before) / 1000.0));
                    let hung = match cpu_spent {
                        Some(spent) => spent >= PER_DOCUMENT || started.elapsed() >= WALL_LIMIT,
                        // Without `/proc`, the wall clock alone.
                        None => started.elapsed() >= PER_DOCUMENT,
                    };
                    if hung {
                        let _ = self.child.kill();
                        let _ = self.child.wait();
                        return Err(Kind::Hung);
                    }
                }
            }
        }
    }

    fn died(&mut self) -> Kind {
        let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
        // The reader thread may still be draining the last lines.
        std::thread::sleep(Duration::from_millis(50));
        let tail = self.stderr.lock().map(|t| t.clone()).unwrap_or_default();
        let last = tail
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .collect::<Vec<_>>()
            .join(" / ");
        Kind::Crashed(format!("the worker died ({status}): {last}"))
    }

    fn stop(mut self) {
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

/// Runs every job on `workers` worker processes; the outcomes in job order.
pub(super) fn run_jobs(dir: &Path, jobs: Vec<Job>, workers: usize) -> Result<Vec<Outcome>, String> {
    let total = jobs.len();
    let queue: Mutex<VecDeque<(usize, Job)>> = Mutex::new(jobs.into_iter().enumerate().collect());
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; total]);
    let done = Mutex::new(0usize);
    let failure: Mutex<Option<String>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers.min(total).max(1) {
            scope.spawn(|| {
                let mut worker = None;
                while let Some((index, job)) = queue.lock().ok().and_then(|mut q| q.pop_front()) {
                    let current = match worker.take() {
                        Some(w) => w,
                        None => match Worker::start(dir) {
                            Ok(w) => w,
                            Err(e) => {
                                if let Ok(mut f) = failure.lock() {
                                    *f = Some(e);
                                }
                                break;
                            }
                        },
                    };
                    let mut current = current;
                    let outcome = match current.run(&job) {
                        Ok(answer) => {
                            worker = Some(current);
                            outcome_of(&job.document, &answer)
                        }
                        Err(kind) => Outcome {
                            document: job.document.clone(),
                            kind,
                            millis: 0.0,
                            cpu_millis: 0.0,
                            input_bytes: 0,
                            output_bytes: 0,
                            warnings: Vec::new(),
                        },
                    };
                    if let Ok(mut r) = results.lock() {
                        r[index] = Some(outcome);
                    }
                    if let Ok(mut d) = done.lock() {
                        *d += 1;
                        if *d % 250 == 0 || *d == total {
                            eprintln!("  {d}/{total} documents");
                        }
                    }
                }
                if let Some(w) = worker {
                    w.stop();
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(results
        .into_inner()
        .map_err(|_| "a worker thread panicked".to_owned())?
        .into_iter()
        .flatten()
        .collect())
}

fn outcome_of(document: &str, answer: &Value) -> Outcome {
    let text = |key: &str| answer[key].as_str().unwrap_or_default().to_owned();
    let kind = match answer["kind"].as_str() {
        Some("generated") => Kind::Generated,
        Some("refused") => Kind::Refused {
            pointer: text("pointer"),
            message: text("message"),
        },
        Some("panicked") => Kind::Panicked(text("message")),
        _ => Kind::Crashed(format!("an unknown answer: {answer}")),
    };
    Outcome {
        document: document.to_owned(),
        kind,
        millis: answer["millis"].as_f64().unwrap_or_default(),
        cpu_millis: answer["cpu_millis"].as_f64().unwrap_or_default(),
        input_bytes: answer["input_bytes"].as_u64().unwrap_or_default(),
        output_bytes: answer["output_bytes"].as_u64().unwrap_or_default(),
        warnings: answer["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| w.as_str().map(str::to_owned))
            .collect(),
    }
}
