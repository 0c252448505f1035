//! The HTTP/1 server loop, and the limits every request body meets. A
//! client must send its request head within `[server]
//! header_timeout_seconds` (408; an idle keep-alive connection is closed
//! after as long) and its body within `body_timeout_seconds` (408); a body declared or sent larger than the
//! route's limit is refused with 413 before it is read, so a slow or
//! lying client holds nothing for long.

use crate::AppState;
use crate::error::{ApiError, WebError};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use hyper_util::rt::{TokioIo, TokioTimer};

use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;
use tower::ServiceExt;

/// Serves until `shutdown` completes; then stops accepting and lets open
/// requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = Duration::from_secs(u64::from(state.config.server.header_timeout_seconds));
    let app = crate::router(state);
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let mut stopping = stop_rx.clone();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                // A failed accept (out of file descriptors, a reset) is no
                // reason to stop serving everyone else.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopping.changed() => break,
        };
        tokio::spawn(connection(
            stream,
            peer,
            app.clone(),
            header_timeout,
            stop_rx.clone(),
        ));
    }
    Ok(())
}

/// Serves one connection. A request head that does not arrive within
/// `header_timeout` is answered 408 (if any of it came) and the
/// connection closed; an idle keep-alive connection is just closed.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    app: axum::Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let svc = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        Box::pin(async move { app.oneshot(req.map(Body::new)).await })
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let mut conn = builder.serve_connection(TokioIo::new(stream), svc);
    let mut stopping = false;
    let result = loop {
        tokio::select! {
            r = std::future::poll_fn(|cx| conn.poll_without_shutdown(cx)) => break r,
            _ = stop.changed(), if !stopping => {
                stopping = true;
                std::pin::Pin::new(&mut conn).graceful_shutdown();
            }
        }
    };
    let timed_out = result.as_ref().is_err_and(|e| e.is_timeout());
    if let Err(e) = &result
        && !timed_out
    {
        tracing::debug!(error = %e, %peer, "connection ended with an error");
    }
    let parts = conn.into_parts();
    let mut io = parts.io.into_inner();
    if timed_out && !parts.read_buf.is_empty() {
        let _ = io
            .write_all(
                b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            )
            .await;
    }
    let _ = io.shutdown().await;
}

/// The largest body a request may have: what may carry files (messages,
/// new cases) gets room for a few attachments, so that a file over the
/// per-file limit is still read and refused at its field with the rest
/// of the form kept; everything else gets the form/JSON limit.
fn body_limit(state: &AppState, method: &Method, path: &str, multipart: bool) -> usize {
    let uploads = path.ends_with("/messages")
        || matches!(path, "/portal/cases" | "/agent/phone" | "/api/v1/cases");
    if method == Method::POST && uploads && multipart {
        state
            .config
            .cases
            .max_attachment_bytes
            .saturating_mul(crate::UPLOAD_FILES)
            .saturating_add(crate::MULTIPART_OVERHEAD)
    } else {
        state.config.server.max_body_bytes
    }
}

/// Reads the whole body within the time and size limits, before any
/// handler sees the request.
pub async fn limits(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let multipart = crate::files::is_multipart(req.headers());
    let limit = body_limit(&state, req.method(), req.uri().path(), multipart);
    let api = req.uri().path().starts_with("/api/");
    let refuse = |e: WebError| {
        if api {
            ApiError(e).into_response()
        } else {
            e.into_response()
        }
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return refuse(WebError::TooLarge);
    }
    if declared == Some(0)
        || (declared.is_none() && !req.headers().contains_key(header::TRANSFER_ENCODING))
    {
        return next.run(req).await;
    }
    let timeout = Duration::from_secs(u64::from(state.config.server.body_timeout_seconds));
    let (parts, body) = req.into_parts();
    let limited = http_body_util::Limited::new(body, limit);
    let bytes = match tokio::time::timeout(timeout, limited.collect()).await {
        Err(_) => return refuse(WebError::Timeout),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return refuse(WebError::TooLarge);
        }
        Ok(Err(e)) => return refuse(WebError::Malformed(format!("reading the body failed: {e}"))),
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
