//! Joining concurrent identical GETs.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::http::parse;
use super::retry::Mode;
use super::{Call, Client};
use crate::error::Error;
use crate::limiter::Lane;

/// Joins concurrent identical GETs: a caller waiting for a read of the same URL reuses an answer
/// whose request *started after* the caller asked, so it is never older than a read of its own
/// would have been. Terraform refreshes many resources at once and each role read lists the roles:
/// this turns N list calls into about one per burst, within Marketo's shared call budget.
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

impl Client {
    /// GET (idempotent) and parse.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        call: Call,
        what: &str,
    ) -> Result<T, Error> {
        let value = if call.method == Method::GET && call.body.is_none() {
            let asked = Instant::now();
            let slot = self.inner.reads.slot(&ReadCoalescer::key(&call, self.lane));
            // Waiting behind another caller's read (which may be retrying for minutes under its
            // own cancellation token) must end when this caller is cancelled.
            let mut last = self.cancellable(async { Ok(slot.lock().await) }).await?;
            match &*last {
                Some((started, value)) if *started >= asked => value.clone(),
                _ => {
                    let started = Instant::now();
                    let value = self.execute(&call, Mode::Idempotent).await?;
                    *last = Some((started, value.clone()));
                    value
                }
            }
        } else {
            self.execute(&call, Mode::Idempotent).await?
        };
        parse(value, what)
    }
}
