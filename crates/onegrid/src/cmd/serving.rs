//! Binding, serving and graceful shutdown, shared by `serve` and `demo`.

use std::io::Write;
use std::net::SocketAddr;

use anyhow::Context;
use onegrid_app::App;
use tokio::net::TcpListener;

pub async fn bind(listen: &str) -> anyhow::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("listen: cannot listen on {listen}"))?;
    let addr = listener.local_addr().context("listen: no local address")?;
    Ok((listener, addr))
}

/// Serves until Ctrl-C (SIGINT) or SIGTERM, then lets requests in flight finish.
pub async fn serve(app: App, listener: TcpListener) -> anyhow::Result<()> {
    let db = app.db.clone();
    let shutdown = shutdown_signal()?;
    let (stop_worker, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(app.clone().run_worker(worker_interval()?, async move {
        let _ = stopped.await;
    }));
    onegrid_web::serve(app, listener, shutdown)
        .await
        .context("the server failed")?;
    let _ = stop_worker.send(());
    let _ = worker.await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// How often the background worker looks for due deadlines and webhooks:
/// `ONEGRID_WORKER_INTERVAL_MS` (100–3,600,000), 10 seconds by default.
fn worker_interval() -> anyhow::Result<std::time::Duration> {
    let ms = match std::env::var("ONEGRID_WORKER_INTERVAL_MS") {
        Err(_) => 10_000,
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|ms| (100..=3_600_000).contains(ms))
            .with_context(|| {
                format!("ONEGRID_WORKER_INTERVAL_MS: {v:?} must be a whole number of milliseconds from 100 to 3600000")
            })?,
    };
    Ok(std::time::Duration::from_millis(ms))
}

pub fn flush() {
    let _ = std::io::stdout().flush();
}

/// The handlers are installed before the server starts, so a signal that arrives during
/// start-up is not lost.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut int = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        let mut term = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        Ok(async move {
            let name = tokio::select! {
                _ = int.recv() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            };
            tracing::info!(signal = name, "shutting down");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async move {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        })
    }
}
