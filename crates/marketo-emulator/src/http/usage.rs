//! Handlers of the Usage API (`/rest/v1/stats/...`): today's or the last seven days' calls per API
//! user, and error answers per code, in the REST envelope.

use axum::response::Response;

use super::app::App;
use crate::calendar;
use crate::reply;

/// `stats/usage.json` (`days` = 1) and `stats/usage/last7days.json` (`days` = 7).
pub(super) fn usage(app: &App, days: u64) -> Response {
    let today = calendar::today();
    reply::rest_ok(app.read(|s| s.usage.usage_days(today, days)))
}

/// `stats/errors.json` (`days` = 1) and `stats/errors/last7days.json` (`days` = 7).
pub(super) fn errors(app: &App, days: u64) -> Response {
    let today = calendar::today();
    reply::rest_ok(app.read(|s| s.usage.error_days(today, days)))
}
