//! `node.toml`: DESIGN.md's contract keys plus the node's own (queues, intervals, tracker),
//! parsed once and validated into a [`NodeConfig`] with errors naming file, key and reason.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::bus::{BrokerUrl, TlsFiles, topic};
use crate::ingest::source::SourceUrl;
use crate::track::TrackerConfig;

/// A config problem: which file, which key, what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{file}: {source}")]
    Read {
        /// The config file.
        file: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key or a wrong type (the parser names line and key).
    #[error("{file}: {message}")]
    Parse {
        /// The config file.
        file: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// A key parsed but its value is unusable.
    #[error("{file}: key `{key}`: {reason}")]
    Invalid {
        /// The config file.
        file: PathBuf,
        /// Dotted key path (`input[2].url`).
        key: String,
        /// Why.
        reason: String,
    },
}

/// What an `[[input]]` carries, which picks its decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// JSONL detections, the tracker batch contract's input lines.
    Measurements,
    /// NMEA 0183: AIS `!AIVDM`/`!AIVDO` and radar `TTM`/`TLL`/`OSD`/`GGA`/`RMC`/`HDT`.
    Nmea,
    /// IR video (a file path, `file://…?speed=`, `rtsp://…`, `v4l2://…`, `videotestsrc://…`) run
    /// through the hot-spot detector and geolocated by `calibration` (feature `thermal`).
    Video,
    /// Alerts from an external analyser (the alerts batch contract's lines, e.g. the output of
    /// `seawarden analyze`), forwarded through this node's outbox.
    Alerts,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    ca: PathBuf,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBroker {
    url: String,
    username: Option<String>,
    password_file: Option<PathBuf>,
    tls: Option<RawTls>,
    client_id: Option<String>,
    #[serde(default = "d_keep_alive")]
    keep_alive_s: u64,
}

fn d_keep_alive() -> u64 {
    10
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    kind: InputKind,
    url: String,
    name: Option<String>,
    sensor: Option<String>,
    calibration: Option<PathBuf>,
    /// Video only: `model` (default), `classical` or `cascade`.
    detector: Option<String>,
    /// Video only: the ONNX model (default: the shipped one).
    model: Option<PathBuf>,
    /// Video only: epoch seconds of stream time 0 (a recorded clip whose start is known).
    start_time: Option<f64>,
}

/// Channel capacities (every channel is bounded; see each key for what happens when it is full).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Queues {
    /// Lines buffered per input before the source stops reading. Default 1024.
    pub lines: usize,
    /// Detections buffered before the decoders wait for the tracker. Default 4096.
    pub detections: usize,
    /// Non-alert publishes buffered before the bus refuses new ones. Default 64.
    pub bus: usize,
}

impl Default for Queues {
    fn default() -> Self {
        Queues { lines: 1024, detections: 4096, bus: 64 }
    }
}

/// Timing of the node's periodic output.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Intervals {
    /// Retained status every this long, milliseconds. Default 5000.
    pub status_ms: u64,
    /// Track batch every this long, milliseconds (≤ 1 Hz per track per DESIGN). Default 1000.
    pub tracks_ms: u64,
    /// A pending scan is closed after this long without a new detection, milliseconds. Default 200.
    pub scan_idle_ms: u64,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals { status_ms: 5000, tracks_ms: 1000, scan_idle_ms: 200 }
    }
}

/// The outbox bound.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxConfig {
    /// Rows kept at most; past it the oldest lowest-severity alert is evicted. Default 100 000.
    pub max_rows: u64,
    /// Unacknowledged alerts in flight at most. Default 64.
    pub window: usize,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig { max_rows: crate::bus::outbox::DEFAULT_MAX_ROWS, window: 64 }
    }
}

/// The anomaly stage (`[anomaly]`): on by default, with the Macau zones and coast built in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnomalyConfig {
    /// Run the anomaly engine on the confirmed tracks and commit its alerts. Default true.
    pub enabled: bool,
    /// Folder of zone GeoJSON files (as `seawarden analyze --zones`); the built-in Macau zones
    /// when absent.
    pub zones_dir: Option<PathBuf>,
}

