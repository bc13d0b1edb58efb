//! Errors as values that say where in the document the problem is.

use std::fmt;

/// A generation failure, located by a JSON pointer into the input document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where the problem is, as a JSON pointer fragment (`#/components/schemas/Foo`).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
}

impl Error {
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            pointer: pointer.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Something the generator did about a flaw it could work around, located like an [`Error`]:
/// the output is complete, and the caller decides whether and how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where the flaw is, as a JSON pointer fragment.
    pub pointer: String,
    /// What was found and what the generator did about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Builds JSON pointers, escaping `~` and `/` in segments as RFC 6901 says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    pub fn join(&self, segment: impl fmt::Display) -> Self {
        let segment = segment.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, segment))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A pointer this crate wrote before (`Error::pointer`), read back.
    pub(crate) fn from_fragment(fragment: &str) -> Self {
        Pointer(fragment.to_owned())
    }

    /// The pointer of a place `serde_path_to_error` tracked.
    pub(crate) fn of_serde_path(path: &serde_path_to_error::Path) -> Self {
        let mut pointer = Pointer::root();
        for segment in path.iter() {
            pointer = match segment {
                serde_path_to_error::Segment::Seq { index } => pointer.join(index),
                serde_path_to_error::Segment::Map { key } => pointer.join(key),
                serde_path_to_error::Segment::Enum { variant } => pointer.join(variant),
                serde_path_to_error::Segment::Unknown => pointer,
            };
        }
        pointer
    }

    /// Parses a local `$ref` (`#/a/b`) into its unescaped segments.
    pub(crate) fn segments_of_ref(reference: &str) -> Option<Vec<String>> {
        let rest = reference.strip_prefix('#')?;
        if rest.is_empty() {
            return Some(Vec::new());
        }
        let rest = rest.strip_prefix('/')?;
        Some(
            rest.split('/')
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect(),
        )
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Pointer> for String {
    fn from(p: Pointer) -> String {
        p.0
    }
}
