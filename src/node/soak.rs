//! A bounded soak on loopback (`seawarden bench soak`): N edge processes × M tracks at 1 Hz plus
//! a steady trickle of alerts into one broker, a listener standing in for the console, for a
//! fixed time. Reports edge RSS over time and latency percentiles; stops by itself.
//!
//! Each node reads two TCP inputs served by the soak: measurements (the tracker contract's JSONL,
//! one scan of M boats a second, `time` = the wall clock at generation) and alerts (one a second,
//! `time` = generation time). Alert latency is listener receipt − generation: sensor line → node
//! input → outbox commit (fsync) → broker → listener. Track lag is receipt − the batch's scan time.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rumqttc::QoS;
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::alert::{Alert, AlertId, AlertKind, Reason, Severity};
use crate::bus::client::now_s;
use crate::bus::{BusOptions, Message, bus, topic};

/// What to run.
#[derive(Debug, Clone)]
pub struct SoakOptions {
    /// Edge processes.
    pub nodes: usize,
    /// Tracks per node (1 Hz each).
    pub tracks: usize,
    /// How long to run.
    pub duration: Duration,
    /// Alerts per second per node.
    pub alerts_hz: f64,
    /// The `seawarden` binary to run edges with.
    pub edge_bin: PathBuf,
    /// Broker URL; `None` starts a private mosquitto on a free loopback port.
    pub broker_url: Option<String>,
    /// Scratch folder (configs, outboxes, broker files).
    pub work_dir: PathBuf,
}

/// Percentiles of a latency sample, milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Percentiles {
    /// Samples.
    pub n: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles of a sample (also used by `seawarden demo`).
    pub fn of(mut v: Vec<f64>) -> Self {
        if v.is_empty() {
            return Percentiles::default();
        }
        v.sort_by(f64::total_cmp);
        let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
        Percentiles { n: v.len(), p50_ms: q(0.5), p99_ms: q(0.99), max_ms: v[v.len() - 1] }
    }
}

/// What the soak measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SoakReport {
    /// Nodes run.
    pub nodes: usize,
    /// Tracks per node.
    pub tracks: usize,
    /// Seconds run.
    pub seconds: f64,
    /// Alerts generated.
    pub alerts_sent: u64,
    /// Distinct alerts heard by the listener.
    pub alerts_heard: u64,
    /// Alert latency, generation → listener.
    pub alert_latency: Percentiles,
    /// Track batch lag, scan time → listener, per minute of the run (lag build-up shows here).
    pub track_lag_by_minute: Vec<Percentiles>,
    /// Track batches heard.
    pub track_batches: u64,
    /// Mean tracks per batch heard.
    pub mean_tracks_per_batch: f64,
    /// Largest edge RSS per minute, MiB (growth shows here).
    pub edge_rss_max_mib_by_minute: Vec<f64>,
    /// Largest edge RSS over the run, MiB.
    pub edge_rss_max_mib: f64,
}

/// Soak failures.
#[derive(Debug, thiserror::Error)]
pub enum SoakError {
    /// A file, socket or process could not be set up.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The listener's bus failed.
    #[error(transparent)]
    Bus(#[from] crate::bus::BusError),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> SoakError {
    let what = what.into();
    move |source| SoakError::Io { what, source }
}

struct Kill(Vec<Child>);
impl Drop for Kill {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
        }
        for c in &mut self.0 {
            let _ = c.wait();
        }
    }
}

