//! One integration-test binary; each area is a module.
mod client;
mod docs;
mod e2e;
mod protocol;
mod support;
