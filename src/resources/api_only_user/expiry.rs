//! `expires_at`, parsed once: an [`Expiry`] is read from the request's value when the model is
//! decoded, and keeps the text as written beside the instant it names. Every later use (the
//! checks at validate, plan and apply, the invitation, the update, the state after a read) takes
//! the parsed instant from here instead of parsing the text again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::checks::values;
use marketo_client::MarketoDateTime;
use tfplugin6::model::Attr;

/// The attribute's name, as the messages give it.
const ATTR: &str = "expires_at";

/// An `expires_at` value: its text as written, and what it parsed to (the grammar's message when
/// it did not). Two expiries are equal when their texts are: that is how Terraform compares them.
#[derive(Debug, Clone)]
pub struct Expiry {
    text: String,
    parsed: Result<MarketoDateTime, String>,
}

impl Expiry {
    /// Parses `text` with the configuration grammar (RFC 3339, at most milliseconds, no leap
    /// second).
    pub fn new(text: impl Into<String>) -> Expiry {
        let text = text.into();
        let parsed = values::timestamp(ATTR, &text);
        Expiry { text, parsed }
    }

    /// The text as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The instant, or why the text names none (a message that names the attribute).
    pub fn instant(&self) -> Result<&MarketoDateTime, &str> {
        self.parsed.as_ref().map_err(String::as_str)
    }

    /// The check of the value: well-formed, and after `now` when `now` is given (a past expiry is
    /// refused only where one is being set).
    pub fn check(&self, now: Option<DateTime<Utc>>) -> Result<(), String> {
        let at = self.instant().map_err(str::to_string)?;
        match now {
            Some(now) => values::not_past(ATTR, &self.text, at, now),
            None => Ok(()),
        }
    }

    /// `expires_at` for the state, from Marketo's value `remote`: the text of `known` (the plan
    /// or the prior state) when it names the same millisecond (the precision both keep), else
    /// Marketo's value in RFC 3339 (UTC, milliseconds when there are some).
    pub fn for_state(remote: Option<&MarketoDateTime>, known: &Attr<Expiry>) -> Attr<Expiry> {
        let Some(remote) = remote else {
            return Attr::Null;
        };
        match known.known() {
            Some(mine) if mine.instant().is_ok_and(|at| at.same_millisecond(remote)) => {
                Attr::Known(mine.clone())
            }
            _ => Attr::Known(Expiry::new(remote.to_rfc3339())),
        }
    }
}

impl PartialEq for Expiry {
    fn eq(&self, other: &Expiry) -> bool {
        self.text == other.text
    }
}

impl Serialize for Expiry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Expiry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Expiry, D::Error> {
        String::deserialize(deserializer).map(Expiry::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsed_once_and_kept_beside_its_text() {
        let e = Expiry::new("2031-03-04T05:06:07.250+01:00");
        assert_eq!(e.text(), "2031-03-04T05:06:07.250+01:00");
        assert_eq!(
            e.instant().unwrap().to_rfc3339(),
            "2031-03-04T04:06:07.250Z"
        );
        let bad = Expiry::new("2031-03-04");
        assert!(
            bad.instant()
                .unwrap_err()
                .starts_with("expires_at \"2031-03-04\"")
        );
        assert_eq!(bad.check(None), Err(bad.instant().unwrap_err().to_string()));
    }

    #[test]
    fn a_past_expiry_is_refused_only_when_asked() {
        let now = "2030-01-01T00:00:00Z".parse().unwrap();
        let past = Expiry::new("2029-12-31T23:59:59Z");
        assert_eq!(past.check(None), Ok(()));
        assert!(
            past.check(Some(now))
                .unwrap_err()
                .contains("is in the past")
        );
        assert_eq!(
            Expiry::new("2030-01-01T00:00:00.001Z").check(Some(now)),
            Ok(())
        );
    }

    #[test]
    fn the_state_keeps_the_configured_spelling_of_the_same_millisecond() {
        let remote = MarketoDateTime::parse_config("2031-03-04T04:06:07.250Z").unwrap();
        let mine = Attr::Known(Expiry::new("2031-03-04T05:06:07.25+01:00"));
        assert_eq!(Expiry::for_state(Some(&remote), &mine), mine);
        let other = Attr::Known(Expiry::new("2031-03-04T05:06:08+01:00"));
        let state = Expiry::for_state(Some(&remote), &other);
        assert_eq!(
            state.known().map(Expiry::text),
            Some("2031-03-04T04:06:07.250Z")
        );
        assert_eq!(Expiry::for_state(None, &mine), Attr::Null);
    }

    #[test]
    fn it_travels_as_its_text() {
        let v =
            tfplugin6::model::to_value(&Attr::Known(Expiry::new("2031-01-01T00:00:00Z"))).unwrap();
        assert_eq!(v, tfplugin6::Value::string("2031-01-01T00:00:00Z"));
        let back: Attr<Expiry> = tfplugin6::model::from_value(&v).unwrap();
        assert_eq!(back.known().map(Expiry::text), Some("2031-01-01T00:00:00Z"));
    }
}
