//! `seawarden bench`: reproducible throughput figures, one subcommand per hot path.
use std::io::{BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::Context as _;
use seawarden::ingest::ais::Decoder;

/// Reproducible throughput figures.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    bench: Bench,
}

#[derive(Debug, clap::Subcommand)]
enum Bench {
    /// Bounded loopback soak: N edge processes × M tracks at 1 Hz plus alerts into one broker;
    /// reports edge RSS and alert latency p50/p99. Stops by itself.
    Soak {
        /// Edge nodes.
        #[arg(long, default_value_t = 13)]
        nodes: usize,
        /// Tracks per node.
        #[arg(long, default_value_t = 500)]
        tracks: usize,
        /// Minutes to run.
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// Alerts per second per node.
        #[arg(long, default_value_t = 1.0)]
        alerts_hz: f64,
        /// An existing broker (default: a private mosquitto on a free loopback port).
        #[arg(long)]
        broker: Option<String>,
    },
    /// AIS decode + gpsd JSON throughput over a file, optionally against `gpsdecode -s`.
    Decode {
        /// NMEA file to decode (use a large one, e.g. a million lines).
        #[arg(long)]
        input: PathBuf,
        /// Also time `gpsdecode -s` on the same file and print the ratio.
        #[arg(long)]
        gpsdecode: bool,
        /// Decode the file concatenated this many times (written to a temporary file first), so
        /// a small sample log still gives a stable figure.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        repeat: u32,
    },
    /// Tracker per-scan update time against the number of targets (10 % clutter on top), one
    /// radar every 2.5 s over 30 × 30 km; the headline is 2,000 targets + 200 clutter.
    Track {
        /// Target counts to time, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "10,100,500,1000,2000,5000")]
        targets: Vec<usize>,
    },
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.bench {
        Bench::Soak { nodes, tracks, minutes, alerts_hz, broker } => {
            let work = tempfile_in_temp_dir_path("soak");
            let opts = seawarden::node::soak::SoakOptions {
                nodes: *nodes,
                tracks: *tracks,
                duration: std::time::Duration::from_secs_f64(minutes * 60.0),
                alerts_hz: *alerts_hz,
                edge_bin: std::env::current_exe()?,
                broker_url: broker.clone(),
                work_dir: work.clone(),
            };
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let report = rt.block_on(seawarden::node::soak::run(opts))?;
            let _ = std::fs::remove_dir_all(&work);
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        Bench::Decode { input, gpsdecode, repeat } => {
            if *repeat == 1 {
                return bench_decode(input, *gpsdecode);
            }
            let sample = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
            let mut big = tempfile_in_temp_dir()?;
            for _ in 0..*repeat {
                big.1.write_all(&sample)?;
            }
            big.1.flush()?;
            drop(big.1);
            let result = bench_decode(&big.0, *gpsdecode);
            let _ = std::fs::remove_file(&big.0);
            result
        }
        Bench::Track { targets } => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "targets  clutter  ms/scan")?;
            for (n, ms) in seawarden::track::bench::bench_scan_curve(targets) {
                writeln!(out, "{n:>7}  {:>7}  {ms:>7.3}", n / 10)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A fresh folder path in the system temp directory, named after this process.
fn tempfile_in_temp_dir_path(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("seawarden-bench-{what}-{}", std::process::id()))
}

/// A fresh file in the system temp directory, named after this process so runs don't collide.
fn tempfile_in_temp_dir() -> anyhow::Result<(PathBuf, std::io::BufWriter<std::fs::File>)> {
    let path = std::env::temp_dir().join(format!("seawarden-bench-{}.nmea", std::process::id()));
    let file = std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    Ok((path, std::io::BufWriter::new(file)))
}

fn bench_decode(input: &PathBuf, gpsdecode: bool) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(input).with_context(|| format!("reading {}", input.display()))?;
    let mut decoder = Decoder::new();
    let mut bytes = 0usize;
    let start = Instant::now();
    super::decode::decode_stream(BufReader::with_capacity(1 << 16, file), &mut decoder, |json| {
        bytes += json.len();
        Ok(())
    })?;
    let ours_s = start.elapsed().as_secs_f64();
    let msgs = decoder.stats().messages;
    let ours_rate = msgs as f64 / ours_s;
    let mut out = std::io::stdout().lock();
    writeln!(out, "seawarden: {msgs} messages ({bytes} JSON bytes) in {ours_s:.3} s = {ours_rate:.0} messages/s")?;
    if gpsdecode {
        let file = std::fs::File::open(input).with_context(|| format!("reading {}", input.display()))?;
        let start = Instant::now();
        let output = Command::new("gpsdecode")
            .arg("-s")
            .stdin(file)
            .stdout(Stdio::piped())
            .output()
            .context("running gpsdecode -s (is gpsd-clients installed?)")?;
        let gpsd_s = start.elapsed().as_secs_f64();
        let gpsd_msgs = output.stdout.iter().filter(|b| **b == b'\n').count();
        let gpsd_rate = gpsd_msgs as f64 / gpsd_s;
        writeln!(out, "gpsdecode: {gpsd_msgs} messages in {gpsd_s:.3} s = {gpsd_rate:.0} messages/s")?;
        writeln!(out, "ratio: {:.2}x", ours_rate / gpsd_rate)?;
    }
    Ok(ExitCode::SUCCESS)
}
