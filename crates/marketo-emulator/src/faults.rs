//! Seeded fault injection. Whether call number `n` fails, and how, depends only on the seed and `n`.

use crate::config::Faults;

/// What an injected fault does to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// 504 with code 604 (request timed out).
    Timeout,
    /// 503 with code 608 (API temporarily unavailable).
    Unavailable,
    /// 429 with code 606 (rate limit).
    RateLimited,
    /// 429 with code 615 (concurrency limit).
    Concurrency,
    /// 502 with an HTML body, as a gateway answers.
    BadGateway,
    /// The connection is closed without an answer; nothing is done.
    Drop,
    /// The call is carried out, then the connection is closed without an answer.
    ApplyThenDrop,
}

const KINDS: [Fault; 7] = [
    Fault::Timeout,
    Fault::Unavailable,
    Fault::RateLimited,
    Fault::Concurrency,
    Fault::BadGateway,
    Fault::Drop,
    Fault::ApplyThenDrop,
];

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The fault, if any, for call number `index` (counting from 0) under `faults`.
pub(crate) fn fault_for(faults: &Faults, index: u64) -> Option<Fault> {
    let h = splitmix64(faults.seed ^ splitmix64(index));
    let unit = (h >> 11) as f64 / (1u64 << 53) as f64;
    if unit < faults.rate {
        let pick = splitmix64(h) % KINDS.len() as u64;
        KINDS.get(usize::try_from(pick).ok()?).copied()
    } else {
        None
    }
}

/// The fault settings and the number of calls counted since they were set.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    faults: Option<Faults>,
    calls: u64,
}

impl FaultState {
    pub fn new(faults: Option<Faults>) -> Self {
        FaultState { faults, calls: 0 }
    }

    /// Replaces the settings and restarts the call count, so a test gets the sequence from its start.
    pub fn set(&mut self, faults: Option<Faults>) {
        self.faults = faults;
        self.calls = 0;
    }

    /// Counts one call and answers its fault.
    pub fn next(&mut self) -> Option<Fault> {
        let f = self.faults?;
        let index = self.calls;
        self.calls = self.calls.wrapping_add(1);
        fault_for(&f, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_faults() {
        let f = Faults {
            rate: 0.3,
            seed: 42,
        };
        let a: Vec<_> = (0..1000).map(|i| fault_for(&f, i)).collect();
        let b: Vec<_> = (0..1000).map(|i| fault_for(&f, i)).collect();
        assert_eq!(a, b);
        let hits = a.iter().filter(|x| x.is_some()).count();
        assert!((200..400).contains(&hits), "{hits}");
        for k in KINDS {
            assert!(a.contains(&Some(k)), "{k:?} never chosen");
        }
        let other: Vec<_> = (0..1000)
            .map(|i| {
                fault_for(
                    &Faults {
                        rate: 0.3,
                        seed: 43,
                    },
                    i,
                )
            })
            .collect();
        assert_ne!(a, other);
        assert!((0..1000).all(|i| fault_for(&Faults { rate: 0.0, seed: 1 }, i).is_none()));
        assert!((0..1000).all(|i| fault_for(&Faults { rate: 1.0, seed: 1 }, i).is_some()));
    }
}
