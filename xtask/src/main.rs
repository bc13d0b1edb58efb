//! `cargo xtask codegen [--check]`: regenerates `generated/` from `schema/`, or checks it is fresh;
//! either way, a change of the output is summed up as API changes first.
//! `cargo xtask schema --from FILE`: rewrites `schema/` from a full Letta OpenAPI document.
//! `cargo xtask bench`: builds and runs the benchmarks of `xtask/bench/` against progenitor.
//! `cargo xtask directory`: generates (or compiles a sample of) the APIs.guru directory.
//! `cargo xtask semver`: holds the change report against cargo-semver-checks.
//! `cargo xtask contract`: generated clients called against Prism, the validating mock server.
//!
//! Each command reads its own flags and refuses any other with its usage; defaults come from
//! the project's configuration (`schema/codegen.json`), or for another document from the
//! document itself (`codegen::Options::default()`).

mod contract;
mod directory;
mod fsutil;
mod report;
mod semver;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::{Options, Selection};
use report::{LISTING, generate_versioned};

/// The project's root.
fn workspace_root() -> PathBuf {
    workspace_root::workspace_root!()
}

/// The project's schema, relative to the root.
const SCHEMA_FILE: &str = "schema/letta-conversations.openapi.json";

/// The generator's configuration for the project's schema, relative to the root.
const CONFIG_FILE: &str = "schema/codegen.json";

