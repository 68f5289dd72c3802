//! Marketo's call limits: a rate window (606), concurrent calls (615) and a daily quota (607).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::http::StatusCode;
use chrono::NaiveDate;

use crate::config::Limits;
use crate::reply::ApiError;
use crate::util::lock;

#[derive(Debug)]
struct Inner {
    limits: Limits,
    window: VecDeque<Instant>,
    day: NaiveDate,
    day_count: u64,
    in_flight: u32,
}

/// Counts calls against the configured limits.
#[derive(Debug)]
pub(crate) struct Limiter {
    inner: Mutex<Inner>,
}

/// Holds one concurrent-call slot until dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    limiter: Arc<Limiter>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut inner = lock(&self.limiter.inner);
        inner.in_flight = inner.in_flight.saturating_sub(1);
    }
}

/// The quota's day: Marketo's, which ends at midnight US Central time.
fn quota_day() -> NaiveDate {
    crate::calendar::today()
}

impl Limiter {
    pub fn new(limits: Limits) -> Arc<Self> {
        Arc::new(Limiter {
            inner: Mutex::new(Inner {
                limits,
                window: VecDeque::new(),
                day: quota_day(),
                day_count: 0,
                in_flight: 0,
            }),
        })
    }

    /// Replaces the limits and forgets the calls counted so far (calls in flight stay counted).
    pub fn set(&self, limits: Limits) {
        let mut inner = lock(&self.inner);
        inner.limits = limits;
        inner.window.clear();
        inner.day_count = 0;
    }

    pub fn limits(&self) -> Limits {
        lock(&self.inner).limits
    }

    /// Takes a concurrent-call slot, or answers 615.
    pub fn enter(self: &Arc<Self>) -> Result<Slot, ApiError> {
        let mut inner = lock(&self.inner);
        if let Some(max) = inner.limits.concurrency
            && inner.in_flight >= max
        {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                615,
                format!("Concurrent access limit reached ({max} calls in flight)"),
            ));
        }
        inner.in_flight += 1;
        Ok(Slot {
            limiter: Arc::clone(self),
        })
    }

    /// Counts one call against the rate window and the daily quota, or answers 606 or 607 (a refused
    /// call is not counted).
    pub fn admit(&self, now: Instant) -> Result<(), ApiError> {
        let mut inner = lock(&self.inner);
        let today = quota_day();
        if inner.day != today {
            inner.day = today;
            inner.day_count = 0;
        }
        if let Some(rate) = inner.limits.rate_limit {
            while inner
                .window
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) >= rate.per)
            {
                inner.window.pop_front();
            }
            if inner.window.len() >= rate.calls as usize {
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    606,
                    format!(
                        "Max rate limit '{}' exceeded with in '{}' secs",
                        rate.calls,
                        rate.per.as_secs()
                    ),
                ));
            }
        }
        if let Some(quota) = inner.limits.daily_quota
            && inner.day_count >= quota
        {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                607,
                format!("Daily quota reached ({quota} calls)"),
            ));
        }
        if inner.limits.rate_limit.is_some() {
            inner.window.push_back(now);
        }
        inner.day_count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RateLimit;
    use std::time::Duration;

    #[test]
    fn window_quota_and_slots() {
        let l = Limiter::new(Limits {
            rate_limit: Some(RateLimit {
                calls: 2,
                per: Duration::from_secs(10),
            }),
            concurrency: Some(1),
            daily_quota: Some(3),
        });
        let t = Instant::now();
        assert!(l.admit(t).is_ok());
        assert!(l.admit(t).is_ok());
        assert_eq!(l.admit(t).err().map(|e| e.code), Some(606));
        assert!(l.admit(t + Duration::from_secs(10)).is_ok());
        assert_eq!(
            l.admit(t + Duration::from_secs(30)).err().map(|e| e.code),
            Some(607)
        );
        let slot = l.enter();
        assert!(slot.is_ok());
        assert_eq!(l.enter().err().map(|e| e.code), Some(615));
        drop(slot);
        assert!(l.enter().is_ok());
    }
}