fn rss_mib(pid: u32) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn start_mosquitto(dir: &Path) -> Result<(Child, u16), SoakError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(io("free port"))?
        .local_addr()
        .map_err(io("free port"))?
        .port();
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!("listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\npersistence false\n"),
    )
    .map_err(io("writing mosquitto.conf"))?;
    let child = Command::new("mosquitto")
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(io("starting mosquitto"))?;
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > Duration::from_secs(20) {
            return Err(SoakError::Io {
                what: "mosquitto did not start".into(),
                source: std::io::ErrorKind::TimedOut.into(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((child, port))
}

/// Run the soak; it ends by itself after `opts.duration`.
///
/// # Errors
/// [`SoakError`] when processes, sockets or files cannot be set up.
pub async fn run(opts: SoakOptions) -> Result<SoakReport, SoakError> {
    std::fs::create_dir_all(&opts.work_dir).map_err(io("creating the work dir"))?;
    let mut procs = Kill(vec![]);
    let url = match &opts.broker_url {
        Some(u) => u.clone(),
        None => {
            let (c, port) = start_mosquitto(&opts.work_dir)?;
            procs.0.push(c);
            format!("mqtt://127.0.0.1:{port}")
        }
    };
    // The listener first, so it hears everything.
    let lopts = BusOptions {
        url: url.parse()?,
        client_id: "soak-console".into(),
        subscriptions: vec![(topic::all(), QoS::AtLeastOnce)],
        ..BusOptions::default()
    };
    let (_lh, mut ll) = bus(lopts, 8)?;
    let mut rx = ll.incoming();
    let stop = CancellationToken::new();
    let ltask = tokio::spawn(ll.run(stop.clone()));

    let stop_gen = CancellationToken::new();
    let mut gens = Vec::new();
    let mut edges = Vec::new();
    let mut alerts_sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    for i in 0..opts.nodes {
        let site = format!("soak-{i:02}");
        let meas = TcpListener::bind("127.0.0.1:0").await.map_err(io("binding a sensor port"))?;
        let alerts = TcpListener::bind("127.0.0.1:0").await.map_err(io("binding a sensor port"))?;
        let (mp, ap) = (meas.local_addr().map_err(io("addr"))?.port(), alerts.local_addr().map_err(io("addr"))?.port());
        let cfg = opts.work_dir.join(format!("{site}.toml"));
        std::fs::write(
            &cfg,
            format!(
                // The anomaly stage is off: the soak measures the bus and the tracker, and counts only
                // the alerts it generated itself.
                "site = \"{site}\"\ndata_dir = \"{}\"\n[broker]\nurl = \"{url}\"\n[intervals]\nstatus_ms = 5000\ntracks_ms = 1000\nscan_idle_ms = 100\n[anomaly]\nenabled = false\n\
                 [[input]]\nkind = \"measurements\"\nurl = \"tcp://127.0.0.1:{mp}\"\n[[input]]\nkind = \"alerts\"\nurl = \"tcp://127.0.0.1:{ap}\"\n",
                opts.work_dir.join(format!("data-{site}")).display()
            ),
        )
        .map_err(io("writing a node config"))?;
        let log = std::fs::File::create(opts.work_dir.join(format!("{site}.log"))).map_err(io("edge log"))?;
        let child = Command::new(&opts.edge_bin)
            .arg("edge")
            .arg("--config")
            .arg(&cfg)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(io("starting an edge"))?;
        edges.push(child.id());
        procs.0.push(child);
        gens.push(tokio::spawn(gen_measurements(meas, site.clone(), i, opts.tracks, stop_gen.clone())));
        let sent = alerts_sent.clone();
        gens.push(tokio::spawn(gen_alerts(alerts, site, opts.alerts_hz, sent, stop_gen.clone())));
    }
    let _ = &mut alerts_sent;

    let start = Instant::now();
    let mut report = SoakReport { nodes: opts.nodes, tracks: opts.tracks, ..SoakReport::default() };
    let mut alert_lat = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut lag_minute: Vec<f64> = Vec::new();
    let mut rss_minute = 0.0f64;
    let mut tracks_total = 0u64;
    let mut rss_tick = tokio::time::interval(Duration::from_secs(5));
    let minute = Duration::from_secs(60);
    let mut next_minute = start + minute;
    let end = start + opts.duration;
    let mut drain_until: Option<Instant> = None;
    loop {
        let now = Instant::now();
        if now >= end && drain_until.is_none() {
            stop_gen.cancel();
            drain_until = Some(now + Duration::from_secs(3));
        }
        if drain_until.is_some_and(|d| now >= d) {
            break;
        }
        if now >= next_minute {
            report.track_lag_by_minute.push(Percentiles::of(std::mem::take(&mut lag_minute)));
            report.edge_rss_max_mib_by_minute.push(rss_minute);
            rss_minute = 0.0;
            next_minute += minute;
        }
        tokio::select! {
            // Cancel-safe: `recv` loses nothing.
            r = rx.recv() => {
                let Some(r) = r else { break };
                match r.message {
                    Ok(Message::Alert(a)) if seen.insert(a.alert.id.0.clone()) => {
                        alert_lat.push((r.received_s - a.alert.time) * 1000.0);
                    }
                    Ok(Message::Tracks(t)) => {
                        report.track_batches += 1;
                        tracks_total += t.tracks.len() as u64;
                        if !t.tracks.is_empty() {
                            lag_minute.push((r.received_s - t.time) * 1000.0);
                        }
                    }
                    _ => {}
                }
            }
            // Cancel-safe: `Interval::tick`.
            _ = rss_tick.tick() => {
                for pid in &edges {
                    if let Some(m) = rss_mib(*pid) {
                        rss_minute = rss_minute.max(m);
                        report.edge_rss_max_mib = report.edge_rss_max_mib.max(m);
                    }
                }
            }
        }
    }
    // The last, partial minute (the drain) only when it has samples of its own.
    if lag_minute.len() > 10 && rss_minute > 0.0 {
        report.track_lag_by_minute.push(Percentiles::of(lag_minute));
        report.edge_rss_max_mib_by_minute.push(rss_minute);
    }
    report.seconds = start.elapsed().as_secs_f64();
    report.alerts_sent = alerts_sent.load(std::sync::atomic::Ordering::Relaxed);
    report.alerts_heard = seen.len() as u64;
    report.alert_latency = Percentiles::of(alert_lat);
    report.mean_tracks_per_batch =
        if report.track_batches > 0 { tracks_total as f64 / report.track_batches as f64 } else { 0.0 };
    for g in gens {
        g.abort();
    }
    drop(procs);
    stop.cancel();
    let _ = ltask.await;
    Ok(report)
}

/// Serve one scan of `tracks` boats a second to the node that connects.
async fn gen_measurements(l: TcpListener, site: String, node: usize, tracks: usize, stop: CancellationToken) {
    let Ok((mut s, _)) = l.accept().await else { return };
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let t0 = now_s();
    let (lat0, lon0) = (22.05 + 0.01 * node as f64, 113.50 + 0.005 * node as f64);
    let mut buf = String::with_capacity(tracks * 100);
    loop {
        tokio::select! {
            // Cancel-safe: observing the token; `Interval::tick` keeps its schedule.
            _ = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        let t = now_s();
        buf.clear();
        for j in 0..tracks {
            // Boats on a 25 x 20 grid 400 m apart, each moving at ~5 kn on its own heading.
            let (r, c) = ((j / 25) as f64, (j % 25) as f64);
            let hdg = (j as f64 * 0.7).sin();
            let dn = 2.5 * (t - t0) * hdg.cos();
            let de = 2.5 * (t - t0) * hdg.sin();
            let lat = lat0 + (r * 400.0 + dn) / 111_320.0;
            let lon = lon0 + (c * 400.0 + de) / (111_320.0 * lat0.to_radians().cos());
            buf.push_str(&format!("{{\"time\": {t:.3}, \"sensor\": \"radar-{site}\", \"lat\": {lat:.7}, \"lon\": {lon:.7}, \"sigma_m\": 10.0}}\n"));
        }
        if s.write_all(buf.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Serve `hz` alerts a second, each stamped with its generation time.
async fn gen_alerts(
    l: TcpListener,
    site: String,
    hz: f64,
    sent: std::sync::Arc<std::sync::atomic::AtomicU64>,
    stop: CancellationToken,
) {
    let Ok((mut s, _)) = l.accept().await else { return };
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / hz.max(0.01)));
    let mut n = 0u32;
    loop {
        tokio::select! {
            // Cancel-safe: observing the token; `Interval::tick` keeps its schedule.
            _ = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        let t = now_s();
        let kind = AlertKind::ALL[n as usize % AlertKind::ALL.len()];
        let a = Alert {
            time: t,
            id: AlertId::derive(&site, &n.to_string(), kind, t),
            site: site.clone(),
            kind,
            severity: Severity::High,
            track_id: n.to_string(),
            lat: 22.1,
            lon: 113.55,
            mmsi: None,
            reasons: vec![Reason { rule: "soak".into(), value: 1.0, threshold: 0.0 }],
            evidence: vec![],
            update: 0,
        };
        n += 1;
        let mut line = serde_json::to_string(&a).unwrap_or_default();
        line.push('\n');
        if s.write_all(line.as_bytes()).await.is_err() {
            return;
        }
        sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}
