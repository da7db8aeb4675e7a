//! `seawarden analyze`: the edge pipeline (track → anomaly) over recorded data (DESIGN "Alerts
//! batch contract").
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::anomaly::{Engine, EngineConfig, Zones, batch::run_analyze};
use seawarden::coast::Coast;
use seawarden::track::TrackerConfig;

/// Run tracker and anomaly engine over recorded measurements; one alert (or update) per line.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Measurements, JSONL sorted by time (the tracker batch contract; AIS as `kind: "ais"`).
    #[arg(long)]
    input: PathBuf,
    /// AIS NMEA log with tag-block times (`\c:EPOCH\`), in addition to AIS measurement lines.
    #[arg(long)]
    ais: Option<PathBuf>,
    /// Zone directory (`hotspots.geojson` required; `waters`, `anchorages`, `fairways`,
    /// `no-fly` optional). Default: the built-in Macau zones.
    #[arg(long)]
    zones: Option<PathBuf>,
    /// Where to write the alerts, JSONL.
    #[arg(long)]
    output: PathBuf,
    /// Tracker configuration (TOML), as for `seawarden track`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Site id: scopes track ids and is hashed into alert ids. Give the node's site to get the
    /// ids that node raises for the same input.
    #[arg(long, default_value = "")]
    site: String,
    /// Rules judge only tracks whose 1-σ position error is at most this, metres (default: the
    /// edge node's).
    #[arg(long, value_name = "M")]
    max_position_sigma_m: Option<f64>,
    /// … and whose 1-σ velocity error is at most this, m/s (default: the edge node's).
    #[arg(long, value_name = "MPS")]
    max_velocity_sigma_mps: Option<f64>,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let tracker = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            TrackerConfig::from_toml(&text, &p.display().to_string())?
        }
        None => TrackerConfig::default(),
    };
    let zones = match &args.zones {
        Some(d) => Zones::from_dir(d).with_context(|| format!("loading zones from {}", d.display()))?,
        None => Zones::macau()?,
    };
    let meas = std::fs::read_to_string(&args.input).with_context(|| format!("reading {}", args.input.display()))?;
    let mut ais = match &args.ais {
        Some(p) => Some(BufReader::new(File::open(p).with_context(|| format!("reading {}", p.display()))?)),
        None => None,
    };
    let out = File::create(&args.output).with_context(|| format!("writing {}", args.output.display()))?;
    let mut ecfg = EngineConfig { site: args.site.clone(), ..Default::default() };
    if let Some(v) = args.max_position_sigma_m {
        ecfg.max_position_sigma_m = v;
    }
    if let Some(v) = args.max_velocity_sigma_mps {
        ecfg.max_velocity_sigma_mps = v;
    }
    let engine = Engine::new(ecfg, zones, Coast::macau());
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message("analyzing");
    let stats = run_analyze(
        &meas,
        ais.as_mut().map(|r| r as &mut dyn std::io::BufRead),
        &tracker,
        engine,
        BufWriter::new(out),
        |n| bar.set_message(format!("{n} lines")),
    )
    .with_context(|| format!("analyzing {}", args.input.display()))?;
    bar.finish_and_clear();
    tracing::info!(?stats, "analyze done");
    eprintln!(
        "analyze: {} lines ({} bad), {} scans, {} AIS reports ({} from NMEA), {} detections refused, {} alert lines",
        stats.lines,
        stats.bad_lines,
        stats.updates,
        stats.ais_reports,
        stats.nmea_reports,
        stats.refused,
        stats.alert_lines
    );
    Ok(ExitCode::SUCCESS)
}
