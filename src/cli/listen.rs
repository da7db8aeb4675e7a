//! `seawarden listen --broker URL [--topic FILTER] --out FILE.jsonl`: the headless subscriber.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::bus::{BrokerUrl, listen, topic};
use tokio_util::sync::CancellationToken;

/// Write every received message as one JSON line (alerts de-duplicated by id) until SIGINT/SIGTERM.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Broker URL: mqtt://host:port or mqtts://host:port.
    #[arg(long)]
    broker: String,
    /// Topic filter.
    #[arg(long, default_value_t = topic::all())]
    topic: String,
    /// Output file (JSON lines: topic, received_s, payload).
    #[arg(long)]
    out: PathBuf,
    /// MQTT client id; the broker keeps this session's queued messages across reconnects.
    #[arg(long, default_value = "seawarden-listen")]
    client_id: String,
    #[command(flatten)]
    login: super::broker_login::BrokerLogin,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let url: BrokerUrl = args.broker.parse()?;
    let opts = args.login.bus_options(url, &args.client_id)?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the tokio runtime")?;
    rt.block_on(async move {
        let shutdown = CancellationToken::new();
        let s = shutdown.clone();
        tokio::spawn(async move {
            super::edge::wait_for_signal().await;
            s.cancel();
        });
        let stats = listen::listen(opts, &args.topic, &args.out, shutdown).await?;
        eprintln!("{}", serde_json::to_string(&stats)?);
        Ok(ExitCode::SUCCESS)
    })
}
