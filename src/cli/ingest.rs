//! `seawarden ingest`: the edge node's first stage on its own — AIS and radar sentences from any
//! source URL in, one [`Detection`](seawarden::Detection) JSON object per line out.
//!
//! Useful to check a new receiver or radar before wiring a whole node, and to record detections
//! for the batch tracker.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::Detection;
use seawarden::ingest::ais;
use seawarden::ingest::nmea;
use seawarden::ingest::radar::{RadarConfig, RadarDecoder};
use seawarden::ingest::source::{self, Line, SourceOptions, SourceUrl};
use tokio::sync::mpsc;

/// Turn AIS and radar sentences into sensor detections (JSON lines on stdout).
///
/// Sources are URLs: file:///path?speed=10 (replay with recorded timing ×10; speed=0 as fast as
/// possible), udp://0.0.0.0:10110, tcp://host:port, serial:///dev/ttyUSB0?baud=38400. File
/// sources end when replayed; the command exits when every source has ended (or on Ctrl-C).
///
/// Example: seawarden ingest --ais file:///data/ais.nmea?speed=0 --radar tcp://10.0.0.5:4001
/// --radar-position 22.1182,113.5530 --sensor-site ka-ho
#[derive(Debug, clap::Args)]
pub struct Args {
    /// AIS source URL (repeatable): `!AIVDM`/`!AIVDO` sentences.
    #[arg(long = "ais", value_name = "URL")]
    ais: Vec<String>,
    /// Radar source URL (repeatable): TTM/TLL targets, with OSD/GGA/RMC/HDT own-ship sentences.
    #[arg(long = "radar", value_name = "URL")]
    radar: Vec<String>,
    /// Surveyed position of a shore radar, `LAT,LON` in degrees; without it the radar's own
    /// GGA/RMC sentences are used.
    #[arg(long, value_name = "LAT,LON", value_parser = parse_lat_lon)]
    radar_position: Option<(f64, f64)>,
    /// Radar 1-σ range error, metres.
    #[arg(long, default_value_t = 30.0)]
    radar_sigma_range_m: f64,
    /// Radar 1-σ bearing error, degrees.
    #[arg(long, default_value_t = 1.0)]
    radar_sigma_bearing_deg: f64,
    /// Site id used in sensor names (`ais-<site>`, `radar-<site>`).
    #[arg(long, default_value = "local")]
    sensor_site: String,
    /// Print per-source and per-decoder counts on stderr at the end.
    #[arg(long)]
    stats: bool,
}

fn parse_lat_lon(s: &str) -> Result<(f64, f64), String> {
    let (lat, lon) = s.split_once(',').ok_or("expected LAT,LON")?;
    let lat: f64 = lat.trim().parse().map_err(|e| format!("latitude: {e}"))?;
    let lon: f64 = lon.trim().parse().map_err(|e| format!("longitude: {e}"))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("{lat},{lon} is not a position"));
    }
    Ok((lat, lon))
}

/// Which decoder a source's lines go to.
enum Feed {
    Ais(ais::Decoder),
    Radar(RadarDecoder),
}

impl Feed {
    /// Decode one line; the time is the line's tag-block time, else when it was received.
    fn push(&mut self, line: &Line, sensor: &str) -> Option<Detection> {
        match self {
            Feed::Ais(decoder) => {
                let time_s = nmea::parse_line(&line.bytes)
                    .ok()
                    .and_then(|s| s.tag_block)
                    .and_then(|t| t.unix_time_s)
                    .unwrap_or(line.received_s);
                let msg = decoder.push_line(&line.bytes)?;
                ais::to_detection(msg, time_s, sensor)
            }
            Feed::Radar(decoder) => decoder.push_line_at(&line.bytes, line.received_s).ok().flatten(),
        }
    }

    fn stats(&self) -> String {
        match self {
            Feed::Ais(d) => d.stats().to_string(),
            Feed::Radar(d) => format!("{:?}", d.stats()),
        }
    }
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.ais.is_empty() && args.radar.is_empty() {
        anyhow::bail!("give at least one --ais or --radar source URL (see --help)");
    }
    let mut feeds = Vec::new();
    for url in &args.ais {
        let parsed: SourceUrl = url.parse().with_context(|| format!("--ais {url}"))?;
        feeds.push((url.clone(), parsed, format!("ais-{}", args.sensor_site), Feed::Ais(ais::Decoder::new())));
    }
    for url in &args.radar {
        let parsed: SourceUrl = url.parse().with_context(|| format!("--radar {url}"))?;
        let sensor = format!("radar-{}", args.sensor_site);
        let cfg = RadarConfig {
            sensor: sensor.clone(),
            sigma_range_m: args.radar_sigma_range_m,
            sigma_bearing_deg: args.radar_sigma_bearing_deg,
            fixed_position: args.radar_position,
            ..RadarConfig::default()
        };
        feeds.push((url.clone(), parsed, sensor, Feed::Radar(RadarDecoder::new(cfg))));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(ingest(feeds, args.stats))
}

async fn ingest(feeds: Vec<(String, SourceUrl, String, Feed)>, print_stats: bool) -> anyhow::Result<ExitCode> {
    // Bounded: when stdout is slow, decoders wait, and so (through their own channels) do sources.
    let (det_tx, mut det_rx) = mpsc::channel::<Detection>(1024);
    let mut workers = Vec::new();
    for (label, url, sensor, mut feed) in feeds {
        let source::SourceHandle { mut lines, status, task } = source::spawn(url, SourceOptions::default());
        let tx = det_tx.clone();
        workers.push(tokio::spawn(async move {
            while let Some(line) = lines.recv().await {
                if let Some(det) = feed.push(&line, &sensor) {
                    if tx.send(det).await.is_err() {
                        break; // the writer stopped (stdout closed): stop reading.
                    }
                }
            }
            drop(lines); // tells the source to stop, so awaiting its task cannot hang
            let ended = task.await;
            let status = status.borrow().clone();
            (label, feed.stats(), status, ended)
        }));
    }
    drop(det_tx);

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut count = 0u64;
    loop {
        tokio::select! {
            // Cancel-safe: `recv` loses nothing when the other arm wins.
            det = det_rx.recv() => match det {
                Some(det) => {
                    // Serialise first, so a closed stdout surfaces as a plain `io::Error`
                    // (a broken pipe is success for `seawarden ingest … | head`).
                    let mut json = serde_json::to_vec(&det)?;
                    json.push(b'\n');
                    out.write_all(&json)?;
                    count += 1;
                }
                None => break,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    out.flush()?;
    drop(det_rx);
    let mut failed = false;
    for w in workers {
        let (label, stats, status, ended) = w.await.context("a source task panicked")?;
        if let Ok(Err(e)) = &ended {
            eprintln!("{label}: {e}");
            failed = true;
        }
        if print_stats {
            eprintln!("{label}: {status:?}\n  decoder: {stats}");
        }
    }
    if print_stats {
        eprintln!("{count} detections");
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
