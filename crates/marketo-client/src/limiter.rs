//! Client-side politeness: one gate that admits a call when fewer than `max_concurrency` are in
//! flight *and* fewer than `rate_limit.calls` count in the sliding window, in turn: priority
//! callers first (the read-back that completes a create, so a made object is recorded promptly),
//! then everyone else, each lane first come, first served.
//!
//! A call counts in the window from its admission until `rate_limit.per` after its answer came
//! back, not after it was admitted. Marketo counts a call when it arrives, which is some time after
//! we admit it (the token, the connection, a busy machine) but never after its answer is back: so
//! every call Marketo still counts when we admit the next one is either in flight or ended less
//! than `per` ago, and we count it too. Counting from admission instead let a call that was slow
//! to leave fall inside Marketo's window and out of ours (a 606 seen under load).

use std::collections::{BTreeSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::config::RateLimit;

/// Which queue a caller waits in. `Priority` sorts first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Lane {
    /// Ahead of every normal waiter: the read-back that completes a create.
    Priority,
    /// Everything else.
    Normal,
}

#[derive(Debug)]
struct State {
    /// When the answers of recent calls came back, oldest first.
    ended: VecDeque<Instant>,
    in_flight: usize,
    /// Waiting callers by (lane, arrival): the first may go when there is room.
    waiting: BTreeSet<(Lane, u64)>,
    next_ticket: u64,
}

/// The concurrency cap and the sliding-window rate limit, with a priority lane.
#[derive(Debug)]
pub(crate) struct Gate {
    limit: RateLimit,
    max_in_flight: usize,
    state: Mutex<State>,
    changed: Notify,
}

/// One admitted call: holds its concurrency slot until dropped.
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    gate: &'a Gate,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        state.ended.push_back(Instant::now());
        drop(state);
        self.gate.changed.notify_waiters();
    }
}

/// Takes a waiter out of the queue however its wait ends (admitted, or dropped by a cancellation).
struct Ticket<'a> {
    gate: &'a Gate,
    key: (Lane, u64),
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.lock();
        let was_first = state.waiting.first() == Some(&self.key);
        state.waiting.remove(&self.key);
        drop(state);
        if was_first {
            self.gate.changed.notify_waiters();
        }
    }
}

impl Gate {
    pub(crate) fn new(limit: RateLimit, max_in_flight: usize) -> Self {
        Gate {
            limit: RateLimit {
                calls: limit.calls.max(1),
                per: limit.per,
            },
            max_in_flight: max_in_flight.max(1),
            state: Mutex::new(State {
                ended: VecDeque::new(),
                in_flight: 0,
                waiting: BTreeSet::new(),
                next_ticket: 0,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Admits `key` if it is first in line and there is room; else says how long the rate window
    /// keeps it waiting (`None`: wait for a call to end or the line to move).
    fn try_admit(&self, key: (Lane, u64), now: Instant) -> Result<(), Option<Duration>> {
        let mut state = self.lock();
        while let Some(front) = state.ended.front() {
            if now.duration_since(*front) >= self.limit.per {
                state.ended.pop_front();
            } else {
                break;
            }
        }
        if state.waiting.first() != Some(&key) || state.in_flight >= self.max_in_flight {
            return Err(None);
        }
        if state.in_flight + state.ended.len() >= self.limit.calls as usize {
            // Room comes when the oldest ended call leaves the window, or when a call in flight
            // ends (which notifies); with none ended yet, only the latter.
            return Err(state
                .ended
                .front()
                .map(|oldest| (*oldest + self.limit.per).saturating_duration_since(now)));
        }
        state.in_flight += 1;
        Ok(())
    }

    /// Waits until a call may start in `lane`, and counts it. Cancel-safe: dropping the future
    /// leaves the line.
    pub(crate) async fn acquire(&self, lane: Lane) -> Permit<'_> {
        let ticket = {
            let mut state = self.lock();
            let key = (lane, state.next_ticket);
            state.next_ticket += 1;
            state.waiting.insert(key);
            Ticket { gate: self, key }
        };
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.try_admit(ticket.key, Instant::now()) {
                Ok(()) => {
                    // Leaving the line lets the next waiter look.
                    drop(ticket);
                    return Permit { gate: self };
                }
                Err(None) => notified.await,
                Err(Some(wait)) => {
                    tokio::select! {
                        _ = notified => {}
                        _ = tokio::time::sleep(wait.max(Duration::from_millis(1))) => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
