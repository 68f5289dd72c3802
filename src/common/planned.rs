//! The names planned in this provider process. Terraform plans every resource of one provider
//! configuration in one process, so two objects given one name (as Marketo compares names) are
//! both seen here, and the second is refused at plan instead of half-way through the apply
//! (issue 17). Only the record lives here; the rule and its words are `crate::checks`.
//!
//! One process may also plan the same object twice: `terraform test` (1.15) keeps one provider
//! process for a test file's plan and apply walks, and the apply walk plans every change again.
//! Terraform does not say which resource a plan is for, so a new object is known by its
//! configuration: a second plan whose configuration agrees with the first wherever both are known
//! (values unknown at plan become known at apply) is the same object planned again.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use tfplugin6::Value;

/// Which object claims a name: an existing one by its id, or one a plan creates.
#[derive(Debug, Clone, PartialEq)]
pub enum Claimant {
    /// An object Marketo already has (an update, or the create half of a replacement).
    Existing(i64),
    /// A new object, known by its configuration.
    New(Value),
}

impl Claimant {
    /// Whether two claims are one object: the same id, or configurations that agree wherever
    /// both are known.
    fn same_object(&self, other: &Claimant) -> bool {
        match (self, other) {
            (Claimant::Existing(a), Claimant::Existing(b)) => a == b,
            (Claimant::New(a), Claimant::New(b)) => agree(a, b),
            _ => false,
        }
    }
}

/// Two values agree when they are equal wherever both are known.
fn agree(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Unknown, _) | (_, Value::Unknown) => true,
        (Value::Object(x), Value::Object(y)) | (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| agree(v, w)))
        }
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| agree(v, w))
        }
        // A set has no order: each element agrees with one of the other's.
        (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len()
                && x.iter().all(|v| y.iter().any(|w| agree(v, w)))
                && y.iter().all(|w| x.iter().any(|v| agree(v, w)))
        }
        _ => a == b,
    }
}

/// A name as Marketo compares it, per kind: who claimed it and how that one spells it.
type Claims = HashMap<(&'static str, String), (Claimant, String)>;

/// The names planned so far, per kind.
#[derive(Debug, Default)]
pub struct Planned {
    names: Mutex<Claims>,
}

impl Planned {
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
        match names.get_mut(&(kind, key.clone())) {
            Some((other, spelling)) if !other.same_object(&claimant) => Some(spelling.clone()),
            // The same object planned again: keep what is known now.
            Some(kept) => {
                kept.0 = claimant;
                None
            }
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
        let config = |description: &str| {
            Claimant::New(Value::object([
                ("name", Value::string("Sync")),
                ("description", Value::string(description)),
            ]))
        };
        let (a, b) = (config("a"), config("b"));
        assert_eq!(p.claim("role", "sync".into(), "Sync", a.clone()), None);
        assert_eq!(
            p.claim("role", "sync".into(), "SYNC", b),
            Some("Sync".into())
        );
        // The same object planned again, another kind, another name: no clash.
        assert_eq!(p.claim("role", "sync".into(), "Sync", a), None);
        assert_eq!(p.claim("service", "sync".into(), "sync", config("c")), None);
        assert_eq!(p.claim("role", "other".into(), "Other", config("d")), None);
        let existing = Claimant::Existing(7);
        assert_eq!(p.claim("role", "x".into(), "x", existing.clone()), None);
        assert_eq!(p.claim("role", "x".into(), "x", existing), None);
        assert_eq!(
            p.claim("role", "x".into(), "x", Claimant::Existing(8)),
            Some("x".into())
        );
    }

    #[test]
    fn a_value_known_only_at_apply_is_the_same_object_planned_again() {
        let p = Planned::default();
        let owner = |v: Value| {
            Claimant::New(Value::object([
                ("display_name", Value::string("S")),
                ("api_only_user", v),
            ]))
        };
        assert_eq!(
            p.claim("service", "s".into(), "S", owner(Value::Unknown)),
            None
        );
        assert_eq!(
            p.claim("service", "s".into(), "S", owner(Value::string("a@x.com"))),
            None
        );
        // Sets agree whatever their order.
        let set = |a: &str, b: &str| {
            Claimant::New(Value::object([(
                "permissions",
                Value::Set(vec![Value::string(a), Value::string(b)]),
            )]))
        };
        assert_eq!(p.claim("role", "r".into(), "R", set("A", "B")), None);
        assert_eq!(p.claim("role", "r".into(), "R", set("B", "A")), None);
        // Known now: another owner is another object.
        let other = owner(Value::string("b@x.com"));
        assert_eq!(p.claim("service", "s".into(), "S", other), Some("S".into()));
    }
}
