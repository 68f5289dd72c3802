//! [`ModelError`]: a model that does not fit a value, with the path to where; what the
//! serializer and deserializer report. It knows neither of them.

use std::fmt;

use serde::{de, ser};

/// A model that does not fit a value (or the other way round), with the path to where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    path: Vec<String>,
    message: String,
}

impl ModelError {
    pub(super) fn new(message: impl Into<String>) -> ModelError {
        ModelError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// The same error, one step further from the root: an attribute name or `[index]`.
    pub(super) fn within(mut self, step: String) -> ModelError {
        self.path.insert(0, step);
        self
    }

    /// Where, e.g. `role_assignment[0].role_id`; empty at the root.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            if !step.starts_with('[') && !out.is_empty() {
                out.push('.');
            }
            out.push_str(step);
        }
        out
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for ModelError {}

impl ser::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> ModelError {
        ModelError::new(msg.to_string())
    }
}

impl de::Error for ModelError {
    fn custom<T: fmt::Display>(msg: T) -> ModelError {
        ModelError::new(msg.to_string())
    }

    fn missing_field(field: &'static str) -> ModelError {
        ModelError::new(format!(
            "the model's field `{field}` is not an attribute of the value"
        ))
    }
}
