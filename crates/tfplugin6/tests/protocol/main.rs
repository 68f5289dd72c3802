//! The protocol layer end to end: a small in-memory provider served
//! in-process and driven by a tonic client generated from the same proto;
//! a built binary's handshake (plain and AutoMTLS) and shutdown (the crate's
//! `tfplugin6-empty-provider`, serving `tfplugin6::testing::EmptyProvider`);
//! and, when a `terraform` is on PATH, a real Terraform run against the test
//! provider; resource identity, list and ephemeral resources (`features`).
#![allow(clippy::unwrap_used)]

mod binary;
mod features;
mod in_process;
mod provider;
mod terraform;