impl Default for AnomalyConfig {
    fn default() -> Self {
        AnomalyConfig { enabled: true, zones_dir: None }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    site: String,
    data_dir: PathBuf,
    broker: RawBroker,
    #[serde(default)]
    input: Vec<RawInput>,
    #[serde(default)]
    queues: Queues,
    #[serde(default)]
    intervals: Intervals,
    #[serde(default)]
    outbox: OutboxConfig,
    #[serde(default)]
    tracker: Option<TrackerConfig>,
    #[serde(default)]
    anomaly: AnomalyConfig,
    #[serde(default)]
    ptz: Option<RawPtz>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPtz {
    url: String,
    #[serde(default)]
    protocol: Option<String>,
    #[serde(default)]
    address: Option<u8>,
    calibration: PathBuf,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    poll_ms: Option<u64>,
    #[serde(default)]
    tolerance_deg: Option<f64>,
}

/// Where a PTZ head is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PtzUrl {
    /// `tcp://host:port`: a serial server in front of the head, or a simulated head.
    Tcp(String),
    /// `serial:///dev/ttyUSB0?baud=9600` (baud 2400, 4800 or 9600; default 9600).
    Serial {
        /// The device.
        path: String,
        /// Line speed.
        baud: u32,
    },
}

/// `[ptz]`: the pan/tilt head the node steers on `slew_to_cue` commands (see `node::cue`).
#[derive(Debug, Clone, PartialEq)]
pub struct PtzConfig {
    /// Name in status reports (default `ptz`).
    pub name: String,
    /// Where the head is.
    pub url: PtzUrl,
    /// `pelco-d` (default) or `pelco-p`.
    pub protocol: firmware_bridge::protocol::Protocol,
    /// The head's address on the wire (default 1).
    pub address: u8,
    /// Site calibration TOML whose `[pose]` relates head angles to true bearings.
    pub calibration: PathBuf,
    /// How often the head's position is polled while slewing, milliseconds (default 100).
    pub poll_ms: u64,
    /// Pan/tilt error at which the head counts as on target, degrees (default: the camera's
    /// field-of-view based default of `firmware_bridge::cue`).
    pub tolerance_deg: Option<f64>,
}

fn ptz_config(r: RawPtz, resolve: &dyn Fn(&Path) -> PathBuf) -> Result<PtzConfig, (String, String)> {
    let url = if let Some(hp) = r.url.strip_prefix("tcp://") {
        if hp.is_empty() || !hp.contains(':') {
            return Err(("ptz.url".into(), format!("{:?}: expected tcp://host:port", r.url)));
        }
        PtzUrl::Tcp(hp.trim_end_matches('/').to_owned())
    } else if let Some(rest) = r.url.strip_prefix("serial://") {
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut baud = 9600;
        for kv in query.split('&').filter(|q| !q.is_empty()) {
            match kv.split_once('=') {
                Some(("baud", v)) => {
                    baud = v.parse().map_err(|_| ("ptz.url".to_string(), format!("bad baud {v:?}")))?;
                }
                _ => return Err(("ptz.url".into(), format!("unknown serial parameter {kv:?} (only baud=…)"))),
            }
        }
        if path.is_empty() {
            return Err(("ptz.url".into(), format!("{:?}: expected serial:///dev/ttyX[?baud=9600]", r.url)));
        }
        PtzUrl::Serial { path: path.to_owned(), baud }
    } else {
        return Err(("ptz.url".into(), format!("{:?}: expected tcp://host:port or serial:///dev/…", r.url)));
    };
    let protocol = match r.protocol.as_deref() {
        None => firmware_bridge::protocol::Protocol::PelcoD,
        Some(p) => p.parse().map_err(|e| ("ptz.protocol".to_string(), e))?,
    };
    if let Some(t) = r.tolerance_deg
        && !(t.is_finite() && t > 0.0)
    {
        return Err(("ptz.tolerance_deg".into(), format!("{t} must be a positive number of degrees")));
    }
    Ok(PtzConfig {
        name: r.name.unwrap_or_else(|| "ptz".to_owned()),
        url,
        protocol,
        address: r.address.unwrap_or(1),
        calibration: resolve(&r.calibration),
        poll_ms: r.poll_ms.unwrap_or(100).max(1),
        tolerance_deg: r.tolerance_deg,
    })
}

/// Validated broker settings.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokerConfig {
    /// The broker.
    pub url: BrokerUrl,
    /// Username.
    pub username: Option<String>,
    /// Password, read from `password_file` (trailing newline stripped).
    pub password: Option<String>,
    /// TLS files, paths resolved against the config file's folder.
    pub tls: Option<TlsFiles>,
    /// MQTT client id; default `seawarden-edge-{site}`.
    pub client_id: String,
    /// Keep-alive, seconds.
    pub keep_alive_s: u64,
}

