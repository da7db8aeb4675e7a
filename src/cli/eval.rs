//! `seawarden eval`: score a tracker's output against simulated truth with GOSPA and ID
//! continuity (see [`seawarden::track::metrics`]).
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use seawarden::geodesy::LatLon;
use seawarden::track::metrics::{EvalOptions, GospaParams, TrackLog, Truth, evaluate, read_scan_times};

/// Score tracks against truth: mean GOSPA (p = 1, c = 100 m, α = 2) and its parts, ID switches,
/// fragmentations.
///
/// Evaluation times are every scan time of `--measurements` if given (times where the tracker
/// wrote nothing count with no tracks), else every time in the tracks file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Truth JSONL from `seawarden sim` (`{"time", "id", "lat", "lon", …}` per vessel per sample).
    #[arg(long)]
    pub truth: PathBuf,
    /// Tracker output JSONL (`{"time", "track_id", "lat", "lon", …}`).
    #[arg(long)]
    pub tracks: PathBuf,
    /// The tracker's input measurements: its scan times are the evaluation times.
    #[arg(long, visible_alias = "scan-times", value_name = "MEAS.jsonl")]
    pub measurements: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// GOSPA cut-off c, metres.
    #[arg(long, default_value_t = 100.0, value_name = "M")]
    pub cutoff_m: f64,
    /// GOSPA order p (≥ 1).
    #[arg(long, default_value_t = 1.0)]
    pub p: f64,
    /// Origin of the tangent plane, `LAT,LON` in degrees (default: the truth's centroid).
    #[arg(long, value_name = "LAT,LON", value_parser = parse_lat_lon)]
    pub origin: Option<LatLon>,
}

fn parse_lat_lon(s: &str) -> Result<LatLon, String> {
    let (lat, lon) = s.split_once(',').ok_or("expected LAT,LON")?;
    let lat: f64 = lat.trim().parse().map_err(|e| format!("latitude: {e}"))?;
    let lon: f64 = lon.trim().parse().map_err(|e| format!("longitude: {e}"))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("{lat},{lon} is not a position"));
    }
    Ok(LatLon::new(lat, lon))
}

fn open(path: &Path) -> anyhow::Result<BufReader<File>> {
    Ok(BufReader::new(File::open(path).with_context(|| format!("opening {}", path.display()))?))
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if !(args.cutoff_m > 0.0 && args.cutoff_m.is_finite()) || !(args.p >= 1.0 && args.p.is_finite()) {
        bail!("GOSPA needs a finite --cutoff-m > 0 and --p ≥ 1 (got {} and {})", args.cutoff_m, args.p);
    }
    let truth = Truth::read(open(&args.truth)?).with_context(|| format!("reading {}", args.truth.display()))?;
    let tracks = TrackLog::read(open(&args.tracks)?).with_context(|| format!("reading {}", args.tracks.display()))?;
    let times = match &args.measurements {
        Some(path) => read_scan_times(open(path)?).with_context(|| format!("reading {}", path.display()))?,
        None => tracks.times(),
    };
    let options = EvalOptions { gospa: GospaParams { cutoff_m: args.cutoff_m, p: args.p }, origin: args.origin };
    let e = evaluate(&truth, &tracks, &times, &options);

    let mut out = std::io::stdout().lock();
    if args.json {
        let m = &e.mean;
        let obj = serde_json::json!({
            "times": e.per_time.len(),
            "gospa_m": m.gospa_m,
            "localisation": m.localisation,
            "missed": m.missed,
            "false_tracks": m.false_tracks,
            "missed_count": m.missed_count,
            "false_count": m.false_count,
            "id_switches": e.id_switches,
            "fragmentations": e.fragmentations,
            "cutoff_m": args.cutoff_m,
            "p": args.p,
            "alpha": 2,
            "vessels": truth.vessels.len(),
            "origin": { "lat": e.origin.lat_deg, "lon": e.origin.lon_deg },
        });
        writeln!(out, "{obj}")?;
    } else {
        let m = &e.mean;
        writeln!(out, "evaluation times        {}", e.per_time.len())?;
        writeln!(out, "vessels in truth        {}", truth.vessels.len())?;
        writeln!(out, "mean GOSPA              {:.2} m   (p = {}, c = {} m, α = 2)", m.gospa_m, args.p, args.cutoff_m)?;
        writeln!(out, "  localisation          {:.2}", m.localisation)?;
        writeln!(out, "  missed                {:.2}", m.missed)?;
        writeln!(out, "  false                 {:.2}", m.false_tracks)?;
        writeln!(out, "missed targets / time   {:.3}", m.missed_count)?;
        writeln!(out, "false tracks / time     {:.3}", m.false_count)?;
        writeln!(out, "ID switches             {}", e.id_switches)?;
        writeln!(out, "fragmentations          {}", e.fragmentations)?;
    }
    Ok(ExitCode::SUCCESS)
}
