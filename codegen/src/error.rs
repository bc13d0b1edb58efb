//! Errors as values that say where in the document the problem is: a typed place (the JSON
//! pointer, and the line and column once known) and a kind.

use std::fmt;

/// A generation failure, located by a JSON pointer into the input document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where the problem is (`#/components/schemas/Foo`).
    pub pointer: Pointer,
    /// Where that place starts in the text, once known (syntax errors know it when they are
    /// found; every other error gets it on the way out of the library).
    pub location: Option<Location>,
    /// Whose fault it is.
    pub kind: ErrorKind,
    /// What is wrong.
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
}

/// A line and column in the document's text, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not JSON or YAML.
    Syntax,
    /// The document reads but cannot be generated (invalid, or beyond what is supported).
    Document,
    /// The generator failed on its own work: a bug to report, whatever the document.
    Internal,
}

impl Error {
    /// A [`ErrorKind::Document`] error at `pointer`.
    pub fn at(pointer: impl Into<Pointer>, message: impl Into<String>) -> Self {
        Error {
            pointer: pointer.into(),
            location: None,
            kind: ErrorKind::Document,
            message: message.into(),
            hint: None,
        }
    }

    /// A failure of the generator itself, not of the document.
    pub fn internal(pointer: impl Into<Pointer>, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Internal,
            ..Error::at(pointer, message)
        }
    }

    /// A syntax error, with the line and column the reader stopped at.
    pub fn syntax(pointer: impl Into<Pointer>, message: impl Into<String>, at: Location) -> Self {
        Error {
            kind: ErrorKind::Syntax,
            location: Some(at),
            ..Error::at(pointer, message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.pointer)?;
        if self.kind == ErrorKind::Internal {
            f.write_str("internal: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(Location { line, column }) = self.location {
            write!(f, " at line {line} column {column}")?;
        }
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
    /// Where the flaw is.
    pub pointer: Pointer,
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

/// A pointer written as text (`#/components/schemas/A`), taken as it is.
impl From<String> for Pointer {
    fn from(fragment: String) -> Pointer {
        Pointer(fragment)
    }
}

impl From<&str> for Pointer {
    fn from(fragment: &str) -> Pointer {
        Pointer(fragment.to_owned())
    }
}

impl std::ops::Deref for Pointer {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Pointer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for Pointer {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

impl PartialEq<&str> for Pointer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