/// What a video input needs beyond the common keys.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoInput {
    /// The URI handed to GStreamer capture (a file's path, without `?speed=`).
    pub uri: String,
    /// Site calibration TOML, resolved against the config's folder; read when the input starts,
    /// so a bad one degrades this input only.
    pub calibration: PathBuf,
    /// For a file: replay factor (1 = the stream's own timing, 0 = as fast as the detector
    /// goes); `None` for a live source.
    pub file_speed: Option<f64>,
    /// `detector = "model" | "classical" | "cascade"` (checked here); `None` is the measured
    /// default, the model alone.
    pub detector: Option<String>,
    /// `model = "boats.onnx"`, resolved against the config's folder; `None` is the shipped model.
    pub model: Option<PathBuf>,
    /// `start_time = 1773340200.0`: epoch seconds of stream time 0, for a recorded clip whose
    /// start is known; frames are then stamped `start_time + stream time` instead of
    /// `wall clock at start + stream time`, so a replay keeps the clip's own clock.
    pub start_time: Option<f64>,
}

/// One validated input.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Decoder family.
    pub kind: InputKind,
    /// Where the bytes come from; `None` for a live video source (GStreamer's, not a line source).
    pub url: Option<SourceUrl>,
    /// Video settings, for `kind = "video"` only.
    pub video: Option<VideoInput>,
    /// Name in status reports; the URL when not given.
    pub name: String,
    /// Sensor id stamped on detections (`radar-{site}`, `ais-{site}` by default).
    pub sensor: String,
}

/// A validated `node.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeConfig {
    /// The file it came from.
    pub file: PathBuf,
    /// Site id (a topic level).
    pub site: String,
    /// Outbox and state live here.
    pub data_dir: PathBuf,
    /// The broker.
    pub broker: BrokerConfig,
    /// Inputs, in file order.
    pub inputs: Vec<Input>,
    /// Channel capacities.
    pub queues: Queues,
    /// Periodic output timing.
    pub intervals: Intervals,
    /// Outbox bound.
    pub outbox: OutboxConfig,
    /// Tracker settings (`[tracker]`, as `assets/track.toml`).
    pub tracker: TrackerConfig,
    /// Anomaly stage settings.
    pub anomaly: AnomalyConfig,
    /// The PTZ head steered by `slew_to_cue` commands, if any.
    pub ptz: Option<PtzConfig>,
}

