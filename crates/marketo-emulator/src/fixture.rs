//! Fixtures: an instance that starts already holding the workspaces, roles, users and services a
//! module's tests expect (`marketo-emulator --fixture FILE`, or [`crate::Config::fixture`]).
//!
//! A fixture is a small JSON document, format version 1, described in the crate's README
//! ("Fixtures"). Entries refer to each other by name (a user's role and workspace, a service's
//! user), and may refer to what every instance is seeded with (the role "Standard User", the
//! workspace "Default", ...). It is read entry by entry (`format.rs`) and applied to a freshly
//! seeded state as a whole (`seed.rs`): the first fault is refused with an error naming the entry
//! and the field, and nothing of a refused fixture is applied.

mod error;
mod format;
mod seed;
#[cfg(test)]
mod tests;

use std::path::Path;

use chrono::{DateTime, Utc};

pub use error::FixtureError;
pub use format::FIXTURE_FORMAT_VERSION;

use crate::model::State;

/// A fixture whose entries are well-formed; whether they fit together (and with the instance's own
/// seed) is checked when it is applied, at start.
#[derive(Debug, Clone)]
pub struct Fixture {
    origin: String,
    data: format::FixtureData,
}

impl Fixture {
    /// Reads a fixture file.
    pub fn from_file(path: &Path) -> Result<Fixture, FixtureError> {
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Fixture::from_json(&path.display().to_string(), &text)
    }

    /// Reads a fixture from JSON text; `origin` names it in errors (a file name, say).
    pub fn from_json(origin: &str, text: &str) -> Result<Fixture, FixtureError> {
        Ok(Fixture {
            origin: origin.to_string(),
            data: format::parse(origin, text)?,
        })
    }

    /// What the fixture was read from, as errors name it.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Checks that the fixture applies to a new instance whose admin service has `client_id`
    /// (`--client-id`), without starting one.
    pub fn check(&self, client_id: &str) -> Result<(), FixtureError> {
        let base = State::seed(client_id, "-", marketo_date::now_utc());
        self.apply(&base, marketo_date::now_utc()).map(|_| ())
    }

    /// `base` with everything of the fixture added, or the first fault; `base` is left as it was.
    pub(crate) fn apply(&self, base: &State, now: DateTime<Utc>) -> Result<State, FixtureError> {
        seed::apply(&self.data, &self.origin, base, now)
    }
}
