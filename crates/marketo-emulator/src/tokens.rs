//! Access tokens handed out by the Identity endpoint. They live in memory only.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long an expired token is remembered (so that it answers 602 rather than 601).
const REMEMBER_EXPIRED: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone)]
struct Token {
    service_id: i32,
    client_id: String,
    expires_at: Instant,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    /// Unknown (601).
    Invalid,
    /// Known but past its lifetime (602).
    Expired,
}

/// A token that a caller may use, with the seconds it has left.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub token: String,
    pub expires_in: u64,
    pub fresh: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Tokens {
    by_token: HashMap<String, Token>,
    current: HashMap<i32, String>,
}

fn ceil_secs(d: Duration) -> u64 {
    let whole = d.as_secs();
    if d.subsec_nanos() > 0 {
        whole + 1
    } else {
        whole
    }
}

impl Tokens {
    /// The service's live token with its remaining lifetime, or a new one.
    pub fn issue(
        &mut self,
        service_id: i32,
        client_id: &str,
        ttl: Duration,
        now: Instant,
    ) -> Issued {
        if let Some(tok) = self.current.get(&service_id)
            && let Some(t) = self.by_token.get(tok)
            && t.expires_at > now
            && t.client_id == client_id
        {
            return Issued {
                token: tok.clone(),
                expires_in: ceil_secs(t.expires_at - now),
                fresh: false,
            };
        }
        self.by_token
            .retain(|_, t| t.expires_at + REMEMBER_EXPIRED > now);
        let token = format!("{}:emu", uuid::Uuid::new_v4());
        self.by_token.insert(
            token.clone(),
            Token {
                service_id,
                client_id: client_id.to_string(),
                expires_at: now + ttl,
            },
        );
        self.current.insert(service_id, token.clone());
        Issued {
            token,
            expires_in: ceil_secs(ttl),
            fresh: true,
        }
    }

    /// The service and client id a token belongs to.
    pub fn check(&self, token: &str, now: Instant) -> Result<(i32, &str), TokenProblem> {
        match self.by_token.get(token) {
            None => Err(TokenProblem::Invalid),
            Some(t) if t.expires_at <= now => Err(TokenProblem::Expired),
            Some(t) => Ok((t.service_id, t.client_id.as_str())),
        }
    }

    /// Ends every token's life now (test control).
    pub fn expire_all(&mut self, now: Instant) {
        for t in self.by_token.values_mut() {
            if t.expires_at > now {
                t.expires_at = now;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_token_until_expiry() {
        let mut t = Tokens::default();
        let now = Instant::now();
        let a = t.issue(1, "c", Duration::from_secs(10), now);
        assert!(a.fresh);
        assert_eq!(a.expires_in, 10);
        let b = t.issue(
            1,
            "c",
            Duration::from_secs(10),
            now + Duration::from_millis(4500),
        );
        assert_eq!(b.token, a.token);
        assert_eq!(b.expires_in, 6);
        assert!(!b.fresh);
        assert_eq!(
            t.check(&a.token, now + Duration::from_secs(11)).err(),
            Some(TokenProblem::Expired)
        );
        let c = t.issue(
            1,
            "c",
            Duration::from_secs(10),
            now + Duration::from_secs(11),
        );
        assert_ne!(c.token, a.token);
        assert_eq!(t.check("nope", now).err(), Some(TokenProblem::Invalid));
        t.expire_all(now + Duration::from_secs(12));
        assert_eq!(
            t.check(&c.token, now + Duration::from_secs(12)).err(),
            Some(TokenProblem::Expired)
        );
    }
}
