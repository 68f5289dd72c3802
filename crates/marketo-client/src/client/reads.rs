//! What joined reads remember ([`ReadCoalescer`]): the last answer to each GET, by lane, path and
//! query, with when its request started. Whether a caller may reuse it is `coalesce.rs`'s rule.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::call::Call;
use crate::limiter::Lane;

/// The answers of joined reads, one slot per GET (`coalesce.rs` says when a caller may reuse one).
#[derive(Default)]
pub(super) struct ReadCoalescer {
    slots: std::sync::Mutex<HashMap<String, Arc<ReadSlot>>>,
}

/// The last answer to one URL and when its request started.
type ReadSlot = Mutex<Option<(Instant, Value)>>;

impl ReadCoalescer {
    /// Entries kept before the map is cleared (it is only an optimisation).
    const MAX_SLOTS: usize = 1024;

    /// The slot key of a GET: its lane, path and query. A read-back does not join a read queued
    /// in the normal lane (it would lose its place ahead of the queue).
    pub(super) fn key(call: &Call, lane: Lane) -> String {
        format!("{lane:?}{:?}{:?}", call.segments, call.query)
    }

    pub(super) fn slot(&self, key: &str) -> Arc<ReadSlot> {
        let mut slots = match self.slots.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if slots.len() >= Self::MAX_SLOTS && !slots.contains_key(key) {
            slots.clear();
        }
        slots.entry(key.to_owned()).or_default().clone()
    }
}
