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
    /// IR detection speed on a 640×512 16-bit FFV1 sim clip (rough night: clutter, whitecaps,
    /// lights): decode-only frames/s, detector-only ms/frame, and the whole `seawarden detect`
    /// command's frames/s. With `--live`: capture-to-detection latency p50/p99 on a paced live
    /// source (`videotestsrc` at 25 frames/s).
    Detect {
        /// `model`, `classical` or `cascade`.
        #[arg(long, default_value = "model")]
        detector: String,
        /// Frames in the clip (or live frames to measure).
        #[arg(long, default_value_t = 300)]
        frames: u32,
        /// Measure live capture-to-detection latency instead of file throughput.
        #[arg(long)]
        live: bool,
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
        Bench::Detect { detector, frames, live } => {
            #[cfg(feature = "thermal")]
            {
                if *live { detect_bench::live(detector, *frames) } else { detect_bench::file(detector, *frames) }
            }
            #[cfg(not(feature = "thermal"))]
            {
                let _ = (detector, frames, live);
                anyhow::bail!("this seawarden was built without the `thermal` feature (GStreamer)")
            }
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

/// `seawarden bench detect`.
#[cfg(feature = "thermal")]
mod detect_bench {
    use std::process::{Command, ExitCode, Stdio};
    use std::time::Instant;

    use anyhow::Context as _;
    use seawarden::demo::nodes::{children_usage, self_usage};
    use seawarden::ingest::thermal::{
        Capture, CaptureOptions, Detector as _, DetectorChoice, Frame16, HorizonSource, calibrated_detector,
    };
    use seawarden::sim::thermal::{evaluation_clips, write_clip};

    fn choice(detector: &str) -> anyhow::Result<DetectorChoice> {
        Ok(DetectorChoice { kind: detector.parse().map_err(anyhow::Error::msg)?, ..DetectorChoice::default() })
    }

    /// CPU time a frame and the cores kept busy: the frame rate is their ratio, so a slower
    /// run shows whether the work grew (another tenant's cache, a slower host) or the overlap of
    /// decoding and detection shrank.
    fn cpu_use(cpu_s: f64, wall_s: f64, frames: u64) -> String {
        format!(
            "{:.1} ms of CPU a frame, {:.0} % of a core busy",
            1e3 * cpu_s / frames.max(1) as f64,
            100.0 * cpu_s / wall_s.max(1e-9)
        )
    }

    fn percentile(sorted: &[f64], p: f64) -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        sorted[((p * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
    }

    /// Throughput over a freshly written sim clip.
    pub(super) fn file(detector: &str, frames: u32) -> anyhow::Result<ExitCode> {
        let choice = choice(detector)?;
        let dir = super::tempfile_in_temp_dir_path("detect");
        std::fs::create_dir_all(&dir)?;
        let spec = evaluation_clips(frames.max(1)).swap_remove(1); // rough night
        let t0 = Instant::now();
        let clip = write_clip(&spec, &dir).context("writing the sim clip")?;
        let size = std::fs::metadata(&clip.video).map(|m| m.len()).unwrap_or(0);
        println!(
            "clip: {} ({} frames 640x512 GRAY16 FFV1, {:.1} MB, written in {:.1} s)",
            clip.video.display(),
            clip.frames,
            size as f64 / 1e6,
            t0.elapsed().as_secs_f64()
        );
        let uri = clip.video.to_string_lossy().into_owned();

        // Decode only, and keep up to 100 frames for the detector-only figure.
        let mut cap = Capture::open(&uri, CaptureOptions::default())?;
        let (mut n, mut kept) = (0u64, Vec::new());
        let (t0, cpu0) = (Instant::now(), self_usage().cpu_s);
        while let Some(f) = cap.next_frame()? {
            n += 1;
            if kept.len() < 100
                && let Some(v) = f.view()
            {
                let mut fr = Frame16::filled(v.width(), v.height(), 0);
                for y in 0..v.height() {
                    v.row_u16(y, &mut fr.data[y * v.width()..(y + 1) * v.width()]);
                }
                kept.push(fr);
            }
        }
        let decode_s = t0.elapsed().as_secs_f64();
        let decode_cpu_s = self_usage().cpu_s - cpu0;
        println!(
            "decode only: {n} frames in {decode_s:.2} s = {:.1} frames/s ({})",
            n as f64 / decode_s,
            cpu_use(decode_cpu_s, decode_s, n)
        );

        // Detector only, on decoded frames in memory (one warm-up frame).
        let cal = calibration::SiteCalibration::from_path(&clip.calibration)?;
        let (mut det, _) = calibrated_detector(&cal, "ir", &choice)?;
        let mut blobs = Vec::new();
        if let Some(f) = kept.first() {
            det.detect(&f.view(), &mut blobs);
        }
        let mut ms = Vec::with_capacity(kept.len());
        for f in &kept {
            blobs.clear();
            let t = Instant::now();
            det.detect(&f.view(), &mut blobs);
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let mean = ms.iter().sum::<f64>() / ms.len().max(1) as f64;
        ms.sort_by(f64::total_cmp);
        println!(
            "detector only ({}): mean {mean:.2} ms/frame, p50 {:.2}, p99 {:.2} over {} frames = {:.1} frames/s",
            det.kind(),
            percentile(&ms, 0.5),
            percentile(&ms, 0.99),
            ms.len(),
            1e3 / mean
        );

        // The whole command, as a user runs it (process start and model load included): without a
        // calibration (the model reads every row) and with the clip's (as a deployed camera: the
        // model reads only the sea below the calibrated horizon).
        let exe = std::env::current_exe()?;
        let calibration = clip.calibration.to_string_lossy().into_owned();
        for cal in [None, Some(calibration.as_str())] {
            let mut args = vec!["detect", "--input", &uri, "--detector", detector, "--output", "/dev/null"];
            args.extend(cal.iter().flat_map(|c| ["--calibration", *c]));
            let (t0, cpu0) = (Instant::now(), children_usage().cpu_s);
            let out =
                Command::new(&exe).args(&args).stderr(Stdio::piped()).output().context("running seawarden detect")?;
            let whole_s = t0.elapsed().as_secs_f64();
            let whole_cpu_s = children_usage().cpu_s - cpu0;
            anyhow::ensure!(out.status.success(), "seawarden detect failed: {}", String::from_utf8_lossy(&out.stderr));
            println!(
                "whole command (seawarden detect --detector {detector}{}): {n} frames in {whole_s:.2} s = {:.1} frames/s ({})",
                if cal.is_some() { " --calibration CLIP.toml" } else { "" },
                n as f64 / whole_s,
                cpu_use(whole_cpu_s, whole_s, n)
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
        Ok(ExitCode::SUCCESS)
    }

    /// Capture-to-detection latency on a live, paced source.
    pub(super) fn live(detector: &str, frames: u32) -> anyhow::Result<ExitCode> {
        let choice = choice(detector)?;
        let mut det = choice.build(HorizonSource::FromImage)?;
        let uri = "videotestsrc://?live=true&pattern=ball&width=640&height=512&framerate=25&format=GRAY16_LE";
        let mut cap = Capture::open(uri, CaptureOptions::default())?;
        let mut lat_ms = Vec::new();
        let mut blobs = Vec::new();
        let mut n = 0u32;
        let t0 = Instant::now();
        while let Some(f) = cap.next_frame()? {
            let Some(v) = f.view() else { continue };
            blobs.clear();
            det.detect(&v, &mut blobs);
            n += 1;
            // Skip the first frames: pipeline start-up, model warm-up.
            if n > 5
                && let Some(now) = cap.running_time_s()
            {
                lat_ms.push((now - f.time_s()) * 1e3);
            }
            if n >= frames.max(10) {
                break;
            }
        }
        let secs = t0.elapsed().as_secs_f64();
        let dropped = cap.stats().dropped;
        lat_ms.sort_by(f64::total_cmp);
        println!(
            "live ({}, videotestsrc 640x512 GRAY16 @ 25 fps): {n} frames in {secs:.1} s, {dropped} dropped (latest wins); \
             capture-to-detection latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            det.kind(),
            percentile(&lat_ms, 0.5),
            percentile(&lat_ms, 0.99),
            lat_ms.last().copied().unwrap_or(f64::NAN)
        );
        Ok(ExitCode::SUCCESS)
    }
}
