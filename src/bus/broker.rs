//! The embedded broker (`seawarden broker`, the demo): rumqttd configured from a small TOML file
//! whose keys carry their units.
//!
//! rumqttd is a good single-process broker for a demo and a handful of sites. It has no per-topic
//! ACLs, so a deployment where a node must not publish as another uses mosquitto with the shipped
//! ACL (`assets/mosquitto/`) or a clustered broker; no clustering is home-made here.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;

use super::error::BusError;

/// The commented default configuration, printed by `seawarden broker --print-config`.
pub const DEFAULT_CONFIG: &str = include_str!("broker.default.toml");

/// `broker.toml`: every key optional, defaults as in [`DEFAULT_CONFIG`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrokerConfig {
    /// Listen address; loopback by default.
    pub listen: SocketAddr,
    /// Most concurrent connections.
    pub max_connections: usize,
    /// Largest publish, bytes.
    pub max_payload_bytes: usize,
    /// CONNECT deadline after TCP accept, milliseconds.
    pub connection_timeout_ms: u16,
    /// Unacknowledged QoS 1 messages per connection.
    pub max_inflight_count: usize,
    /// Commit-log segment size, bytes.
    pub max_segment_bytes: usize,
    /// Commit-log segments kept per topic.
    pub max_segment_count: usize,
    /// Username → password; empty = no authentication.
    pub users: HashMap<String, String>,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 1883)),
            max_connections: 1000,
            max_payload_bytes: 1 << 20,
            connection_timeout_ms: 10_000,
            max_inflight_count: 200,
            max_segment_bytes: 100 << 20,
            max_segment_count: 10,
            users: HashMap::new(),
        }
    }
}

impl BrokerConfig {
    /// Parse `broker.toml` text; `file` only names the source in errors.
    ///
    /// # Errors
    /// [`BusError::Broker`] naming the file, key and reason.
    pub fn from_toml(text: &str, file: &Path) -> Result<Self, BusError> {
        toml::from_str(text).map_err(|e| BusError::Broker(format!("{}: {}", file.display(), e.to_string().trim())))
    }

    /// rumqttd's configuration: one MQTT 3.1.1 listener.
    pub fn to_rumqttd(&self) -> rumqttd::Config {
        let connections = rumqttd::ConnectionSettings {
            connection_timeout_ms: self.connection_timeout_ms,
            max_payload_size: self.max_payload_bytes,
            max_inflight_count: self.max_inflight_count,
            auth: (!self.users.is_empty()).then(|| self.users.clone()),
            external_auth: None,
            dynamic_filters: true,
        };
        let server = rumqttd::ServerSettings {
            name: "v4-1".into(),
            listen: self.listen,
            tls: None,
            next_connection_delay_ms: 1,
            connections,
        };
        rumqttd::Config {
            id: 0,
            router: rumqttd::RouterConfig {
                max_connections: self.max_connections,
                max_outgoing_packet_count: 200,
                max_segment_size: self.max_segment_bytes,
                max_segment_count: self.max_segment_count,
                custom_segment: None,
                initialized_filters: None,
                shared_subscriptions_strategy: Default::default(),
            },
            v4: Some(HashMap::from([("1".to_string(), server)])),
            ..Default::default()
        }
    }
}

/// Start the broker on threads of its own (rumqttd runs its own runtimes) and return at once;
/// the broker lives until the process exits.
///
/// # Errors
/// [`BusError::Broker`] when the listen address is already taken or rumqttd fails to start.
pub fn start(cfg: &BrokerConfig) -> Result<std::thread::JoinHandle<()>, BusError> {
    // rumqttd reports a failed bind only in its log, so check the address first.
    drop(std::net::TcpListener::bind(cfg.listen).map_err(|e| BusError::Broker(format!("listen {}: {e}", cfg.listen)))?);
    let config = cfg.to_rumqttd();
    std::thread::Builder::new()
        .name("rumqttd".into())
        .spawn(move || {
            let mut broker = rumqttd::Broker::new(config);
            if let Err(e) = broker.start() {
                tracing::error!(error = %e, "embedded broker stopped");
            }
        })
        .map_err(|e| BusError::Broker(e.to_string()))
}

/// Start the broker on a free loopback port, for the demo and tests: one process, no config.
///
/// # Errors
/// [`BusError::Broker`] when no port is free or rumqttd fails to start.
pub fn start_on_loopback() -> Result<super::BrokerUrl, BusError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| BusError::Broker(format!("finding a free loopback port: {e}")))?
        .port();
    start(&BrokerConfig { listen: std::net::SocketAddr::from(([127, 0, 0, 1], port)), ..Default::default() })?;
    Ok(super::BrokerUrl { tls: false, host: "127.0.0.1".into(), port })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_default_parses_to_the_defaults() {
        let c = BrokerConfig::from_toml(DEFAULT_CONFIG, Path::new("default")).unwrap();
        assert_eq!(c, BrokerConfig::default());
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = BrokerConfig::from_toml("listen_port = 1", Path::new("b.toml")).unwrap_err();
        assert!(e.to_string().contains("b.toml"), "{e}");
    }
}
