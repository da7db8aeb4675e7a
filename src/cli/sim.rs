//! `seawarden sim`: run a named scenario on the real coast and write its sensor logs.
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use seawarden::sim::{self, Scenario};

/// Simulate traffic and sensors: writes measurements.jsonl (tracker contract), truth.jsonl,
/// episodes.jsonl, ais.nmea and radar-<site>.nmea into DIR.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario name (see --list).
    #[arg(long, required_unless_present = "list")]
    scenario: Option<String>,
    /// Output directory (created if missing).
    #[arg(long, required_unless_present = "list")]
    out: Option<PathBuf>,
    /// Random seed (default: the scenario's own).
    #[arg(long)]
    seed: Option<u64>,
    /// Length, e.g. `90s`, `10m`, `1h` or plain seconds (default: the scenario's own).
    #[arg(long, value_parser = parse_duration_s)]
    duration: Option<f64>,
    /// List the scenarios with their defaults and exit.
    #[arg(long)]
    list: bool,
}

/// `90s`, `10m`, `1.5h`, `600` → seconds.
pub(crate) fn parse_duration_s(s: &str) -> Result<f64, String> {
    let s = s.trim();
    let (num, unit) = match s.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let v: f64 = num.trim().parse().map_err(|_| format!("{s:?}: expected a number with an optional unit s, m or h"))?;
    let k = match unit {
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (use s, m or h)")),
    };
    if !(v > 0.0 && v.is_finite()) {
        return Err(format!("{s:?}: must be positive"));
    }
    Ok(v * k)
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.list {
        for s in Scenario::all() {
            println!("{:<16} seed {:<3} {:>5.0} s  start {:.0}  {}", s.name, s.seed, s.duration_s, s.start_epoch_s, s.description);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(name), Some(out)) = (&args.scenario, &args.out) else {
        anyhow::bail!("--scenario and --out are required");
    };
    let mut scenario = Scenario::by_name(name).ok_or_else(|| sim::SimError::UnknownScenario(name.clone()))?;
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if let Some(d) = args.duration {
        scenario.duration_s = d;
    }
    tracing::info!(scenario = scenario.name, seed = scenario.seed, duration_s = scenario.duration_s, out = %out.display(), "simulating");
    let started = Instant::now();
    let bar = indicatif::ProgressBar::new(1000);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {percent}% ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(scenario.name);
    let stats = sim::write_dir(scenario, out, |f| bar.set_position((f * 1000.0) as u64))
        .with_context(|| format!("simulating into {}", out.display()))?;
    bar.finish_and_clear();
    tracing::info!(?stats, elapsed_ms = started.elapsed().as_millis() as u64, "done");
    eprintln!(
        "{} vessels: {} truth, {} measurement, {} AIS and {} radar NMEA lines, {} episodes in {:.1} s",
        stats.vessels,
        stats.truth,
        stats.measurements,
        stats.ais_lines,
        stats.radar_lines,
        stats.episodes,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
