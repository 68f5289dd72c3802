//! go-plugin's own services beside Terraform's: `GRPCController` and `GRPCStdio`.

use std::pin::Pin;

use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::proto::plugin as gp;

/// go-plugin's `GRPCController`: `Shutdown` stops the server.
pub(crate) struct ControllerService {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl gp::grpc_controller_server::GrpcController for ControllerService {
    async fn shutdown(&self, _req: Request<gp::Empty>) -> Result<Response<gp::Empty>, Status> {
        tracing::debug!("GRPCController.Shutdown: stopping the server");
        self.shutdown.cancel();
        Ok(Response::new(gp::Empty {}))
    }
}

/// go-plugin's `GRPCStdio`: we never write to stdout after the handshake and
/// log to stderr (which Terraform reads directly), so the stream stays open
/// and empty until the server shuts down.
pub(crate) struct StdioService {
    pub(crate) shutdown: CancellationToken,
}

type StdioStream = Pin<Box<dyn Stream<Item = Result<gp::StdioData, Status>> + Send>>;

#[tonic::async_trait]
impl gp::grpc_stdio_server::GrpcStdio for StdioService {
    type StreamStdioStream = StdioStream;

    async fn stream_stdio(
        &self,
        _req: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<gp::StdioData, Status>>(1);
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            shutdown.cancelled().await;
            drop(tx);
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }
}
