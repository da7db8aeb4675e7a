//! Input stages: one task per `[[input]]`, lines in, detections (or forwarded alerts) out.
//!
//! Each task owns a [`source`](crate::ingest::source) and a decoder for its kind. Detections go
//! to the tracker over the bounded detections channel: when it is full the task waits, the
//! source's own channel fills and the source stops reading (file, TCP) — back-pressure all the
//! way to the sensor, nothing dropped here. A line that does not decode is counted and skipped.
//!
//! Video inputs run their own stage (see [`super::video`]).
//!
//! File inputs with `speed > 0` are paced by the `time` field of JSONL lines (measurements,
//! alerts): line `t` goes out at `start + (t - t0) / speed`. NMEA files are paced by the source
//! itself (tag-block times).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::config::{Input, InputKind};
use crate::alert::Alert;
use crate::bus::{BusHandle, topic};
use crate::detection::{Detection, Identity, Position, SensorKind, Velocity};
use crate::ingest::ais::{DeclaredLengths, Decoder, to_detection};
use crate::ingest::radar::{RadarConfig, RadarDecoder};
use crate::ingest::source::{self, SourceOptions, SourceStatus, SourceUrl};

/// What the input stages hand the tracker stage.
#[derive(Debug, Clone, PartialEq)]
pub enum DetectionMsg {
    /// One detection.
    Detection(Detection),
    /// A scan that saw nothing: tracks it covers were missed.
    EmptyScan {
        /// Scan time, seconds.
        time_s: f64,
        /// Sensor id.
        sensor: String,
        /// Sensor kind.
        kind: SensorKind,
    },
}

/// Counters one input stage publishes for the status report.
#[derive(Debug, Default)]
pub struct InputCounters {
    /// Lines received.
    pub lines: AtomicU64,
    /// Lines that did not decode or were refused.
    pub errors: AtomicU64,
    /// Detections (or alerts) handed on.
    pub out: AtomicU64,
}

/// A running input's name, status watch and counters.
#[derive(Debug, Clone)]
pub struct InputProbe {
    /// The input's name.
    pub name: String,
    /// The source's state.
    pub status: watch::Receiver<SourceStatus>,
    /// Counters.
    pub counters: Arc<InputCounters>,
}

#[derive(Debug, Deserialize)]
struct MeasLine {
    time: f64,
    sensor: String,
    #[serde(default)]
    lat: Option<f64>,
    #[serde(default)]
    lon: Option<f64>,
    #[serde(default)]
    sigma_m: Option<f64>,
    #[serde(default)]
    scan_only: bool,
    #[serde(default)]
    kind: Option<SensorKind>,
    #[serde(default)]
    mmsi: Option<u32>,
    #[serde(default)]
    sog_kn: Option<f64>,
    #[serde(default)]
    cog_deg: Option<f64>,
}

/// Parse one measurement line of the tracker batch contract.
///
/// Returns `None` for a line that is not valid (missing fields, non-finite numbers).
pub fn parse_measurement(line: &[u8]) -> Option<DetectionMsg> {
    let m: MeasLine = serde_json::from_slice(line).ok()?;
    if !m.time.is_finite() {
        return None;
    }
    let kind = m.kind.unwrap_or(SensorKind::Radar);
    if m.scan_only {
        return Some(DetectionMsg::EmptyScan { time_s: m.time, sensor: m.sensor, kind });
    }
    let (lat, lon) = (m.lat?, m.lon?);
    let sigma = m.sigma_m.unwrap_or(20.0);
    if !(lat.is_finite() && lon.is_finite() && sigma.is_finite() && sigma > 0.0) {
        return None;
    }
    let velocity = match (m.sog_kn, m.cog_deg) {
        (Some(sog_kn), Some(cog_deg)) => Some(Velocity { sog_kn, cog_deg }),
        _ => None,
    };
    Some(DetectionMsg::Detection(Detection {
        time_s: m.time,
        sensor: m.sensor,
        kind,
        position: Position::circular(lat, lon, sigma),
        velocity,
        identity: Identity { mmsi: m.mmsi, ..Identity::default() },
        length_m: None,
    }))
}

