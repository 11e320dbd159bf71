//! Anonymous writes — public reports and photo uploads, which need no account — are limited per
//! client address, so one address cannot flood a street's work lists or the evidence store.
//! A token bucket per address: a burst of `BURST`, refilled at `PER_HOUR`. The numbers are
//! generous because mobile carriers put many phones behind one address (CGNAT); they stop
//! floods, not residents. Signed-in users are not limited here (their accounts are). The limit
//! is per process: with several `serve` processes an address gets each one's allowance.
//!
//! The client address is the connection's peer. A peer on the loopback interface is a reverse
//! proxy on the same host (or the machine's own tools): its `X-Forwarded-For` names the client
//! (the rightmost entry, the one the proxy added); without that header it is not limited.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onegrid_app::AppError;

use crate::auth::MaybeSession;
use crate::error::ApiError;
use crate::html::page::Page;
use crate::state::AppState;

/// Requests an address may send at once.
pub const BURST: f64 = 60.0;
/// Requests an address regains per hour.
pub const PER_HOUR: f64 = 240.0;
/// Addresses remembered before full buckets are forgotten.
const REMEMBERED: usize = 10_000;

/// The anonymous writes: `(method, path)`.
const LIMITED: [&str; 3] = ["/api/v1/cases", "/api/v1/attachments", "/report"];

#[derive(Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    /// Takes one request from the address's bucket; `Err(wait)` when it is empty.
    pub fn take(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let per_sec = PER_HOUR / 3600.0;
        let mut b = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if b.len() >= REMEMBERED && !b.contains_key(&ip) {
            b.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * per_sec < BURST);
        }
        let (tokens, at) = b.entry(ip).or_insert((BURST, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_sec).min(BURST);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / per_sec))
        }
    }
}

/// The client the limit applies to; `None` for the machine itself.
fn client(peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = peer?.ip();
    if !peer.is_loopback() {
        return Some(peer);
    }
    headers
        .get("x-forwarded-for")?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Middleware: refuses an anonymous write over the address's allowance with 429 and
/// `Retry-After`.
pub async fn anonymous_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !LIMITED.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let Some(ip) = client(peer, req.headers()) else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let session = match MaybeSession::from_request_parts(&mut parts, &state).await {
        Ok(s) => s,
        Err(never) => match never {},
    };
    if session.0.is_some() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Err(wait) = state.limiter.take(ip, Instant::now()) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let e = AppError::RateLimited(format!(
        "too many reports and uploads from this address; try again in {minutes} minutes, or sign in"
    ));
    let mut resp = if parts.uri.path().starts_with("/api/") {
        ApiError(e).into_response()
    } else {
        Page::new(&state, &parts.headers, &session, parts.uri.path()).error(e)
    };
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_an_address_gets_a_burst_then_a_steady_allowance() {
        let l = Limiter::default();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..BURST as usize {
            assert!(l.take(ip, t0).is_ok());
        }
        let wait = l.take(ip, t0).unwrap_err();
        assert_eq!(wait.as_secs(), (3600.0 / PER_HOUR) as u64, "one request back after 15 s");
        assert!(
            l.take("203.0.113.8".parse().unwrap(), t0).is_ok(),
            "other addresses are not affected"
        );
        assert!(l.take(ip, t0 + wait).is_ok());
        assert!(l.take(ip, t0 + wait).is_err());
    }

    #[test]
    fn c1_the_client_is_the_peer_or_what_a_local_proxy_forwards() {
        let mut h = HeaderMap::new();
        let outside: SocketAddr = "198.51.100.4:5000".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(client(Some(outside), &h), Some("198.51.100.4".parse().unwrap()));
        assert_eq!(client(Some(local), &h), None, "the machine itself");
        h.insert("x-forwarded-for", HeaderValue::from_static("10.0.0.1, 203.0.113.9"));
        assert_eq!(client(Some(local), &h), Some("203.0.113.9".parse().unwrap()));
        assert_eq!(
            client(Some(outside), &h),
            Some("198.51.100.4".parse().unwrap()),
            "a remote peer cannot name another client"
        );
        assert_eq!(client(None, &h), None);
    }
}
