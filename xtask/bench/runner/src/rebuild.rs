//! Rebuild time of the generated crates (debug, dependencies already built): ours as
//! `cargo xtask codegen --out` writes it, progenitor's builder-style output in a crate of the
//! dependencies its README lists. Both from `schema/`, each in its own target directory.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use codegen::{File, Options, Selection};
use progenitor_gen::Style;

use crate::{Timing, fsutil, rust_lines};

pub struct Built {
    pub rebuild: Timing,
    pub lines: usize,
}

pub struct Rebuild {
    pub ours: Built,
    pub progenitor: Built,
}

pub fn measure(root: &Path, runs: usize) -> Result<Rebuild, String> {
    let dir = root.join("xtask/bench/target/rebuild");
    let schema = fsutil::read_spec(&root.join("schema/letta-conversations.openapi.json"))?;

    let options = Options {
        crate_name: Some("ours-conversations".to_owned()),
        standalone: true,
        ..Options::default()
    };
    let ours = codegen::generate(&schema, &options).map_err(|e| e.to_string())?;
    let ours_lines = rust_lines(
        ours.iter()
            .filter(|f| f.path.ends_with(".rs"))
            .map(|f| f.contents.as_str()),
    );

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

    let mut crates = Vec::new();
    for (name, files, lines) in [
        ("ours", ours, ours_lines),
        ("progenitor", progenitor, rust_lines([source.as_str()])),
    ] {
        let crate_dir = dir.join(name);
        fsutil::write_all(&crate_dir, &files)?;
        eprintln!("bench:   {name}: {lines} lines, building dependencies");
        // The first build compiles the dependencies; a crate that does not build says why.
        let first = cargo_build(&crate_dir).map(|_| ());
        crates.push((crate_dir, lines, first, Vec::new()));
    }
    // The two take turns, so that a slow spell of the machine falls on both.
    for _ in 0..runs.max(1) {
        for (crate_dir, _, first, times) in crates.iter_mut() {
            if first.is_ok() {
                match rebuild_time(crate_dir) {
                    Ok(time) => times.push(time),
                    Err(e) => *first = Err(e),
                }
            }
        }
    }
    let mut built = crates.into_iter().map(|(_, lines, first, times)| Built {
        rebuild: first.and_then(|_| crate::middle(times).ok_or_else(|| "no run".to_owned())),
        lines,
    });
    let ours = built.next().ok_or("no build of ours")?;
    let progenitor = built.next().ok_or("no progenitor build")?;
    Ok(Rebuild { ours, progenitor })
}

/// The time of `cargo build` after touching `src/lib.rs`.
fn rebuild_time(crate_dir: &Path) -> Result<Duration, String> {
    let lib = crate_dir.join("src/lib.rs");
    std::fs::File::options()
        .write(true)
        .open(&lib)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", lib.display()))?;
    cargo_build(crate_dir)
}

fn cargo_build(crate_dir: &Path) -> Result<Duration, String> {
    let start = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", crate_dir.join("target"))
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
