//! File work for the xtask: read a spec (plain or gzip), compare a tree with what it should
//! hold, and write a tree so that it is either all old or all new.

use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use codegen::File;

/// Reads a document (JSON or YAML), gunzipping it when it starts with the gzip magic bytes.
pub fn read_spec(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot gunzip {}: {e}", path.display()))?;
        out
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| format!("{} is not UTF-8: {e}", path.display()))
}

/// `path` without `.` and `..` parts, for comparing output directories.
pub fn normalised(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Unified diffs of every file whose committed text differs from `files`.
pub fn stale_files(out: &Path, files: &[File]) -> Result<Vec<String>, String> {
    let mut diffs = Vec::new();
    for file in files {
        let path = out.join(&file.path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != file.contents {
            let diff = similar::TextDiff::from_lines(&current, &file.contents);
            let label = path.display().to_string();
            diffs.push(
                diff.unified_diff()
                    .context_radius(3)
                    .header(&label, &format!("{label} (regenerated)"))
                    .to_string(),
            );
        }
    }
    Ok(diffs)
}

/// Files in `out` that `files` does not hold: left from an earlier generator, or put there by
/// hand. Build output (`target/`, `Cargo.lock`) and hidden entries are not the generator's.
pub fn not_generated(out: &Path, files: &[File]) -> Result<Vec<PathBuf>, String> {
    let written: std::collections::BTreeSet<PathBuf> =
        files.iter().map(|f| out.join(&f.path)).collect();
    let mut found = Vec::new();
    let mut todo = vec![out.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let at_top = dir == out;
            if name.starts_with('.') || (at_top && (name == "target" || name == "Cargo.lock")) {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else if !written.contains(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A Rust source under `src/`: the generator's own, so one it no longer writes can go.
pub fn is_generated_source(out: &Path, path: &Path) -> bool {
    path.starts_with(out.join("src")) && path.extension().is_some_and(|e| e == "rs")
}

/// Writes `files` into the directory `out` and returns how many changed; files of `out` that
/// are not among them stay as they are.
///
/// Either every file is written or none: the new tree is built beside `out` (the old one's
/// files hard-linked into it, the changed ones written anew), then the two directories swap by
/// two renames. A failure before the swap removes the new tree; a failed second rename puts
/// the old tree back. Only a crash between the two renames leaves the old tree under its
/// temporary name (`.NAME.old-PID`) beside `out`.
pub fn write_all(out: &Path, files: &[File]) -> Result<usize, String> {
    write_tree(out, files, &mut |_| Ok(()))
}

/// [`write_all`], calling `before` ahead of every change to the file system (a test fails
/// one of them to show what a failure leaves).
fn write_tree(
    out: &Path,
    files: &[File],
    before: &mut dyn FnMut(&Path) -> io::Result<()>,
) -> Result<usize, String> {
    let changed: Vec<&File> = files
        .iter()
        .filter(|f| std::fs::read(out.join(&f.path)).ok().as_deref() != Some(f.contents.as_bytes()))
        .collect();
    if changed.is_empty() {
        return Ok(0);
    }
    for file in &changed {
        if !Path::new(&file.path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(format!("`{}` is not a path inside the crate", file.path));
        }
    }
    // Through a symbolic link, the directory it names is the one to replace.
    let out = match std::fs::symlink_metadata(out) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(out)
            .map_err(|e| format!("cannot follow {}: {e}", out.display()))?,
        _ => out.to_path_buf(),
    };
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return Err(format!("{} cannot be replaced", out.display()));
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = name.to_string_lossy();
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    for leftover in [&staging, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover)
                .map_err(|e| format!("cannot remove {}: {e}", leftover.display()))?;
        }
    }
    let exists = out.is_dir();
    let staged = stage(&out, exists, &staging, &changed, before);
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if exists {
        let moved_aside = before(&out).and_then(|()| std::fs::rename(&out, &old));
        if let Err(e) = moved_aside {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(format!("cannot move {} aside: {e}", out.display()));
        }
    }
    if let Err(e) = before(&staging).and_then(|()| std::fs::rename(&staging, &out)) {
        let restored = !exists || std::fs::rename(&old, &out).is_ok();
        let _ = std::fs::remove_dir_all(&staging);
        return Err(if restored {
            format!("cannot move the new {} into place: {e}", out.display())
        } else {
            format!(
                "cannot move the new {} into place ({e}), nor the old one back: it is at {}",
                out.display(),
                old.display()
            )
        });
    }
    if exists {
        let removed = std::fs::remove_dir_all(&old);
        if let Err(e) = removed {
            eprintln!(
                "warning: the previous {} is left at {}: {e}",
                out.display(),
                old.display()
            );
        }
    }
    Ok(changed.len())
}

/// Builds the new tree in `staging`: the old tree's entries, then the changed files.
fn stage(
    out: &Path,
    exists: bool,
    staging: &Path,
    changed: &[&File],
    before: &mut dyn FnMut(&Path) -> io::Result<()>,
) -> Result<(), String> {
    let failed = |path: &Path, e: io::Error| format!("cannot write {}: {e}", path.display());
    if exists {
        link_tree(out, staging, before)?;
    } else {
        before(staging)
            .and_then(|()| std::fs::create_dir(staging))
            .map_err(|e| failed(staging, e))?;
    }
    for file in changed {
        let path = staging.join(&file.path);
        if let Some(dir) = path.parent() {
            before(dir)
                .and_then(|()| std::fs::create_dir_all(dir))
                .map_err(|e| failed(dir, e))?;
        }
        // The staged entry may be a hard link to the old file: it is replaced, not written
        // through.
        if std::fs::symlink_metadata(&path).is_ok() {
            before(&path)
                .and_then(|()| std::fs::remove_file(&path))
                .map_err(|e| failed(&path, e))?;
        }
        before(&path)
            .and_then(|()| std::fs::write(&path, &file.contents))
            .map_err(|e| failed(&path, e))?;
    }
    Ok(())
}

/// Recreates the directory `from` at `to`: subdirectories made anew, every other entry
/// hard-linked (so even a large `target/` costs no copying), copied where links fail.
fn link_tree(
    from: &Path,
    to: &Path,
    before: &mut dyn FnMut(&Path) -> io::Result<()>,
) -> Result<(), String> {
    let failed = |path: &Path, e: io::Error| format!("cannot stage {}: {e}", path.display());
    before(to)
        .and_then(|()| std::fs::create_dir(to))
        .map_err(|e| failed(to, e))?;
    if let Ok(meta) = std::fs::metadata(from) {
        let _ = std::fs::set_permissions(to, meta.permissions());
    }
    let entries = std::fs::read_dir(from).map_err(|e| failed(from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| failed(from, e))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(|e| failed(&source, e))?;
        if kind.is_dir() {
            link_tree(&source, &target, before)?;
        } else {
            before(&target)
                .and_then(|()| {
                    std::fs::hard_link(&source, &target)
                        .or_else(|_| std::fs::copy(&source, &target).map(|_| ()))
                })
                .map_err(|e| failed(&target, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> File {
        File {
            path: path.to_owned(),
            contents: contents.to_owned(),
        }
    }

    /// A scratch directory of its own under the system's temporary directory.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-fsutil-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch");
        dir
    }

    /// Every entry under `dir`, with the contents of files, sorted.
    fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
        let mut entries = Vec::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for entry in std::fs::read_dir(&d).expect("readable").flatten() {
                let path = entry.path();
                let relative = path.strip_prefix(dir).expect("inside").to_path_buf();
                if path.is_dir() {
                    todo.push(path);
                    entries.push((relative, None));
                } else {
                    entries.push((relative, Some(std::fs::read(&path).expect("readable"))));
                }
            }
        }
        entries.sort();
        entries
    }

    #[test]
    fn a_write_failing_at_any_step_leaves_the_old_tree() {
        let root = scratch("halfway");
        let out = root.join("crate");
        let old = [
            file("Cargo.toml", "old manifest"),
            file("src/lib.rs", "old lib"),
            file("src/models.rs", "old models"),
        ];
        assert_eq!(write_all(&out, &old), Ok(3));
        std::fs::write(out.join("README.md"), "kept by hand").expect("write");
        let before = snapshot(&root);

        let new = [
            file("Cargo.toml", "new manifest"),
            file("src/lib.rs", "old lib"),
            file("src/models.rs", "new models"),
            file("src/client.rs", "new client"),
        ];
        // Fail the first step, then the second, and so on: each failure leaves the old tree,
        // until the write has fewer steps than the one failed and goes through.
        let mut steps = 0;
        loop {
            let mut step = 0;
            let result = write_tree(&out, &new, &mut |path| {
                step += 1;
                if step == steps + 1 {
                    Err(io::Error::other(format!(
                        "failed on purpose at {}",
                        path.display()
                    )))
                } else {
                    Ok(())
                }
            });
            if result.is_ok() {
                assert_eq!(result, Ok(3));
                break;
            }
            assert_eq!(snapshot(&root), before, "after failing step {steps}");
            steps += 1;
        }
        assert!(steps > 5, "a write takes several steps ({steps})");

        assert_eq!(
            std::fs::read_to_string(out.join("src/models.rs"))
                .ok()
                .as_deref(),
            Some("new models")
        );
        assert_eq!(
            std::fs::read_to_string(out.join("src/client.rs"))
                .ok()
                .as_deref(),
            Some("new client")
        );
        assert_eq!(
            std::fs::read_to_string(out.join("README.md"))
                .ok()
                .as_deref(),
            Some("kept by hand")
        );
        // Nothing is left beside the tree.
        let beside: Vec<_> = std::fs::read_dir(&root)
            .expect("readable")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(beside, ["crate"]);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_unchanged_tree_is_not_touched() {
        let root = scratch("unchanged");
        let out = root.join("crate");
        let files = [file("src/lib.rs", "lib")];
        assert_eq!(write_all(&out, &files), Ok(1));
        let mut touched = false;
        assert_eq!(
            write_tree(&out, &files, &mut |_| {
                touched = true;
                Ok(())
            }),
            Ok(0)
        );
        assert!(!touched);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_path_outside_the_crate_is_refused() {
        let root = scratch("outside");
        let result = write_all(&root.join("crate"), &[file("../escape.rs", "x")]);
        assert!(result.is_err_and(|e| e.contains("not a path inside")));
        assert!(!root.join("escape.rs").exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn staged_files_do_not_write_through_to_the_old_tree() {
        let root = scratch("links");
        let out = root.join("crate");
        assert_eq!(write_all(&out, &[file("a.rs", "one")]), Ok(1));
        // Kept open by another name, as a hard link would share it.
        let other = root.join("a-elsewhere.rs");
        std::fs::hard_link(out.join("a.rs"), &other).expect("link");
        assert_eq!(write_all(&out, &[file("a.rs", "two")]), Ok(1));
        assert_eq!(std::fs::read_to_string(&other).ok().as_deref(), Some("one"));
        assert_eq!(
            std::fs::read_to_string(out.join("a.rs")).ok().as_deref(),
            Some("two")
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
