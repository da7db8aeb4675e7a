//! How to reach the broker: URL, credentials, TLS material, session and flow-control settings.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rumqttc::{LastWill, MqttOptions, QoS, TlsConfiguration, Transport};
use tokio_rustls::rustls;

use super::error::BusError;
use crate::ingest::source::BackoffConfig;

/// A parsed broker URL: `mqtt://host:port` (plain) or `mqtts://host:port` (TLS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    /// True for `mqtts://`.
    pub tls: bool,
    /// Host name or IP literal.
    pub host: String,
    /// Port; 1883 (plain) or 8883 (TLS) when omitted.
    pub port: u16,
}

impl std::str::FromStr for BrokerUrl {
    type Err = BusError;
    fn from_str(url: &str) -> Result<Self, BusError> {
        let bad = |reason| BusError::BadUrl { url: url.to_string(), reason };
        let (tls, rest) = if let Some(r) = url.strip_prefix("mqtt://").or_else(|| url.strip_prefix("tcp://")) {
            (false, r)
        } else if let Some(r) = url.strip_prefix("mqtts://").or_else(|| url.strip_prefix("ssl://")) {
            (true, r)
        } else {
            return Err(bad("scheme must be mqtt:// or mqtts://"));
        };
        let rest = rest.trim_end_matches('/');
        if rest.is_empty() {
            return Err(bad("no host"));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') => {
                (h, p.parse::<u16>().map_err(|_| bad("port is not a number 0-65535"))?)
            }
            _ => (rest, if tls { 8883 } else { 1883 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(bad("no host"));
        }
        Ok(BrokerUrl { tls, host: host.to_string(), port })
    }
}

/// PEM files for TLS: the CA that signed the broker, and this client's certificate and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// CA certificate(s), PEM.
    pub ca: PathBuf,
    /// Client certificate chain, PEM (optional: server-auth-only TLS without it).
    pub cert: Option<PathBuf>,
    /// Client private key, PEM.
    pub key: Option<PathBuf>,
}

/// Build a rustls client configuration (ring provider, TLS 1.2/1.3) from PEM files.
///
/// # Errors
/// [`BusError::Tls`] naming the file that could not be read or parsed.
pub fn rustls_config(files: &TlsFiles) -> Result<rustls::ClientConfig, BusError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let tls_err = |what, path: &Path, reason: String| BusError::Tls { what, path: path.to_path_buf(), reason };
    let mut roots = rustls::RootCertStore::empty();
    let cas: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.ca)
        .map_err(|e| tls_err("ca", &files.ca, e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| tls_err("ca", &files.ca, e.to_string()))?;
    if cas.is_empty() {
        return Err(tls_err("ca", &files.ca, "no certificate in file".into()));
    }
    for c in cas {
        roots.add(c).map_err(|e| tls_err("ca", &files.ca, e.to_string()))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err("ca", &files.ca, e.to_string()))?
        .with_root_certificates(roots);
    match (&files.cert, &files.key) {
        (Some(cert), Some(key)) => {
            let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
                .map_err(|e| tls_err("cert", cert, e.to_string()))?
                .collect::<Result<_, _>>()
                .map_err(|e| tls_err("cert", cert, e.to_string()))?;
            let k = PrivateKeyDer::from_pem_file(key).map_err(|e| tls_err("key", key, e.to_string()))?;
            builder.with_client_auth_cert(chain, k).map_err(|e| tls_err("cert", cert, e.to_string()))
        }
        (None, None) => Ok(builder.with_no_client_auth()),
        (Some(cert), None) => Err(tls_err("key", cert, "a client certificate needs its key".into())),
        (None, Some(key)) => Err(tls_err("cert", key, "a client key needs its certificate".into())),
    }
}