impl NodeConfig {
    /// Read and validate a `node.toml`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, the key and the reason.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { file: path.to_path_buf(), source })?;
        Self::from_toml(&text, path)
    }

    /// Validate `node.toml` text; relative paths resolve against `file`'s folder.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, the key and the reason.
    pub fn from_toml(text: &str, file: &Path) -> Result<Self, ConfigError> {
        let f = file.to_path_buf();
        let raw: Raw = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { file: f.clone(), message: e.to_string().trim().to_string() })?;
        let invalid =
            |key: &str, reason: String| ConfigError::Invalid { file: f.clone(), key: key.to_string(), reason };
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let resolve =
            |p: &Path| if p.is_absolute() || base.as_os_str().is_empty() { p.to_path_buf() } else { base.join(p) };

        if !topic::valid_segment(&raw.site) {
            return Err(invalid(
                "site",
                format!("{:?} must be a site id: lowercase letters, digits, '-', '_'", raw.site),
            ));
        }
        let url: BrokerUrl = raw.broker.url.parse().map_err(|e| invalid("broker.url", format!("{e}")))?;
        let tls = raw.broker.tls.map(|t| TlsFiles {
            ca: resolve(&t.ca),
            cert: t.cert.as_deref().map(resolve),
            key: t.key.as_deref().map(resolve),
        });
        if let Some(t) = &tls {
            for (k, p) in [
                ("broker.tls.ca", Some(&t.ca)),
                ("broker.tls.cert", t.cert.as_ref()),
                ("broker.tls.key", t.key.as_ref()),
            ] {
                if let Some(p) = p {
                    if !p.is_file() {
                        return Err(invalid(k, format!("{} does not exist", p.display())));
                    }
                }
            }
            if t.cert.is_some() != t.key.is_some() {
                return Err(invalid("broker.tls", "cert and key go together".into()));
            }
        }
        if url.tls && tls.is_none() {
            return Err(invalid("broker.tls", "mqtts:// needs tls = { ca = ..., cert = ..., key = ... }".into()));
        }
        let password = match &raw.broker.password_file {
            Some(p) => {
                let p = resolve(p);
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| invalid("broker.password_file", format!("{}: {e}", p.display())))?;
                Some(text.trim_end_matches(['\r', '\n']).to_string())
            }
            None => None,
        };
        if password.is_some() && raw.broker.username.is_none() {
            return Err(invalid("broker.username", "password_file is set but username is not".into()));
        }
        if raw.broker.keep_alive_s == 0 || raw.broker.keep_alive_s > 3600 {
            return Err(invalid("broker.keep_alive_s", "must be 1..=3600".into()));
        }
        let broker = BrokerConfig {
            url,
            username: raw.broker.username,
            password,
            tls,
            client_id: raw.broker.client_id.unwrap_or_else(|| format!("seawarden-edge-{}", raw.site)),
            keep_alive_s: raw.broker.keep_alive_s,
        };

        if raw.input.is_empty() {
            return Err(invalid("input", "at least one [[input]] is needed".into()));
        }
        let mut inputs = Vec::new();
        for (i, r) in raw.input.into_iter().enumerate() {
            let key = format!("input[{i}]");
            if r.kind == InputKind::Video {
                inputs.push(video_input(r, &key, &raw.site, &resolve).map_err(|(k, why)| invalid(&k, why))?);
                continue;
            }
            if r.calibration.is_some() {
                return Err(invalid(&format!("{key}.calibration"), "only video inputs take a calibration".into()));
            }
            if r.detector.is_some() || r.model.is_some() || r.start_time.is_some() {
                let k = if r.detector.is_some() {
                    "detector"
                } else if r.model.is_some() {
                    "model"
                } else {
                    "start_time"
                };
                return Err(invalid(&format!("{key}.{k}"), format!("only video inputs take a {k}")));
            }
            let mut url: SourceUrl = r.url.parse().map_err(|e| invalid(&format!("{key}.url"), format!("{e}")))?;
            if let SourceUrl::File { path, .. } = &mut url {
                *path = resolve(path);
                if !path.is_file() {
                    return Err(invalid(&format!("{key}.url"), format!("{} does not exist", path.display())));
                }
            }
            let sensor = r.sensor.unwrap_or_else(|| match r.kind {
                InputKind::Nmea => format!("ais-{}", raw.site),
                _ => format!("radar-{}", raw.site),
            });
            inputs.push(Input {
                kind: r.kind,
                name: r.name.unwrap_or_else(|| r.url.clone()),
                url: Some(url),
                video: None,
                sensor,
            });
        }
        for (k, v) in [
            ("queues.lines", raw.queues.lines),
            ("queues.detections", raw.queues.detections),
            ("queues.bus", raw.queues.bus),
        ] {
            if v == 0 {
                return Err(invalid(k, "must be at least 1".into()));
            }
        }
        for (k, v) in [
            ("intervals.status_ms", raw.intervals.status_ms),
            ("intervals.tracks_ms", raw.intervals.tracks_ms),
            ("intervals.scan_idle_ms", raw.intervals.scan_idle_ms),
        ] {
            if v == 0 {
                return Err(invalid(k, "must be at least 1".into()));
            }
        }
        if raw.outbox.max_rows == 0 || raw.outbox.window == 0 || raw.outbox.window > 1000 {
            return Err(invalid("outbox", "max_rows ≥ 1 and window in 1..=1000".into()));
        }
        let mut tracker = raw.tracker.unwrap_or_default();
        if tracker.site.is_empty() {
            tracker.site = raw.site.clone();
        }
        tracker.validate(&f.display().to_string()).map_err(|e| invalid("tracker", e.to_string()))?;
        let mut anomaly = raw.anomaly;
        if let Some(d) = &anomaly.zones_dir {
            let d = resolve(d);
            if !d.is_dir() {
                return Err(invalid("anomaly.zones_dir", format!("{} is not a folder", d.display())));
            }
            anomaly.zones_dir = Some(d);
        }
        let ptz = match raw.ptz {
            Some(r) => Some(ptz_config(r, &resolve).map_err(|(k, why)| invalid(&k, why))?),
            None => None,
        };
        Ok(NodeConfig {
            file: f.clone(),
            site: raw.site,
            data_dir: resolve(&raw.data_dir),
            broker,
            inputs,
            queues: raw.queues,
            intervals: raw.intervals,
            outbox: raw.outbox,
            tracker,
            anomaly,
            ptz,
        })
    }

    /// True when every input is a file: the node exits once they are processed and the outbox
    /// is empty (batch replay).
    pub fn is_batch(&self) -> bool {
        self.inputs.iter().all(|i| matches!(i.url, Some(SourceUrl::File { .. })))
    }
}

