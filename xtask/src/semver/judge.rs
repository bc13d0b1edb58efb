//! The outside judge: `cargo-semver-checks`, installed by `xtask/tools/semver-checks.sh` into a
//! cache, run on two rustdoc JSON files, and its findings read from what it prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::workspace_root;

/// One place a lint failed, as the judge prints it under "Failed in:".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub lint: String,
    pub place: String,
}

/// The judge's binary, installed on first use.
pub fn install() -> Result<PathBuf, String> {
    let script = workspace_root().join("xtask/tools/semver-checks.sh");
    let output = Command::new("bash")
        .arg(&script)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed:\n{}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let path = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Ok(PathBuf::from(path))
}

/// Every lint the judge has, and whether it asks for a new major version.
pub fn lints(tool: &Path) -> Result<BTreeMap<String, bool>, String> {
    let output = Command::new(tool)
        .args(["semver-checks", "--list"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let lints: BTreeMap<String, bool> = text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let (id, kind) = (words.next()?, words.next()?);
            matches!(kind, "major" | "minor").then(|| (id.to_owned(), kind == "major"))
        })
        .collect();
    if lints.is_empty() {
        return Err(format!(
            "`{} semver-checks --list` listed no lints:\n{text}",
            tool.display()
        ));
    }
    Ok(lints)
}

/// What the judge finds from `baseline` to `current` (rustdoc JSON files), every lint that
/// failed or warned, whatever version it asks for.
pub fn run(tool: &Path, baseline: &Path, current: &Path) -> Result<Vec<Finding>, String> {
    let output = Command::new(tool)
        .args([
            "semver-checks",
            "--color",
            "never",
            "--release-type",
            "minor",
        ])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Exit 0 and 1 mean it judged; anything else (or no summary) means it could not.
    if !text.contains("Summary") {
        return Err(format!(
            "cargo-semver-checks did not judge {} against {}:\n{text}",
            current.display(),
            baseline.display()
        ));
    }
    Ok(findings(&text))
}

/// Reads the blocks `--- failure LINT: … ---` (or `warning`) and the places each lists under
/// "Failed in:", one line indented by two spaces each, up to the next other line.
fn findings(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut lint: Option<String> = None;
    let mut listing = false;
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("--- failure ")
            .or_else(|| line.strip_prefix("--- warning "))
        {
            lint = rest.split(':').next().map(str::to_owned);
            listing = false;
        } else if line.trim() == "Failed in:" {
            listing = lint.is_some();
        } else if listing && line.starts_with("  ") && !line.starts_with("   ") {
            // Places are indented by two; the progress lines on stderr by more.
            if let Some(lint) = &lint {
                out.push(Finding {
                    lint: lint.clone(),
                    place: line.trim().to_owned(),
                });
            }
        } else {
            listing = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_read_from_each_block() {
        let text = "
--- failure enum_missing: pub enum removed or renamed ---

Description:
A publicly-visible enum cannot be imported by its prior path.
        ref: https://example.invalid

Failed in:
  enum api::models::A, previously in file src/models.rs:10
  enum api::models::B, previously in file src/models.rs:20

--- warning partial_ord_enum_variants_reordered: enum variants reordered ---

Failed in:
  C::D moved from position 1 to 2, in src/models.rs:30
     Summary semver requires new major version
";
        let found = findings(text);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].lint, "enum_missing");
        assert_eq!(
            found[1].place,
            "enum api::models::B, previously in file src/models.rs:20"
        );
        assert_eq!(found[2].lint, "partial_ord_enum_variants_reordered");
    }
}
