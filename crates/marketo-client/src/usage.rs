//! The published Usage API (`/rest/v1/stats/...`): the instance's API calls per day and API-only
//! user, and its error answers per day and code, today or over the last seven days. Read-only GETs
//! that need no permission, made like every other read (limiter, shared budget, retries); they
//! count against the rate limit and the daily quota like any call, and Marketo counts them as
//! usage too. Days are Marketo's: midnight to midnight US Central time, the calendar of the daily
//! quota. Unlike User Management, the REST APIs answer failures with HTTP 200 and
//! `success: false`; the client reads both alike.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::client::{Call, Client};
use super::error::{Error, ErrorKind, Missing};
use super::types::{ErrorDay, UsageDay};

/// The REST envelope's `result` (its `errors` and `success` are read before, by the client core).
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Envelope<T> {
    #[serde(default = "Vec::new")]
    result: Vec<T>,
}

impl Client {
    async fn stats<T: DeserializeOwned>(&self, tail: &[&str], what: &str) -> Result<Vec<T>, Error> {
        let answer: Envelope<T> = self
            .get_json(Call::rest_get(tail, Missing::Endpoint), what)
            .await?;
        Ok(answer.result)
    }

    /// Today's API calls, in total and per API-only user (`stats/usage.json`); the answer counts
    /// this call too.
    pub async fn usage_today(&self) -> Result<UsageDay, Error> {
        let days = self.stats(&["stats", "usage.json"], "usage").await?;
        one_day(days, "usage", "GET /rest/v1/stats/usage.json")
    }

    /// The API calls of the last seven days, one element a day as Marketo sends them
    /// (`stats/usage/last7days.json`).
    pub async fn usage_last_7_days(&self) -> Result<Vec<UsageDay>, Error> {
        self.stats(&["stats", "usage", "last7days.json"], "weekly usage")
            .await
    }

    /// Today's error answers, in total and per error code (`stats/errors.json`).
    pub async fn errors_today(&self) -> Result<ErrorDay, Error> {
        let days = self
            .stats(&["stats", "errors.json"], "error counts")
            .await?;
        one_day(days, "error counts", "GET /rest/v1/stats/errors.json")
    }

    /// The error answers of the last seven days, one element a day as Marketo sends them
    /// (`stats/errors/last7days.json`).
    pub async fn errors_last_7_days(&self) -> Result<Vec<ErrorDay>, Error> {
        self.stats(
            &["stats", "errors", "last7days.json"],
            "weekly error counts",
        )
        .await
    }
}

/// The one day of a daily answer: the last element if Marketo sent several, an error if none.
fn one_day<T>(mut days: Vec<T>, what: &str, op: &str) -> Result<T, Error> {
    days.pop().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("the {what} answer held no day"),
        )
        .with_operation(op)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelopes_are_read_leniently() {
        let usage: Envelope<UsageDay> = serde_json::from_value(json!({
            "requestId": "a#b", "success": true,
            "result": [{"date": "2026-12-06", "total": 3,
                "users": [{"userId": "a@b.com", "count": 3}]}]
        }))
        .unwrap();
        assert_eq!(usage.result[0].users[0].user_id, "a@b.com");
        assert_eq!(usage.result[0].total, 3);
        let errors: Envelope<ErrorDay> = serde_json::from_value(json!({
            "result": [{"date": "2026-12-06", "total": null,
                "errors": [{"errorCode": 606, "count": 2}, {"errorCode": "601"}]}]
        }))
        .unwrap();
        let day = &errors.result[0];
        assert_eq!((day.total, day.errors[0].error_code.as_str()), (0, "606"));
        assert_eq!(
            (day.errors[1].error_code.as_str(), day.errors[1].count),
            ("601", 0)
        );
        let none: Envelope<UsageDay> = serde_json::from_value(json!({"success": true})).unwrap();
        assert!(none.result.is_empty());
        let e = one_day(none.result, "usage", "GET /x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    }
}