struct Pacer {
    speed: f64,
    start: Option<(f64, tokio::time::Instant)>,
}

impl Pacer {
    fn new(url: &SourceUrl) -> Self {
        let speed = match url {
            SourceUrl::File { speed, .. } => *speed,
            _ => 0.0,
        };
        Pacer { speed, start: None }
    }

    /// Wait until a line stamped `t` is due.
    async fn wait(&mut self, t: f64) {
        if self.speed <= 0.0 || !t.is_finite() {
            return;
        }
        let (t0, w0) = *self.start.get_or_insert((t, tokio::time::Instant::now()));
        let due = ((t - t0) / self.speed).max(0.0);
        tokio::time::sleep_until(w0 + Duration::from_secs_f64(due.min(86_400.0))).await;
    }
}

fn json_time(line: &[u8]) -> Option<f64> {
    #[derive(Deserialize)]
    struct T {
        time: f64,
    }
    serde_json::from_slice::<T>(line).ok().map(|t| t.time)
}

/// A line's detection time: its tag block's `c:` time (when the receiver that logged or relayed
/// it stamped one, as the radar decoder uses), else its arrival time. A replayed log thus keeps
/// its own clock, whatever the replay speed.
pub fn line_time(line: &[u8], received_s: f64) -> f64 {
    crate::ingest::nmea::parse_line(line)
        .ok()
        .and_then(|s| s.tag_block)
        .and_then(|t| t.unix_time_s)
        .filter(|t| t.is_finite())
        .unwrap_or(received_s)
}