/// Everything [`bus`](super::bus) needs to connect and behave; `Default` is a loopback client.
#[derive(Debug, Clone)]
pub struct BusOptions {
    /// Broker URL.
    pub url: BrokerUrl,
    /// MQTT client id: stable per node (`seawarden-edge-{site}`), so the broker keeps its session.
    pub client_id: String,
    /// Username, when the broker wants one (mosquitto password file, ACL `%u`).
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
    /// TLS files; required for `mqtts://`.
    pub tls: Option<TlsFiles>,
    /// MQTT keep-alive, seconds: how soon a dead link is noticed (and the LWT fires, 1.5×).
    pub keep_alive_s: u64,
    /// Clean session (`false` per DESIGN: the broker keeps subscriptions and queued QoS 1 messages).
    pub clean_session: bool,
    /// Last will: `(topic, payload)`, published retained at QoS 1 by the broker when we vanish.
    pub last_will: Option<(String, Vec<u8>)>,
    /// Topic filters to subscribe on every connect, with their QoS.
    pub subscriptions: Vec<(String, QoS)>,
    /// Outbox database; `None` for a client that never publishes alerts (listener, console).
    pub outbox: Option<PathBuf>,
    /// Outbox bound, rows.
    pub outbox_max_rows: u64,
    /// Alerts in flight (sent, not yet acknowledged) at most. Default 64.
    pub alert_window: usize,
    /// Reconnect backoff (jittered, capped).
    pub backoff: BackoffConfig,
    /// Received messages buffered for the consumer before the loop waits. Default 1024.
    pub incoming_capacity: usize,
    /// TCP connect timeout, seconds.
    pub connect_timeout_s: u64,
}

impl Default for BusOptions {
    fn default() -> Self {
        BusOptions {
            url: BrokerUrl { tls: false, host: "127.0.0.1".into(), port: 1883 },
            client_id: "seawarden".into(),
            username: None,
            password: None,
            tls: None,
            keep_alive_s: 10,
            clean_session: false,
            last_will: None,
            subscriptions: vec![],
            outbox: None,
            outbox_max_rows: super::outbox::DEFAULT_MAX_ROWS,
            alert_window: 64,
            backoff: BackoffConfig { initial_ms: 200, max_ms: 10_000, multiplier: 2.0, jitter: 0.3 },
            incoming_capacity: 1024,
            connect_timeout_s: 5,
        }
    }
}

impl BusOptions {
    /// rumqttc's options for these settings.
    ///
    /// # Errors
    /// [`BusError::Tls`] when the TLS files are unusable; [`BusError::BadUrl`] for `mqtts://`
    /// without TLS files.
    pub fn mqtt_options(&self) -> Result<MqttOptions, BusError> {
        let mut o = MqttOptions::new(self.client_id.clone(), self.url.host.clone(), self.url.port);
        o.set_keep_alive(Duration::from_secs(self.keep_alive_s.max(1)));
        o.set_clean_session(self.clean_session);
        // rumqttc numbers QoS 1 publishes 1..=inflight; leave room above the alert window for status.
        let inflight = (self.alert_window + 16).min(u16::MAX as usize) as u16;
        o.set_inflight(inflight);
        o.set_max_packet_size(super::msg::MAX_PAYLOAD_BYTES + 4096, super::msg::MAX_PAYLOAD_BYTES + 4096);
        if let Some(u) = &self.username {
            o.set_credentials(u.clone(), self.password.clone().unwrap_or_default());
        }
        if let Some((topic, payload)) = &self.last_will {
            o.set_last_will(LastWill::new(topic.clone(), payload.clone(), QoS::AtLeastOnce, true));
        }
        match (&self.tls, self.url.tls) {
            (Some(files), _) => {
                let cfg = rustls_config(files)?;
                o.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(Arc::new(cfg))));
            }
            (None, true) => {
                return Err(BusError::BadUrl {
                    url: format!("mqtts://{}:{}", self.url.host, self.url.port),
                    reason: "mqtts:// needs [broker] tls = { ca = ... }",
                });
            }
            (None, false) => {}
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_default_ports() {
        let u: BrokerUrl = "mqtt://127.0.0.1".parse().unwrap();
        assert_eq!(u, BrokerUrl { tls: false, host: "127.0.0.1".into(), port: 1883 });
        let u: BrokerUrl = "mqtts://broker.local:9999/".parse().unwrap();
        assert_eq!(u, BrokerUrl { tls: true, host: "broker.local".into(), port: 9999 });
        let u: BrokerUrl = "mqtts://[::1]".parse().unwrap();
        assert_eq!(u.port, 8883);
    }

    #[test]
    fn bad_urls_say_why() {
        for bad in ["http://x", "mqtt://", "mqtt://h:99999"] {
            assert!(matches!(bad.parse::<BrokerUrl>(), Err(BusError::BadUrl { .. })), "{bad}");
        }
    }
}
