//! File work for the xtask: read a spec (plain or gzip), compare, and write all files or none.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use codegen::File;

/// Reads a JSON document, gunzipping it when it starts with the gzip magic bytes.
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

/// Writes every file through a temporary sibling and a rename; returns how many changed.
/// Nothing is renamed until every temporary file is written, so a failure leaves the old tree.
pub fn write_all(out: &Path, files: &[File]) -> Result<usize, String> {
    let mut pending = Vec::new();
    let result = (|| {
        for file in files {
            let path = out.join(&file.path);
            if std::fs::read_to_string(&path).is_ok_and(|current| current == file.contents) {
                continue;
            }
            let dir = path.parent().unwrap_or(out);
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            std::fs::write(&temp, &file.contents)
                .map_err(|e| format!("cannot write {}: {e}", temp.display()))?;
            pending.push((temp, path));
        }
        Ok::<(), String>(())
    })();
    if let Err(e) = result {
        for (temp, _) in &pending {
            let _ = std::fs::remove_file(temp);
        }
        return Err(e);
    }
    for (temp, path) in &pending {
        std::fs::rename(temp, path)
            .map_err(|e| format!("cannot move {} into place: {e}", path.display()))?;
    }
    Ok(pending.len())
}
