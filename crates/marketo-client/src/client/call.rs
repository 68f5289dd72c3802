//! One request to the REST API ([`Call`]): method, path segments under the User Management API's
//! base or `/rest/v1/`, query, body, and what a 404 means. What every part of the client builds and
//! sends; sending it is `client.rs`'s attempt.

use reqwest::Method;
use serde_json::Value;

use crate::error::Missing;

/// One HTTP request to the REST API. `segments` follow the endpoint's path and are percent-encoded
/// one by one, so a userid can never change the path's shape.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub method: Method,
    pub segments: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    pub missing: Missing,
}

const BASE: [&str; 3] = ["userservice", "management", "v1"];
/// The base of Marketo's REST APIs (of which the client reads the Usage API).
const REST_BASE: [&str; 2] = ["rest", "v1"];

impl Call {
    fn new(method: Method, tail: &[&str], missing: Missing) -> Self {
        Call::under(&BASE, method, tail, missing)
    }

    fn under(base: &[&str], method: Method, tail: &[&str], missing: Missing) -> Self {
        Call {
            method,
            segments: base
                .iter()
                .chain(tail.iter())
                .map(|s| (*s).to_owned())
                .collect(),
            query: Vec::new(),
            body: None,
            missing,
        }
    }

    /// A GET under `/rest/v1/` rather than the User Management API's base.
    pub(crate) fn rest_get(tail: &[&str], missing: Missing) -> Self {
        Call::under(&REST_BASE, Method::GET, tail, missing)
    }

    pub(crate) fn get(tail: &[&str], missing: Missing) -> Self {
        Call::new(Method::GET, tail, missing)
    }

    pub(crate) fn post(tail: &[&str], body: Option<Value>, missing: Missing) -> Self {
        let mut call = Call::new(Method::POST, tail, missing);
        call.body = body;
        call
    }

    pub(crate) fn with_query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }
}
