//! Rebuild time of the generated crates (debug, dependencies already built): ours as
//! `cargo xtask codegen --out` writes it, progenitor's builder-style output in a crate of the
//! dependencies its README lists. Both from `schema/`, each in its own target directory. Then
//! ours from an API with no operations and no schemas, which is the runtime alone: the part of
//! the rebuild every generated crate pays, whatever its API (it shares ours' target directory,
//! as its dependencies are the same).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use codegen::{File, Options, Selection};
use progenitor_gen::Style;

use crate::{Timing, crate_lines, fsutil, rust_lines};

pub struct Built {
    pub rebuild: Timing,
    pub lines: usize,
}

pub struct Rebuild {
    pub ours: Built,
    pub progenitor: Built,
    /// Ours for an API with nothing in it.
    pub runtime: Built,
}

/// An API with no operations and no schemas.
const EMPTY_API: &str =
    r#"{"openapi": "3.1.0", "info": {"title": "Nothing", "version": "0"}, "paths": {}}"#;

pub fn measure(root: &Path, runs: usize) -> Result<Rebuild, String> {
    let dir = root.join("xtask/bench/target/rebuild");
    let schema = fsutil::read_spec(&root.join("schema/letta-conversations.openapi.json"))?;

    let options = Options {
        crate_name: Some("ours-conversations".to_owned()),
        standalone: true,
        ..Options::default()
    };
    let ours = codegen::generate(&schema, &options).map_err(|e| e.to_string())?;
    let ours_lines = crate_lines(&ours);

    let (down, _) =
        progenitor_gen::downlevel(&schema, &Selection::Tag("conversations".to_owned()))?;
    let source = progenitor_gen::generate(&down, Style::Builder)?;
    let progenitor = vec![
        File {
            path: "Cargo.toml".to_owned(),
            contents: format!(
                "[package]\nname = \"progenitor-conversations\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{}",
                progenitor_gen::CRATE_DEPENDENCIES
            ),
        },
        File {
            path: "src/lib.rs".to_owned(),
            contents: source.clone(),
        },
    ];

    let runtime_options = Options {
        crate_name: Some("ours-runtime".to_owned()),
        ..options
    };
    let runtime = codegen::generate(EMPTY_API, &runtime_options).map_err(|e| e.to_string())?;
    let runtime_lines = crate_lines(&runtime);

    let mut crates = Vec::new();
    for (name, files, lines, target) in [
        ("ours", ours, ours_lines, "ours"),
        (
            "progenitor",
            progenitor,
            rust_lines([source.as_str()]),
            "progenitor",
        ),
        ("runtime", runtime, runtime_lines, "ours"),
    ] {
        let crate_dir = dir.join(name);
        fsutil::write_all(&crate_dir, &files)?;
        let target = dir.join(target).join("target");
        eprintln!("bench:   {name}: {lines} lines, building dependencies");
        // The first build compiles the dependencies; a crate that does not build says why.
        let first = cargo_build(&crate_dir, &target).map(|_| ());
        crates.push((crate_dir, target, lines, first, Vec::new()));
    }
    // The two take turns, so that a slow spell of the machine falls on both.
    for _ in 0..runs.max(1) {
        for (crate_dir, target, _, first, times) in crates.iter_mut() {
            if first.is_ok() {
                match rebuild_time(crate_dir, target) {
                    Ok(time) => times.push(time),
                    Err(e) => *first = Err(e),
                }
            }
        }
    }
    let mut built = crates.into_iter().map(|(_, _, lines, first, times)| Built {
        rebuild: first.and_then(|_| crate::middle(times).ok_or_else(|| "no run".to_owned())),
        lines,
    });
    let ours = built.next().ok_or("no build of ours")?;
    let progenitor = built.next().ok_or("no progenitor build")?;
    let runtime = built.next().ok_or("no build of the runtime alone")?;
    Ok(Rebuild {
        ours,
        progenitor,
        runtime,
    })
}

/// The time of `cargo build` after touching `src/lib.rs`.
fn rebuild_time(crate_dir: &Path, target: &Path) -> Result<Duration, String> {
    let lib = crate_dir.join("src/lib.rs");
    std::fs::File::options()
        .write(true)
        .open(&lib)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", lib.display()))?;
    cargo_build(crate_dir, target)
}

fn cargo_build(crate_dir: &Path, target: &Path) -> Result<Duration, String> {
    let start = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error"))
            .take(5)
            .collect();
        return Err(format!("does not build: {}", errors.join("; ")));
    }
    Ok(elapsed)
}
