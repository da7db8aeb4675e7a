//! `seawarden certs --out DIR --sites a,b,…`: a test CA, a broker certificate and node certificates.
use std::path::PathBuf;
use std::process::ExitCode;

use seawarden::bus::certs;

/// Generate a test CA and per-node client certificates (common name = site id). Not for production.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder (created).
    #[arg(long)]
    out: PathBuf,
    /// Site ids, comma-separated or repeated.
    #[arg(long, value_delimiter = ',', required = true)]
    sites: Vec<String>,
    /// Extra host names or IPs for the broker certificate (localhost and 127.0.0.1 are always in).
    #[arg(long, value_delimiter = ',')]
    broker_host: Vec<String>,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let g = certs::generate(&args.out, &args.sites, &args.broker_host)?;
    println!("CA: {}", g.ca.display());
    println!("broker: {} {}", g.broker.0.display(), g.broker.1.display());
    for (s, c, k) in &g.nodes {
        println!("{s}: {} {}", c.display(), k.display());
    }
    Ok(ExitCode::SUCCESS)
}