/// Start one input stage; it ends when its source ends (files) or on `shutdown`.
///
/// Alerts inputs commit straight to `bus` (alerts never ride a lossy channel); the others send to
/// `det_tx`.
pub fn spawn(
    input: Input,
    site: String,
    line_capacity: usize,
    det_tx: mpsc::Sender<DetectionMsg>,
    bus: BusHandle,
    shutdown: CancellationToken,
) -> (InputProbe, tokio::task::JoinHandle<()>) {
    let url = match (input.kind, input.url.clone()) {
        (InputKind::Video, _) => return super::video::spawn(input, site, det_tx, shutdown),
        (_, Some(url)) => url,
        (_, None) => return super::video::failed(&input, "a line input without a URL".into()),
    };
    let opts = SourceOptions { channel_capacity: line_capacity, ..SourceOptions::default() };
    let mut src = source::spawn(url.clone(), opts);
    let counters = Arc::new(InputCounters::default());
    let probe = InputProbe { name: input.name.clone(), status: src.status.clone(), counters: counters.clone() };
    let span = tracing::info_span!("input", site = %site, input = %input.name);
    let task = tokio::spawn(tracing::Instrument::instrument(
        async move {
            let mut pacer = Pacer::new(&url);
            let mut ais = Decoder::new();
            let mut lengths = DeclaredLengths::default();
            let mut radar = RadarDecoder::new(RadarConfig::default());
            let alerts_topic = topic::alerts(&site);
            loop {
                let line = tokio::select! {
                    // Cancel-safe: observing the token and `recv` lose nothing.
                    _ = shutdown.cancelled() => break,
                    l = src.lines.recv() => match l { Some(l) => l, None => break },
                };
                counters.lines.fetch_add(1, Ordering::Relaxed);
                let bytes = line.bytes.as_slice();
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                match input.kind {
                    InputKind::Measurements => {
                        let Some(d) = parse_measurement(bytes) else {
                            counters.errors.fetch_add(1, Ordering::Relaxed);
                            continue;
                        };
                        let t = match &d {
                            DetectionMsg::Detection(d) => d.time_s,
                            DetectionMsg::EmptyScan { time_s, .. } => *time_s,
                        };
                        pacer.wait(t).await;
                        // Waiting here is the back-pressure from the tracker.
                        if det_tx.send(d).await.is_err() {
                            break;
                        }
                        counters.out.fetch_add(1, Ordering::Relaxed);
                    }
                    InputKind::Nmea => {
                        let det = if bytes.contains(&b'!') && bytes.windows(3).any(|w| w == b"VDM" || w == b"VDO") {
                            let t = line_time(bytes, line.received_s);
                            ais.push_line_at(bytes, line.received_s).and_then(|m| {
                                lengths.observe(m);
                                let mut d = to_detection(m, t, &input.sensor)?;
                                lengths.fill(&mut d);
                                Some(d)
                            })
                        } else {
                            match radar.push_line_at(bytes, line.received_s) {
                                Ok(d) => d,
                                Err(_) => {
                                    counters.errors.fetch_add(1, Ordering::Relaxed);
                                    None
                                }
                            }
                        };
                        if let Some(d) = det {
                            if det_tx.send(DetectionMsg::Detection(d)).await.is_err() {
                                break;
                            }
                            counters.out.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    InputKind::Alerts => {
                        let Ok(mut a) = serde_json::from_slice::<Alert>(bytes) else {
                            counters.errors.fetch_add(1, Ordering::Relaxed);
                            continue;
                        };
                        if a.site.is_empty() {
                            a.site = site.clone();
                        }
                        if a.site != site || !(a.lat.is_finite() && a.lon.is_finite() && a.time.is_finite()) {
                            counters.errors.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        pacer.wait(json_time(bytes).unwrap_or(a.time)).await;
                        // The commit is a synchronous SQLite write (fsync): keep it off the async workers.
                        let r = tokio::task::block_in_place(|| bus.commit_alert(&alerts_topic, &a));
                        match r {
                            Ok(_) => {
                                counters.out.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => {
                                tracing::error!(error = %e, alert = %a.id, "could not commit an alert to the outbox");
                                counters.errors.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    // Video inputs run in `super::video` (returned above).
                    InputKind::Video => break,
                }
            }
            drop(src.lines);
            let _ = src.task.await;
        },
        span,
    ));
    (probe, task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contract_line_becomes_a_detection() {
        let d = parse_measurement(
            br#"{"time": 12.5, "sensor": "radar-ka-ho", "lat": 22.1, "lon": 113.5, "sigma_m": 20.0}"#,
        );
        let Some(DetectionMsg::Detection(d)) = d else { panic!("{d:?}") };
        assert_eq!((d.time_s, d.kind, d.sensor.as_str()), (12.5, SensorKind::Radar, "radar-ka-ho"));
    }

    #[test]
    fn scan_only_lines_are_empty_scans() {
        let d = parse_measurement(br#"{"time": 3, "sensor": "r", "scan_only": true}"#);
        assert!(matches!(d, Some(DetectionMsg::EmptyScan { time_s: 3.0, .. })));
    }

    #[test]
    fn ais_lines_take_their_tag_block_time_else_arrival() {
        let cs = |s: &str| s.bytes().fold(0u8, |a, b| a ^ b);
        let vdm = "AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0";
        let plain = format!("!{vdm}*{:02X}", cs(vdm));
        let tag = "s:ais-x,c:1773340200500";
        let tagged = format!("\\{tag}*{:02X}\\{plain}", cs(tag));
        assert_eq!(line_time(tagged.as_bytes(), 5.0), 1_773_340_200.5);
        assert_eq!(line_time(plain.as_bytes(), 5.0), 5.0);
        assert_eq!(line_time(b"garbage", 7.0), 7.0);
        // The decoded detection carries it.
        let mut ais = Decoder::new();
        let m = ais.push_line_at(tagged.as_bytes(), 5.0).expect("decodes");
        let d = to_detection(m, line_time(tagged.as_bytes(), 5.0), "ais-x").expect("a position report");
        assert_eq!(d.time_s, 1_773_340_200.5);
    }

    #[test]
    fn broken_lines_are_none() {
        assert_eq!(parse_measurement(b"{"), None);
        assert_eq!(parse_measurement(br#"{"time": 1, "sensor": "r"}"#), None);
        assert_eq!(parse_measurement(br#"{"time": 1, "sensor": "r", "lat": 1, "lon": 2, "sigma_m": -1}"#), None);
    }
}
