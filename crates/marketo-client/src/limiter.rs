//! Client-side politeness: a sliding-window rate limiter (the concurrency cap is a semaphore in
//! the client).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::config::RateLimit;

/// At most `calls` starts in any window of length `per`. Waiters take turns (the mutex is never
/// held across an await).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    starts: Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        let limit = RateLimit {
            calls: limit.calls.max(1),
            per: limit.per,
        };
        RateLimiter {
            limit,
            starts: Mutex::new(VecDeque::new()),
        }
    }

    /// Reserves a slot, or says how long to wait before asking again.
    fn try_acquire(&self, now: Instant) -> Result<(), Duration> {
        let mut starts = match self.starts.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        while let Some(front) = starts.front() {
            if now.duration_since(*front) >= self.limit.per {
                starts.pop_front();
            } else {
                break;
            }
        }
        if starts.len() < self.limit.calls as usize {
            starts.push_back(now);
            Ok(())
        } else {
            let oldest = starts.front().copied().unwrap_or(now);
            Err((oldest + self.limit.per).saturating_duration_since(now))
        }
    }

    /// Waits until a call may start, and counts it.
    pub(crate) async fn acquire(&self) {
        loop {
            match self.try_acquire(Instant::now()) {
                Ok(()) => return,
                Err(wait) => tokio::time::sleep(wait.max(Duration::from_millis(1))).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn never_more_than_n_per_window() {
        let window = Duration::from_millis(200);
        let rl = RateLimiter::new(RateLimit {
            calls: 3,
            per: window,
        });
        let t0 = Instant::now();
        let mut times = Vec::new();
        for _ in 0..7 {
            rl.acquire().await;
            times.push(Instant::now().duration_since(t0));
        }
        // 3 at once, 3 after one window, 1 after two.
        assert!(times[2] < Duration::from_millis(50));
        assert!(times[3] >= window);
        assert!(times[6] >= window * 2);
        // Any window holds at most 3 starts.
        for (i, a) in times.iter().enumerate() {
            let within = times[i..].iter().filter(|b| **b - *a < window).count();
            assert!(within <= 3, "{times:?}");
        }
    }
}
