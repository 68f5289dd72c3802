//! [`CodecError`]: why a value could not be decoded or encoded, and where in it. Its own module so
//! that the codecs and [`crate::value`] (whose type parser reports it too) share it without
//! importing each other.

use std::fmt;

/// A value could not be decoded or encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", if path.is_empty() { String::new() } else { format!(" (at {path})") })]
pub struct CodecError {
    message: String,
    path: String,
}

impl CodecError {
    pub(crate) fn new(message: impl Into<String>) -> CodecError {
        CodecError {
            message: message.into(),
            path: String::new(),
        }
    }

    pub(crate) fn at(mut self, step: &PathStep<'_>) -> CodecError {
        self.path = format!("{step}{}", self.path);
        self
    }

    /// Where in the value the problem is, like `.role_assignment[0].role_id`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// One step of the path an error names.
pub(crate) enum PathStep<'a> {
    Attr(&'a str),
    Key(&'a str),
    Index(usize),
}

impl fmt::Display for PathStep<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathStep::Attr(a) => write!(f, ".{a}"),
            PathStep::Key(k) => write!(f, "[{k:?}]"),
            PathStep::Index(i) => write!(f, "[{i}]"),
        }
    }
}
