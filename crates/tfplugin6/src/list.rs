//! List resources (protocol 6.10, Terraform 1.14+): what `terraform query` calls to find the
//! objects a remote system holds, each named by its resource identity, optionally with the
//! whole object so that Terraform can write configuration for it.

use async_trait::async_trait;
use tokio::sync::mpsc;

use super::diag::{Diagnostic, Diagnostics};
use super::schema::Schema;
use super::value::Value;
use crate::context::Context;

/// `ListResource`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRequest {
    /// The list block's `config`, decoded with [`ListResource::schema`]; its attributes are null
    /// when the block has none.
    pub config: Value,
    /// Each result should carry the whole object (`include_resource = true`).
    pub include_resource_object: bool,
    /// Terraform reads at most this many results (0: no limit given).
    pub limit: i64,
}

/// One object found, or (with `identity` null) diagnostics alone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListResult {
    /// The object's identity, of the managed resource's identity schema.
    pub identity: Value,
    /// A short human name, e.g. an email or a display name.
    pub display_name: String,
    /// The object as the managed resource's state would hold it; `None` unless asked for.
    pub resource_object: Option<Value>,
    pub diagnostics: Diagnostics,
}

impl From<Diagnostic> for ListResult {
    fn from(d: Diagnostic) -> ListResult {
        ListResult {
            identity: Value::Null,
            diagnostics: d.into_diagnostics(),
            ..ListResult::default()
        }
    }
}

/// Where a [`ListResource`] sends its results, one at a time, as it finds them.
#[derive(Debug, Clone)]
pub struct ListSink {
    tx: mpsc::Sender<ListResult>,
}

impl ListSink {
    /// A sink and the receiving end of its results (for the server, and for tests).
    pub fn channel(capacity: usize) -> (ListSink, mpsc::Receiver<ListResult>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (ListSink { tx }, rx)
    }

    /// Sends one result; false once Terraform stopped reading (the listing should end).
    pub async fn send(&self, result: ListResult) -> bool {
        self.tx.send(result).await.is_ok()
    }

    /// True once Terraform stopped reading.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// A list resource type. Its name is the managed resource type whose objects it lists, and that
/// resource must declare an identity.
#[async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The managed resource type listed, e.g. `example_widget`.
    fn type_name(&self) -> &str;

    /// The schema of the list block's `config` block (filters).
    fn schema(&self) -> Schema;

    /// Checks the `config` block (values may be unknown).
    async fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Lists the objects, sending each to `out` as soon as it is known; returns when done, on
    /// an error (sent as a result with diagnostics), or when [`ListSink::send`] answers false.
    async fn list(&self, ctx: &Context, req: ListRequest, out: ListSink);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_sink_says_so() {
        let (sink, rx) = ListSink::channel(1);
        assert!(sink.send(ListResult::default()).await);
        drop(rx);
        assert!(sink.is_closed());
        assert!(!sink.send(ListResult::default()).await);
    }
}
