//! `seawarden broker [--config broker.toml]`: the embedded MQTT broker (rumqttd), loopback by default.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::bus::broker::{self, BrokerConfig, DEFAULT_CONFIG};

/// Run the embedded broker until SIGINT/SIGTERM.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Broker config (keys and defaults: `--print-config`).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Override the listen address (e.g. 127.0.0.1:1884).
    #[arg(long)]
    listen: Option<std::net::SocketAddr>,
    /// Print the commented default config and exit.
    #[arg(long)]
    print_config: bool,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.print_config {
        print!("{DEFAULT_CONFIG}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut cfg = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            BrokerConfig::from_toml(&text, p)?
        }
        None => BrokerConfig::default(),
    };
    if let Some(l) = args.listen {
        cfg.listen = l;
    }
    let _thread = broker::start(&cfg)?;
    eprintln!("seawarden broker: listening on {}", cfg.listen);
    let rt =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the tokio runtime")?;
    rt.block_on(super::edge::wait_for_signal());
    // rumqttd has no stop call; its threads end with the process.
    Ok(ExitCode::SUCCESS)
}
