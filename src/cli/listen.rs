//! `seawarden listen --broker URL [--topic FILTER] --out FILE.jsonl`: the headless subscriber.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::bus::{BrokerUrl, BusOptions, TlsFiles, listen, topic};
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
    /// Username.
    #[arg(long)]
    username: Option<String>,
    /// File holding the password.
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// CA certificate (PEM) for mqtts://.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Client certificate (PEM).
    #[arg(long)]
    cert: Option<PathBuf>,
    /// Client key (PEM).
    #[arg(long)]
    key: Option<PathBuf>,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let url: BrokerUrl = args.broker.parse()?;
    let password = match &args.password_file {
        Some(p) => {
            Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?.trim_end().to_string())
        }
        None => None,
    };
    let opts = BusOptions {
        url,
        client_id: args.client_id.clone(),
        username: args.username.clone(),
        password,
        tls: args.ca.clone().map(|ca| TlsFiles { ca, cert: args.cert.clone(), key: args.key.clone() }),
        ..BusOptions::default()
    };
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
