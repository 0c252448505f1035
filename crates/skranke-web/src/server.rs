//! The HTTP/1 server loop, and the limits every request body meets. A
//! client must send its request headers within `[server]
//! header_timeout_seconds` (hyper closes the connection otherwise; this
//! also ends idle keep-alive connections) and its body within
//! `body_timeout_seconds` (408); a body declared or sent larger than the
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
use hyper_util::service::TowerToHyperService;
use std::pin::pin;
use std::time::Duration;
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
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let svc = app.map_request(move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req.map(Body::new)
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn = builder
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc))
                .with_upgrades();
            let mut conn = pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection ended with an error");
                    }
                }
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    Ok(())
}

/// The largest body a request may have: uploads (messages with files)
/// get the attachment limit, everything else the form/JSON limit.
fn body_limit(state: &AppState, method: &Method, path: &str) -> usize {
    if method == Method::POST && path.ends_with("/messages") {
        state.config.cases.max_attachment_bytes + crate::MULTIPART_OVERHEAD
    } else {
        state.config.server.max_body_bytes
    }
}

/// Reads the whole body within the time and size limits, before any
/// handler sees the request.
pub async fn limits(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = body_limit(&state, req.method(), req.uri().path());
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
