//! The names planned in this provider process. Terraform plans every resource of one provider
//! configuration in one process, so two objects given one name (as Marketo compares names) are
//! both seen here, and the second is refused at plan instead of half-way through the apply
//! (issue 17). Only the record lives here; the rule and its words are `crate::checks`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Which object claims a name: an existing one by its id, or one a plan creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimant {
    /// An object Marketo already has (an update, or the create half of a replacement).
    Existing(i64),
    /// A new object, told apart from the others planned in this process.
    New(u64),
}

/// A name as Marketo compares it, per kind: who claimed it and how that one spells it.
type Claims = HashMap<(&'static str, String), (Claimant, String)>;

/// The names planned so far, per kind.
#[derive(Debug, Default)]
pub struct Planned {
    names: Mutex<Claims>,
    next: AtomicU64,
}

impl Planned {
    /// A claimant for an object a plan creates.
    pub fn new_object(&self) -> Claimant {
        Claimant::New(self.next.fetch_add(1, Ordering::Relaxed))
    }

    /// Records that `claimant` is planned with `name` of `kind`, compared under `key` (the name
    /// as Marketo compares it). `Some(spelling)` when another object already claimed it: the
    /// name as that one spells it.
    pub fn claim(
        &self,
        kind: &'static str,
        key: String,
        name: &str,
        claimant: Claimant,
    ) -> Option<String> {
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        match names.get(&(kind, key.clone())) {
            Some((other, spelling)) if *other != claimant => Some(spelling.clone()),
            Some(_) => None,
            None => {
                names.insert((kind, key), (claimant, name.to_string()));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_object_with_a_name_is_told_the_first_spelling() {
        let p = Planned::default();
        let (a, b) = (p.new_object(), p.new_object());
        assert_ne!(a, b);
        assert_eq!(p.claim("role", "sync".into(), "Sync", a.clone()), None);
        assert_eq!(
            p.claim("role", "sync".into(), "SYNC", b),
            Some("Sync".into())
        );
        // The same object planned again, another kind, another name: no clash.
        assert_eq!(p.claim("role", "sync".into(), "Sync", a), None);
        assert_eq!(
            p.claim("service", "sync".into(), "sync", p.new_object()),
            None
        );
        assert_eq!(
            p.claim("role", "other".into(), "Other", p.new_object()),
            None
        );
        let existing = Claimant::Existing(7);
        assert_eq!(p.claim("role", "x".into(), "x", existing.clone()), None);
        assert_eq!(p.claim("role", "x".into(), "x", existing), None);
    }
}
