//! One running instance's shared data ([`App`]): the state (saved before it changes when there is a
//! state file), tokens, limiter, faults and request log, and the Usage API's counts made as calls
//! are answered.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::calendar;
use crate::faults::FaultState;
use crate::limits::Limiter;
use crate::log::RequestLog;
use crate::model::State;
use crate::persist;
use crate::reply::ApiError;
use crate::tokens::Tokens;
use crate::util::lock;

/// One running instance's shared data.
pub(crate) struct App {
    pub state: Mutex<State>,
    pub state_file: Option<PathBuf>,
    pub tokens: Mutex<Tokens>,
    pub limiter: Arc<Limiter>,
    pub faults: Mutex<FaultState>,
    pub ims: bool,
    pub token_ttl: Duration,
    pub log: Option<RequestLog>,
    /// Whether the Usage API's counts changed since the state file was last written.
    pub usage_unsaved: AtomicBool,
}

impl App {
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&lock(&self.state))
    }

    /// Applies a change to a copy of the state, saves the copy, and only then makes it current, so a
    /// failed operation or a failed save changes nothing.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut current = lock(&self.state);
        let mut next = current.clone();
        let out = f(&mut next)?;
        if let Some(path) = &self.state_file {
            persist::save(path, &next).map_err(|e| {
                ApiError::system(format!("The emulator could not save its state: {e}"))
            })?;
            // The file now holds every count made so far (they are made under the same lock).
            self.usage_unsaved.store(false, Ordering::SeqCst);
        }
        *current = next;
        Ok(out)
    }

    /// Counts one API call of the API-only user `userid` today. Counts are kept in memory and reach
    /// the state file with the next write, or at a clean stop ([`App::save_usage`]).
    pub fn count_call(&self, userid: &str) {
        let today = calendar::today();
        lock(&self.state).usage.count_call(today, userid);
        self.usage_unsaved.store(true, Ordering::SeqCst);
    }

    /// Counts one error answer with Marketo error `code` today.
    pub fn count_error(&self, code: i32) {
        let today = calendar::today();
        lock(&self.state).usage.count_error(today, code);
        self.usage_unsaved.store(true, Ordering::SeqCst);
    }

    /// Writes the state file if counts were made since it was last written (at a clean stop).
    pub fn save_usage(&self) -> std::io::Result<()> {
        let Some(path) = &self.state_file else {
            return Ok(());
        };
        let current = lock(&self.state);
        if self.usage_unsaved.swap(false, Ordering::SeqCst) {
            persist::save(path, &current).inspect_err(|_| {
                self.usage_unsaved.store(true, Ordering::SeqCst);
            })?;
        }
        Ok(())
    }
}
