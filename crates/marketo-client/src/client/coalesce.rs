//! Joining concurrent identical GETs: a caller waiting for a read of the same URL reuses an answer
//! whose request *started after* the caller asked, so it is never older than a read of its own
//! would have been. Terraform refreshes many resources at once and each role read lists the roles:
//! this turns N list calls into about one per burst, within Marketo's shared call budget. The
//! answers are kept in `reads.rs`.

use reqwest::Method;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::Client;
use super::call::Call;
use super::http::parse;
use super::reads::ReadCoalescer;
use super::retry::Mode;
use crate::error::Error;

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
