//! `cargo xtask codegen [--check]`: regenerates `generated/` from `schema/`, or checks it is fresh.
//! `cargo xtask schema --from FILE`: rewrites `schema/` from a full Letta OpenAPI document.
//! `cargo xtask bench`: builds and runs the benchmarks of `xtask/bench/` against progenitor.

mod fsutil;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::{Options, Selection};

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check] [--spec FILE] [--out DIR] [--tag TAG | --path-prefix PREFIX | --all]
                      [--crate-name NAME]
  cargo xtask schema --from FILE
  cargo xtask bench [--runs N] [--shared DIR] [--out FILE] [--no-rebuild]

codegen: generates the Rust crate from an OpenAPI 3.0/3.1 JSON document (plain or .gz).
  --check             compare instead of write; exit 1 and print the diff when stale
  --spec FILE         the document (default: schema/letta-conversations.openapi.json)
  --out DIR           where to write the crate (default: generated/); a crate written
                      elsewhere is standalone (it carries its own [workspace])
  --tag TAG           keep the operations with this tag (default: conversations)
  --path-prefix P     keep the operations whose path starts with P
  --all               keep every operation
  --crate-name NAME   package name of the generated crate (default: letta-conversations)

schema: keeps the `conversations` operations of FILE (for example the running server's
  /openapi.json) and the schemas they reach, and writes schema/letta-conversations.openapi.json.
  --from FILE         the full document (plain or .gz)
  --tag TAG           another tag instead of conversations

bench: codegen time, rebuild time and decode throughput against progenitor 0.15 (release
  build of xtask/bench/, a workspace of its own); prints a table and writes xtask/bench/RESULTS.md.
  Needs ../shared (the whole upstream spec). `cargo xtask bench --help` lists its flags.
";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub const SCHEMA_FILE: &str = "schema/letta-conversations.openapi.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_command(&args[1..]),
        Some("schema") => schema_command(&args[1..]),
        Some("bench") => bench_command(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Flags {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    selection: Option<Selection>,
    crate_name: Option<String>,
    from: Option<PathBuf>,
}

fn parse_flags(args: &[String]) -> Result<Option<Flags>, String> {
    let mut flags = Flags {
        check: false,
        spec: None,
        out: None,
        selection: None,
        crate_name: None,
        from: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value\n\n{USAGE}"))
        };
        let set_selection = |current: &mut Option<Selection>, s: Selection| {
            if current.is_some() {
                return Err(format!(
                    "choose one of --tag, --path-prefix and --all\n\n{USAGE}"
                ));
            }
            *current = Some(s);
            Ok(())
        };
        match arg.as_str() {
            "--check" => flags.check = true,
            "--spec" => flags.spec = Some(value("--spec")?.into()),
            "--out" => flags.out = Some(value("--out")?.into()),
            "--from" => flags.from = Some(value("--from")?.into()),
            "--crate-name" => flags.crate_name = Some(value("--crate-name")?),
            "--tag" => set_selection(&mut flags.selection, Selection::Tag(value("--tag")?))?,
            "--path-prefix" => set_selection(
                &mut flags.selection,
                Selection::PathPrefix(value("--path-prefix")?),
            )?,
            "--all" => set_selection(&mut flags.selection, Selection::All)?,
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown flag `{other}`\n\n{USAGE}")),
        }
    }
    Ok(Some(flags))
}

fn codegen_command(args: &[String]) -> Result<ExitCode, String> {
    let Some(flags) = parse_flags(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let root = workspace_root();
    let spec = flags.spec.clone().unwrap_or_else(|| root.join(SCHEMA_FILE));
    let default_out = root.join("generated");
    let out = flags.out.clone().unwrap_or_else(|| default_out.clone());
    let standalone = fsutil::normalised(&out) != fsutil::normalised(&default_out);
    let text = fsutil::read_spec(&spec)?;
    let label = match spec.strip_prefix(&root) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let options = Options {
        selection: flags
            .selection
            .unwrap_or(Selection::Tag("conversations".to_owned())),
        crate_name: flags
            .crate_name
            .unwrap_or_else(|| "letta-conversations".to_owned()),
        source_label: label,
        standalone,
    };
    let files =
        codegen::generate(&text, &options).map_err(|e| format!("{}: {e}", spec.display()))?;
    if flags.check {
        let stale = fsutil::stale_files(&out, &files)?;
        if stale.is_empty() {
            println!("{} is up to date ({} files)", out.display(), files.len());
            return Ok(ExitCode::SUCCESS);
        }
        for diff in &stale {
            println!("{diff}");
        }
        eprintln!(
            "error: {} is stale: run `cargo xtask codegen` and commit the result",
            out.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let written = fsutil::write_all(&out, &files)?;
    println!(
        "wrote {} of {} files to {}",
        written,
        files.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn schema_command(args: &[String]) -> Result<ExitCode, String> {
    let Some(flags) = parse_flags(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let from = flags
        .from
        .ok_or_else(|| format!("`schema` needs --from FILE\n\n{USAGE}"))?;
    let selection = flags
        .selection
        .unwrap_or(Selection::Tag("conversations".to_owned()));
    let text = fsutil::read_spec(&from)?;
    let (doc, _) = codegen::load::parse(&text).map_err(|e| format!("{}: {e}", from.display()))?;
    let subset = codegen::select::select(&doc, &selection)
        .map_err(|e| format!("{}: {e}", from.display()))?;
    let mut pretty = serde_json::to_string_pretty(&subset).map_err(|e| e.to_string())?;
    pretty.push('\n');
    let out = workspace_root().join(SCHEMA_FILE);
    fsutil::write_all(
        out.parent().unwrap_or(Path::new(".")),
        &[codegen::File {
            path: "letta-conversations.openapi.json".into(),
            contents: pretty,
        }],
    )?;
    let paths = subset
        .get("paths")
        .and_then(|p| p.as_object())
        .map_or(0, |p| p.len());
    let schemas = subset
        .pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .map_or(0, |s| s.len());
    println!("wrote {} ({paths} paths, {schemas} schemas)", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Builds the bench workspace and runs its runner. The decode benchmark is built on its own
/// first: built together with the runner, cargo would unify the generator's `serde_json`
/// features (`preserve_order`) into it, and users of the generated crate do not have them.
fn bench_command(args: &[String]) -> Result<ExitCode, String> {
    let manifest = workspace_root().join("xtask/bench/Cargo.toml");
    let target = workspace_root().join("xtask/bench/target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for package in ["letta-bench-decode", "letta-bench"] {
        let status = std::process::Command::new(&cargo)
            .args(["build", "--release", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target)
            .args(["--package", package])
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("building {package} failed"));
        }
    }
    let runner = target.join("release/letta-bench");
    let status = std::process::Command::new(&runner)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
