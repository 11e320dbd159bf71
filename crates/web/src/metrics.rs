//! I5: request counts and latencies per route in Prometheus text format. Kept in-process and
//! per instance, as Prometheus scrapes each instance.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut m = self.requests.lock().expect("metrics lock");
        let s = m.entry((method.to_string(), route.to_string(), status)).or_default();
        s.count += 1;
        s.sum += seconds;
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    fn render(&self, micro_grids: usize) -> String {
        let mut out = String::new();
        out.push_str("# HELP onegrid_http_requests_total HTTP requests by method, route and status.\n# TYPE onegrid_http_requests_total counter\n");
        let m = self.requests.lock().expect("metrics lock");
        for ((method, route, status), s) in m.iter() {
            out.push_str(&format!(
                "onegrid_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}\n",
                s.count
            ));
        }
        out.push_str("# HELP onegrid_http_request_duration_seconds HTTP request latency.\n# TYPE onegrid_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in m.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (i, b) in BUCKETS.iter().enumerate() {
                out.push_str(&format!(
                    "onegrid_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}\n",
                    s.buckets[i]
                ));
            }
            out.push_str(&format!(
                "onegrid_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n",
                s.count
            ));
            out.push_str(&format!("onegrid_http_request_duration_seconds_sum{{{labels}}} {}\n", s.sum));
            out.push_str(&format!(
                "onegrid_http_request_duration_seconds_count{{{labels}}} {}\n",
                s.count
            ));
        }
        out.push_str(&format!(
            "# HELP onegrid_micro_grids_indexed Micro-grids in the spatial index.\n# TYPE onegrid_micro_grids_indexed gauge\nonegrid_micro_grids_indexed {micro_grids}\n"
        ));
        out
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    // The matched route, not the raw path, so ids do not explode the label set.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let start = Instant::now();
    let res = next.run(req).await;
    state
        .metrics
        .observe(&method, &route, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(state.app.locator.len()),
    )
}
