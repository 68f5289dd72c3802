//! One integration-test binary; each area is a module. The protocol layer and the Marketo client
//! have their own suites in `crates/tfplugin6/tests` and `crates/marketo-client/tests`.
#![allow(clippy::unwrap_used)]
mod binary;
mod docs;
mod e2e;
mod repo;
mod support;
