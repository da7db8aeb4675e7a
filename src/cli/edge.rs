//! `seawarden edge --config node.toml`: one edge node until SIGINT/SIGTERM, or until a batch
//! replay is done.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::node::{self, NodeConfig};
use tokio_util::sync::CancellationToken;

/// Run one edge node (inputs → tracker → bus).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The node's config (see assets/node.example.toml).
    #[arg(long)]
    config: PathBuf,
    /// Only validate the config and exit.
    #[arg(long)]
    check: bool,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let cfg = NodeConfig::from_file(&args.config)?;
    if args.check {
        println!(
            "{}: ok ({} inputs, broker {}:{})",
            args.config.display(),
            cfg.inputs.len(),
            cfg.broker.url.host,
            cfg.broker.url.port
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the tokio runtime")?;
    rt.block_on(async move {
        let shutdown = CancellationToken::new();
        let s = shutdown.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("signal received: shutting down");
            s.cancel();
        });
        let summary = node::run(cfg, shutdown).await.context("edge node")?;
        tracing::info!(?summary, "edge node stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// SIGINT or SIGTERM (Ctrl-C only where there are no Unix signals).
pub async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
            (Ok(mut i), Ok(mut t)) => {
                tokio::select! {
                    // Cancel-safe: a signal stream keeps signals that arrive between polls.
                    _ = i.recv() => {}
                    _ = t.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
