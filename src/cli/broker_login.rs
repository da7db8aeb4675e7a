//! The broker login flags that every MQTT client command shares (`listen`, `console`), so an
//! operator types the same credentials the same way everywhere.
use std::path::PathBuf;

use anyhow::Context as _;
use seawarden::bus::{BrokerUrl, BusOptions, TlsFiles};

/// Who the client is to the broker: username/password and, for mqtts://, TLS files.
#[derive(Debug, clap::Args)]
pub struct BrokerLogin {
    /// Username.
    #[arg(long)]
    username: Option<String>,
    /// File holding the password (one line; never on the command line, where `ps` shows it).
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

impl BrokerLogin {
    /// Bus options for `url` under this login, reading the password file now so a typo fails
    /// before anything connects.
    pub fn bus_options(&self, url: BrokerUrl, client_id: &str) -> anyhow::Result<BusOptions> {
        let password = match &self.password_file {
            Some(p) => Some(
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?.trim_end().to_string(),
            ),
            None => None,
        };
        Ok(BusOptions {
            url,
            client_id: client_id.to_string(),
            username: self.username.clone(),
            password,
            tls: self.ca.clone().map(|ca| TlsFiles { ca, cert: self.cert.clone(), key: self.key.clone() }),
            ..BusOptions::default()
        })
    }
}