/// The options a configuration file gives.
fn config_options(path: &Path) -> Result<Options, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Options::from_config(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The project's own configuration (`schema/codegen.json`).
fn project_options() -> Result<Options, String> {
    config_options(&workspace_root().join(CONFIG_FILE))
}

fn usage() -> String {
    format!(
        "usage:\n  {}\n  {}\n  {}\n  {}\n  {}\n  {}\n\n`cargo xtask COMMAND --help` describes a command.\n",
        CODEGEN_LINE, SCHEMA_LINE, BENCH_LINE, DIRECTORY_LINE, CONTRACT_LINE, SEMVER_LINE
    )
}

const CODEGEN_LINE: &str = "cargo xtask codegen [--check] [--spec FILE] [--config FILE] [--out DIR] \
                            [--tag TAG | --path-prefix PREFIX | --all] [--crate-name NAME] \
                            [--report-md FILE]";
const SCHEMA_LINE: &str = "cargo xtask schema --from FILE [--tag TAG]";
const BENCH_LINE: &str = "cargo xtask bench [--runs N] [--shared DIR] [--out FILE] [--no-rebuild]";
const CONTRACT_LINE: &str =
    "cargo xtask contract [--sample N] [--seed S] [--rounds R] [--cap C] [--check]";
const SEMVER_LINE: &str = "cargo xtask semver [--check] [--shared DIR] [--only TEXT]";
const DIRECTORY_LINE: &str =
    "cargo xtask directory [--check] [--sample N | --compile N] [--seed S] [--dir DIR] [--jobs N]";

fn codegen_usage() -> String {
    let defaults = project_options().unwrap_or_default();
    format!(
        "usage: {CODEGEN_LINE}

Generates the Rust crate from an OpenAPI 3.0/3.1 document, JSON or YAML (plain or .gz).
When the output changes, it first prints the API changes (breaking, additive, compatible)
against the {LISTING} listing in the output directory, and the crate's version moves on from
the one recorded there as they ask (cargo's rules: major for breaking, minor for additive,
patch otherwise; under 1.0 each one place to the right). Files in the output directory the
generator no longer writes are removed (sources under src/) or named.
  --check             compare instead of write; exit 1 and print the API changes, the diff and
                      the files not generated any more when stale
  --spec FILE         the document (default: {SCHEMA_FILE}, with {CONFIG_FILE})
  --config FILE       the generator's configuration (JSON): crate_name, tag or path_prefix,
                      env_prefix, base_url, description, servers, credentials; without one
                      (and with --spec) everything comes from the document: the crate name
                      from info.title, the base URL from servers, credentials from
                      securitySchemes
  --out DIR           where to write the crate (default: generated/); a crate written
                      elsewhere is standalone (it carries its own [workspace])
  --tag TAG           keep the operations with this tag
  --path-prefix P     keep the operations whose path starts with P
  --all               keep every operation
                      (default: {})
  --crate-name NAME   package name of the generated crate (default: {})
  --report-md FILE    also write the API changes as Markdown to FILE (a CI job summary or a
                      pull-request comment), when the output changes
",
        describe(&defaults.selection),
        defaults.crate_name.as_deref().unwrap_or("from info.title")
    )
}

fn schema_usage() -> String {
    format!(
        "usage: {SCHEMA_LINE}

Keeps the operations of FILE (for example the running server's /openapi.json) with one tag
and the schemas they reach, and writes {SCHEMA_FILE}.
  --from FILE         the full document (plain or .gz)
  --tag TAG           the tag to keep (default: {})
",
        match project_options().unwrap_or_default().selection {
            Selection::Tag(tag) => tag,
            other => describe(&other),
        }
    )
}

/// A selection as the flag that asks for it.
fn describe(selection: &Selection) -> String {
    match selection {
        Selection::All => "--all".to_owned(),
        Selection::Tag(tag) => format!("--tag {tag}"),
        Selection::PathPrefix(prefix) => format!("--path-prefix {prefix}"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_command(&args[1..]),
        Some("schema") => schema_command(&args[1..]),
        Some("bench") => bench_command(&args[1..]),
        Some("directory") => directory::command(&args[1..]),
        Some("contract") => contract::command(&args[1..]),
        Some("directory-worker") => directory::worker(&args[1..]),
        Some("semver") => semver::command(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{}", usage())),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One command's flags, read in order; every error carries the command's usage.
struct Flags<'a> {
    args: std::slice::Iter<'a, String>,
    usage: String,
}

impl<'a> Flags<'a> {
    fn new(args: &'a [String], usage: String) -> Self {
        Flags {
            args: args.iter(),
            usage,
        }
    }

    fn next(&mut self) -> Option<&'a str> {
        self.args.next().map(String::as_str)
    }

    /// The value that follows `flag`.
    fn value(&mut self, flag: &str) -> Result<String, String> {
        self.args
            .next()
            .cloned()
            .ok_or_else(|| format!("`{flag}` needs a value\n\n{}", self.usage))
    }

    fn unknown(&self, flag: &str) -> String {
        format!("unknown flag `{flag}`\n\n{}", self.usage)
    }

    /// Sets the selection, refusing a second one.
    fn select(&self, current: &mut Option<Selection>, chosen: Selection) -> Result<(), String> {
        if current.is_some() {
            return Err(format!(
                "choose one of --tag, --path-prefix and --all\n\n{}",
                self.usage
            ));
        }
        *current = Some(chosen);
        Ok(())
    }
}

fn codegen_command(args: &[String]) -> Result<ExitCode, String> {
    let mut flags = Flags::new(args, codegen_usage());
    let (mut check, mut spec, mut out, mut selection, mut crate_name, mut config, mut markdown) =
        (false, None, None, None, None, None, None);
    while let Some(flag) = flags.next() {
        match flag {
            "--check" => check = true,
            "--spec" => spec = Some(PathBuf::from(flags.value(flag)?)),
            "--out" => out = Some(PathBuf::from(flags.value(flag)?)),
            "--config" => config = Some(PathBuf::from(flags.value(flag)?)),
            "--crate-name" => crate_name = Some(flags.value(flag)?),
            "--report-md" => markdown = Some(PathBuf::from(flags.value(flag)?)),
            "--tag" => {
                let tag = flags.value(flag)?;
                flags.select(&mut selection, Selection::Tag(tag))?;
            }
            "--path-prefix" => {
                let prefix = flags.value(flag)?;
                flags.select(&mut selection, Selection::PathPrefix(prefix))?;
            }
            "--all" => flags.select(&mut selection, Selection::All)?,
            "-h" | "--help" => {
                print!("{}", flags.usage);
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(flags.unknown(other)),
        }
    }
    let root = workspace_root();
    // The project's schema comes with its configuration; another document with its own, or
    // none: then everything comes from the document.
    let config = match (&config, &spec) {
        (Some(path), _) => Some(path.clone()),
        (None, None) => Some(root.join(CONFIG_FILE)),
        (None, Some(_)) => None,
    };
    let defaults = match &config {
        Some(path) => config_options(path)?,
        None => Options::default(),
    };
    let spec = spec.unwrap_or_else(|| root.join(SCHEMA_FILE));
    let default_out = root.join("generated");
    let out = out.unwrap_or_else(|| default_out.clone());
    let text = fsutil::read_spec(&spec)?;
    let label = match spec.strip_prefix(&root) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let options = Options {
        selection: selection.unwrap_or(defaults.selection.clone()),
        crate_name: crate_name.or(defaults.crate_name.clone()),
        source_label: label,
        standalone: fsutil::normalised(&out) != fsutil::normalised(&default_out),
        ..defaults
    };
    let (files, report) = generate_versioned(&text, options, &out, &spec)?;
    let diffs = fsutil::stale_files(&out, &files)?;
    let leftovers = fsutil::not_generated(&out, &files)?;
    if diffs.is_empty() && leftovers.is_empty() {
        println!("{} is up to date ({} files)", out.display(), files.len());
        return Ok(ExitCode::SUCCESS);
    }
    // What changed for users first; the diff, or the files written, after it.
    print!("{}", report.text());
    if let Some(path) = &markdown {
        std::fs::write(path, report.markdown())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if check {
        for diff in &diffs {
            println!("{diff}");
        }
        for path in &leftovers {
            println!("not generated any more: {}", path.display());
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
    for path in &leftovers {
        if fsutil::is_generated_source(&out, path) {
            std::fs::remove_file(path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            println!(
                "removed {}, which the generator no longer writes",
                path.display()
            );
        } else {
            println!(
                "not generated: {} (the output directory is the generator's: move it out)",
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn schema_command(args: &[String]) -> Result<ExitCode, String> {
    let mut flags = Flags::new(args, schema_usage());
    let (mut from, mut selection) = (None, None);
    while let Some(flag) = flags.next() {
        match flag {
            "--from" => from = Some(PathBuf::from(flags.value(flag)?)),
            "--tag" => {
                let tag = flags.value(flag)?;
                flags.select(&mut selection, Selection::Tag(tag))?;
            }
            "-h" | "--help" => {
                print!("{}", flags.usage);
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(flags.unknown(other)),
        }
    }
    let from = from.ok_or_else(|| format!("`schema` needs --from FILE\n\n{}", flags.usage))?;
    let selection = match selection {
        Some(selection) => selection,
        None => project_options()?.selection,
    };
    let text = fsutil::read_spec(&from)?;
    let mut subset =
        codegen::subset(&text, &selection).map_err(|e| format!("{}: {e}", from.display()))?;
    let out = workspace_root().join(SCHEMA_FILE);
    if let Some(current) = std::fs::read_to_string(&out)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
    {
        keep_access(&mut subset, &current);
    }
    let mut pretty = serde_json::to_string_pretty(&subset).map_err(|e| e.to_string())?;
    pretty.push('\n');
    let (Some(dir), Some(name)) = (out.parent(), out.file_name()) else {
        return Err(format!("{} is not a file path", out.display()));
    };
    fsutil::write_all(
        dir,
        &[codegen::File {
            path: name.to_string_lossy().into_owned(),
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

/// The published document's `servers`, `security` and `components.securitySchemes`, as
/// `schema/` holds them: a running server's `/openapi.json` lists its own development servers
/// and no security, so the blocks `schema/` took from the published document are kept.
fn keep_access(subset: &mut serde_json::Value, current: &serde_json::Value) {
    for key in ["servers", "security"] {
        if let (Some(kept), Some(root)) = (current.get(key), subset.as_object_mut()) {
            root.insert(key.to_owned(), kept.clone());
        }
    }
    if let (Some(kept), Some(components)) = (
        current.pointer("/components/securitySchemes"),
        subset
            .get_mut("components")
            .and_then(serde_json::Value::as_object_mut),
    ) {
        components.insert("securitySchemes".to_owned(), kept.clone());
    }
}

/// Builds the bench workspace and runs its runner, which reads (and checks) the flags. The
/// decode benchmark is built on its own first: built together with the runner, cargo would
/// unify the generator's `serde_json` features (`preserve_order`) into it, and users of the
/// generated crate do not have them.
fn bench_command(args: &[String]) -> Result<ExitCode, String> {
    let root = workspace_root();
    let manifest = root.join("xtask/bench/Cargo.toml");
    let target = root.join("xtask/bench/target");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_holds_the_workspace() {
        let root = workspace_root();
        assert!(
            root.join("codegen/Cargo.toml").is_file(),
            "{}",
            root.display()
        );
        assert!(root.join(SCHEMA_FILE).is_file());
        assert!(root.join("xtask/workspace/Cargo.toml").is_file());
    }
}
