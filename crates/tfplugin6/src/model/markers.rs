//! The serde names through which the model types ([`Attr`](super::Attr), [`Set`](super::Set),
//! [`Number`](crate::Number)) speak to this crate's serializer and deserializer. Constants only.

/// serde names that only this module's (de)serializer gives a meaning to.
pub(super) const ATTR: &str = "$tfplugin6::Attr";
pub(super) const UNKNOWN: &str = "$tfplugin6::Unknown";
pub(super) const SET: &str = "$tfplugin6::Set";
pub(super) const NUMBER: &str = "$tfplugin6::Number";
