//! The change report of `cargo xtask codegen`: the API committed in the output directory
//! (its `API.json` listing) against the one generated, and the version that follows from it.

use std::path::Path;

use codegen::changes::{self, Change, Impact, Surface};
use codegen::{File, Options};

use crate::fsutil;

/// The generated API's listing the change report compares against.
pub const LISTING: &str = "API.json";

/// What changed for users, and the version the crate gets for it.
pub struct Report {
    outcome: Outcome,
    crate_name: String,
    old_version: Option<String>,
    version: String,
}

enum Outcome {
    /// The output directory has no listing yet.
    NoListing(String),
    /// The listing is there but does not read.
    Unreadable(String),
    Changes(Vec<Change>),
}

/// Generates the crate with the committed version, and when the output differs from what is
/// committed, again with the version the change report asks for (breaking, additive or
/// compatible, by cargo's rules). Running it again on its own output changes nothing.
pub fn generate_versioned(
    text: &str,
    mut options: Options,
    out: &Path,
    spec: &Path,
) -> Result<(Vec<File>, Report), String> {
    let listing = out.join(LISTING);
    let committed = std::fs::read_to_string(&listing)
        .ok()
        .map(|text| Surface::from_listing(&text));
    let old_version = match &committed {
        Some(Ok(surface)) => surface.version().map(str::to_owned),
        _ => None,
    }
    .or_else(|| cargo_toml_version(out));
    if let Some(version) = &old_version {
        options.version = version.clone();
    }
    let generated = codegen::generate_with_warnings(text, &options)
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    for warning in &generated.warnings {
        eprintln!("warning: {}: {warning}", spec.display());
    }
    let mut files = generated.files;
    let listed = files
        .iter()
        .find(|f| f.path == LISTING)
        .map_or(Ok(Surface::default()), |f| {
            Surface::from_listing(&f.contents)
        })?;
    let crate_name = listed.crate_name().unwrap_or_default().to_owned();
    let outcome = match committed {
        None => Outcome::NoListing(format!(
            "no {} yet: the API change report starts with the next change",
            listing.display()
        )),
        Some(Err(e)) => Outcome::Unreadable(format!(
            "cannot read {} ({e}): no API change report",
            listing.display()
        )),
        Some(Ok(old)) => Outcome::Changes(changes::compare(&old, &listed)),
    };
    let unchanged = fsutil::stale_files(out, &files)?.is_empty()
        && fsutil::not_generated(out, &files)?.is_empty();
    if let (Outcome::Changes(found), Some(version), false) = (&outcome, &old_version, unchanged) {
        let next = changes::next_version(version, found)?;
        options.version = next;
        files =
            codegen::generate(text, &options).map_err(|e| format!("{}: {e}", spec.display()))?;
    }
    let report = Report {
        outcome,
        crate_name,
        old_version,
        version: options.version,
    };
    Ok((files, report))
}

/// The `version` of the `[package]` a crate generated before the listing recorded it has.
fn cargo_toml_version(out: &Path) -> Option<String> {
    let text = std::fs::read_to_string(out.join("Cargo.toml")).ok()?;
    text.lines()
        .skip_while(|line| line.trim() != "[package]")
        .take_while(|line| !line.starts_with('[') || line.trim() == "[package]")
        .find_map(|line| {
            let value = line
                .strip_prefix("version")?
                .trim_start()
                .strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
}

impl Report {
    fn changes(&self) -> &[Change] {
        match &self.outcome {
            Outcome::Changes(changes) => changes,
            _ => &[],
        }
    }

    fn version_line(&self) -> String {
        match &self.old_version {
            Some(old) if *old != self.version => {
                format!("version {old} → {}", self.version)
            }
            _ => format!("version {}", self.version),
        }
    }

    /// The report as the terminal shows it.
    pub fn text(&self) -> String {
        let body = match &self.outcome {
            Outcome::NoListing(why) | Outcome::Unreadable(why) => format!("{why}\n"),
            Outcome::Changes(changes) => match changes::report(changes) {
                report if report.is_empty() => "API changes: none\n".to_owned(),
                report => report,
            },
        };
        format!("{body}{}\n", self.version_line())
    }

    /// The report as Markdown, for a CI job summary or a pull-request comment.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "## API changes of `{}`: {}\n\n",
            self.crate_name,
            self.version_line()
        );
        let changes = self.changes();
        match &self.outcome {
            Outcome::NoListing(why) | Outcome::Unreadable(why) => {
                out.push_str(why);
                out.push('\n');
                return out;
            }
            Outcome::Changes(_) if changes.is_empty() => {
                out.push_str("No change to the API; the generated code changed.\n");
                return out;
            }
            Outcome::Changes(_) => {}
        }
        let count = |impact| changes.iter().filter(|c| c.impact == impact).count();
        out.push_str(&format!(
            "**{} breaking**, {} additive, {} compatible.\n\n| impact | item | change |\n|---|---|---|\n",
            count(Impact::Breaking),
            count(Impact::Additive),
            count(Impact::Compatible)
        ));
        for change in changes {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                change.impact,
                cell(&change.subject),
                cell(&change.what)
            ));
        }
        out
    }
}

/// Text that stays inside one Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_generated_before_the_listing_recorded_its_version_gives_it_from_cargo_toml() {
        let dir = std::env::temp_dir().join(format!("xtask-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creates");
        std::fs::write(
            dir.join("Cargo.toml"),
            "# header\n[package]\nname = \"a\"\nversion = \"0.3.1\"\n\n[dependencies]\nversion = \"9\"\n",
        )
        .expect("writes");
        assert_eq!(cargo_toml_version(&dir).as_deref(), Some("0.3.1"));
        std::fs::remove_dir_all(&dir).expect("removes");
    }

    #[test]
    fn markdown_keeps_each_change_in_its_cell() {
        let report = Report {
            outcome: Outcome::Changes(vec![Change {
                impact: Impact::Breaking,
                subject: "field `A.b`".into(),
                what: "type Option<A|B> → String".into(),
                item: "field A.b".into(),
            }]),
            crate_name: "api".into(),
            old_version: Some("0.1.0".into()),
            version: "0.2.0".into(),
        };
        let page = report.markdown();
        assert!(page.starts_with("## API changes of `api`: version 0.1.0 → 0.2.0\n"));
        assert!(page.contains("| breaking | field `A.b` | type Option<A\\|B> → String |\n"));
        assert!(report.text().ends_with("version 0.1.0 → 0.2.0\n"));
    }
}