/// Validate a `kind = "video"` input: a URL and a calibration. Neither the file nor the
/// calibration is opened here: a missing camera or a bad calibration fails that input at run
/// time (logged, in the status report) while the node's other inputs keep going.
#[cfg(feature = "thermal")]
fn video_input(
    r: RawInput,
    key: &str,
    site: &str,
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<Input, (String, String)> {
    let Some(calibration) = r.calibration.as_deref() else {
        return Err((
            format!("{key}.calibration"),
            "video inputs need `calibration = \"site.toml\"` (a site calibration, as assets/calibration/)".into(),
        ));
    };
    if let Some(d) = &r.detector
        && !matches!(d.as_str(), "model" | "classical" | "cascade" | "onnx" | "hotspot" | "verified")
    {
        return Err((format!("{key}.detector"), format!("unknown detector {d:?}: expected model, classical or cascade")));
    }
    if let Some(t) = r.start_time
        && !(t.is_finite() && t >= 0.0)
    {
        return Err((format!("{key}.start_time"), format!("{t} must be epoch seconds (finite, not negative)")));
    }
    let (url, uri, file_speed) = if r.url.starts_with("file://") {
        let Ok(SourceUrl::File { path, speed }) = r.url.parse::<SourceUrl>() else {
            return Err((format!("{key}.url"), format!("{:?} is not a file:///absolute/path[?speed=S] URL", r.url)));
        };
        let uri = path.display().to_string();
        (Some(SourceUrl::File { path, speed }), uri, Some(speed))
    } else if r.url.contains("://") {
        (None, r.url.clone(), None)
    } else {
        let path = resolve(Path::new(&r.url));
        let uri = path.display().to_string();
        (Some(SourceUrl::File { path, speed: 1.0 }), uri, Some(1.0))
    };
    Ok(Input {
        kind: InputKind::Video,
        name: r.name.unwrap_or_else(|| r.url.clone()),
        url,
        video: Some(VideoInput {
            uri,
            calibration: resolve(calibration),
            file_speed,
            detector: r.detector,
            model: r.model.as_deref().map(resolve),
            start_time: r.start_time,
        }),
        sensor: r.sensor.unwrap_or_else(|| format!("ir-{site}")),
    })
}

/// Without the `thermal` feature there is no GStreamer: refuse video inputs up front.
#[cfg(not(feature = "thermal"))]
fn video_input(
    _r: RawInput,
    key: &str,
    _site: &str,
    _resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<Input, (String, String)> {
    Err((
        format!("{key}.kind"),
        "video inputs need the `thermal` feature (GStreamer); this seawarden was built without it".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(extra: &str) -> Result<NodeConfig, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("m.jsonl"), "").unwrap();
        let text = format!(
            "site = \"hac-sa\"\ndata_dir = \"d\"\n[broker]\nurl = \"mqtt://127.0.0.1:1883\"\n{extra}\n[[input]]\nkind = \"measurements\"\nurl = \"file://{}?speed=0\"\n",
            dir.path().join("m.jsonl").display()
        );
        NodeConfig::from_toml(&text, &dir.path().join("node.toml"))
    }

    #[test]
    fn a_minimal_config_is_valid_and_batch() {
        let c = cfg("").unwrap();
        assert_eq!(c.site, "hac-sa");
        assert_eq!(c.broker.client_id, "seawarden-edge-hac-sa");
        assert!(c.is_batch());
        assert!(c.data_dir.ends_with("d"));
    }

    #[test]
    fn an_unknown_key_names_the_file_and_key() {
        let e = cfg("bogus = 1").unwrap_err().to_string();
        assert!(e.contains("node.toml") && e.contains("bogus"), "{e}");
    }

    #[test]
    fn a_bad_url_names_its_key() {
        let e = cfg("").map(|_| ()).and_then(|_| {
            NodeConfig::from_toml("site = \"a\"\ndata_dir = \"d\"\n[broker]\nurl = \"http://x\"\n", Path::new("n.toml"))
                .map(|_| ())
        });
        let e = e.unwrap_err().to_string();
        assert!(e.contains("n.toml") && e.contains("broker.url"), "{e}");
    }

    #[test]
    fn mqtts_without_tls_files_is_refused() {
        let e = NodeConfig::from_toml(
            "site = \"a\"\ndata_dir = \"d\"\n[broker]\nurl = \"mqtts://x\"\n",
            Path::new("n.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("broker.tls"), "{e}");
    }

    #[test]
    fn a_site_that_is_not_a_topic_level_is_refused() {
        let e = NodeConfig::from_toml(
            "site = \"Hac/Sa\"\ndata_dir = \"d\"\n[broker]\nurl = \"mqtt://x\"\n",
            Path::new("n.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("key `site`"), "{e}");
    }

    #[test]
    fn a_ptz_section_is_parsed_and_checked() {
        let cfg = |ptz: &str| {
            NodeConfig::from_toml(
                &format!(
                    "site = \"a\"\ndata_dir = \"d\"\n[broker]\nurl = \"mqtt://x\"\n\
                     [[input]]\nkind = \"nmea\"\nurl = \"udp://127.0.0.1:0\"\n[ptz]\n{ptz}"
                ),
                Path::new("/etc/n.toml"),
            )
        };
        let c = cfg("url = \"tcp://10.0.0.9:4001\"\ncalibration = \"cal.toml\"\n").unwrap();
        let p = c.ptz.unwrap();
        assert_eq!(p.url, PtzUrl::Tcp("10.0.0.9:4001".into()));
        assert_eq!((p.address, p.protocol.name(), p.name.as_str()), (1, "pelco-d", "ptz"));
        assert_eq!(p.calibration, Path::new("/etc/cal.toml"));
        let c = cfg("url = \"serial:///dev/ttyUSB0?baud=4800\"\nprotocol = \"pelco-p\"\naddress = 0\ncalibration = \"/c.toml\"\n")
            .unwrap();
        let p = c.ptz.unwrap();
        assert_eq!(p.url, PtzUrl::Serial { path: "/dev/ttyUSB0".into(), baud: 4800 });
        assert_eq!((p.address, p.protocol.name()), (0, "pelco-p"));
        let e = cfg("url = \"udp://x:1\"\ncalibration = \"c\"\n").unwrap_err().to_string();
        assert!(e.contains("ptz.url"), "{e}");
        let e = cfg("url = \"tcp://x:1\"\nprotocol = \"visca\"\ncalibration = \"c\"\n").unwrap_err().to_string();
        assert!(e.contains("ptz.protocol") && e.contains("pelco-d or pelco-p"), "{e}");
        assert!(cfg("url = \"tcp://x:1\"\n").is_err(), "the calibration is required");
    }

    fn video(extra: &str) -> Result<NodeConfig, ConfigError> {
        NodeConfig::from_toml(
            &format!(
                "site = \"a\"\ndata_dir = \"d\"\n[broker]\nurl = \"mqtt://x\"\n[[input]]\nkind = \"video\"\n{extra}"
            ),
            Path::new("/etc/n.toml"),
        )
    }

    #[cfg(feature = "thermal")]
    #[test]
    fn video_inputs_need_a_calibration_and_resolve_paths() {
        let e = video("url = \"rtsp://10.0.0.5/s\"\n").unwrap_err().to_string();
        assert!(e.contains("input[0].calibration"), "{e}");
        let c = video("url = \"clip.mkv\"\ncalibration = \"cal.toml\"\n").unwrap();
        let v = c.inputs[0].video.as_ref().unwrap();
        assert_eq!((v.uri.as_str(), v.file_speed), ("/etc/clip.mkv", Some(1.0)));
        assert_eq!(v.calibration, Path::new("/etc/cal.toml"));
        assert_eq!(c.inputs[0].sensor, "ir-a");
        assert!(c.is_batch());
        let c = video("url = \"rtsp://10.0.0.5/s\"\ncalibration = \"/c.toml\"\n").unwrap();
        assert!(c.inputs[0].url.is_none() && !c.is_batch());
        let c = video("url = \"file:///v/a.mkv?speed=0\"\ncalibration = \"/c.toml\"\n").unwrap();
        assert_eq!(c.inputs[0].video.as_ref().unwrap().file_speed, Some(0.0));
        assert_eq!(c.inputs[0].video.as_ref().unwrap().detector, None);
        assert_eq!(c.inputs[0].video.as_ref().unwrap().start_time, None);
        let c =
            video("url = \"file:///v/a.mkv?speed=4\"\ncalibration = \"/c.toml\"\nstart_time = 1773340200.5\n").unwrap();
        assert_eq!(c.inputs[0].video.as_ref().unwrap().start_time, Some(1_773_340_200.5));
        let e = video("url = \"a.mkv\"\ncalibration = \"c.toml\"\nstart_time = -1.0\n").unwrap_err().to_string();
        assert!(e.contains("input[0].start_time"), "{e}");
        let c =
            video("url = \"a.mkv\"\ncalibration = \"c.toml\"\ndetector = \"classical\"\nmodel = \"m.onnx\"\n").unwrap();
        let v = c.inputs[0].video.as_ref().unwrap();
        assert_eq!(v.detector.as_deref(), Some("classical"));
        assert!(v.model.as_ref().unwrap().is_absolute());
        let e = video("url = \"a.mkv\"\ncalibration = \"c.toml\"\ndetector = \"yolo\"\n").unwrap_err().to_string();
        assert!(e.contains("detector") && e.contains("model, classical or cascade"), "{e}");
    }

    #[cfg(not(feature = "thermal"))]
    #[test]
    fn video_inputs_are_refused_without_the_thermal_feature() {
        let e = video("url = \"clip.mkv\"\ncalibration = \"cal.toml\"\n").unwrap_err().to_string();
        assert!(e.contains("input[0].kind") && e.contains("thermal"), "{e}");
    }

    #[test]
    fn a_missing_input_file_is_refused() {
        let e = NodeConfig::from_toml(
            "site = \"a\"\ndata_dir = \"d\"\n[broker]\nurl = \"mqtt://x\"\n[[input]]\nkind = \"nmea\"\nurl = \"file:///nonexistent/x.nmea\"\n",
            Path::new("n.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("input[0].url"), "{e}");
    }
}
