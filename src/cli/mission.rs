//! `seawarden mission`: a drone mission around a track or a point, checked against the no-fly
//! zones and flight limits, written as a QGC `.plan`, `QGC WPL 110`, KML or Cursor-on-Target file.
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};

use seawarden::geodesy::{distance_m, LatLon};
use seawarden::tasking::mission::{MissionEnd, MissionSpec};
use seawarden::tasking::patterns::{self, Pattern};
use seawarden::tasking::{plan, Format, Geofence, Limits, Target, UnitKind, Units};

/// Make a drone mission and export it for ground-control software.
///
/// The mission is flown by a drone team from `assets/units.toml` (the one whose base is nearest
/// the target, or `--team`), or from `--launch`. It is checked before it is written: a leg that
/// would enter a no-fly zone (`assets/no-fly.geojson`: the ASSUMED airport exclusion), go beyond
/// `--max-range-m` from launch, or break the altitude/speed limits is refused with an exit status
/// of 2 and a message naming the leg (numbered from 1: leg 1 is launch → waypoint 1), its ends,
/// and the zone or limit. Nothing is written then.
///
/// Examples:
///   seawarden mission --point 22.17,113.535 --pattern expanding-square --format plan -o sar.plan
///   seawarden mission --track 17 --tracks tracks.jsonl --pattern orbit --format cot
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Track to fly to: its latest line in `--tracks` gives position, course and speed.
    #[arg(long, value_name = "ID", conflicts_with = "point", requires = "tracks")]
    pub track: Option<String>,
    /// Tracks JSONL as `seawarden track` writes it (`{"time","track_id","lat","lon","sog_kn","cog_deg"}`
    /// per line); the line with the latest `time` for `--track` is used.
    #[arg(long, value_name = "FILE")]
    pub tracks: Option<PathBuf>,
    /// Fixed point (datum) to fly to, decimal degrees.
    #[arg(long, value_name = "LAT,LON", value_parser = parse_lat_lon, required_unless_present = "track")]
    pub point: Option<LatLon>,
    /// Flight pattern.
    #[arg(long, value_enum)]
    pub pattern: Pattern,
    /// Output format: QGroundControl .plan, QGC WPL 110 text, KML, or Cursor-on-Target XML events.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Write here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Launch from here instead of a drone team's base.
    #[arg(long, value_name = "LAT,LON", value_parser = parse_lat_lon, conflicts_with = "team")]
    pub launch: Option<LatLon>,
    /// Drone team id from the units file (default: the team based nearest the target).
    #[arg(long, value_name = "ID")]
    pub team: Option<String>,
    /// Units file (default: the built-in assets/units.toml).
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// No-fly zones GeoJSON (default: the built-in assets/no-fly.geojson).
    #[arg(long, value_name = "FILE")]
    pub no_fly: Option<PathBuf>,
    /// Mission name (default: pattern and target).
    #[arg(long)]
    pub name: Option<String>,
    /// Pattern height above launch, metres.
    #[arg(long, default_value_t = 60.0, value_name = "M")]
    pub alt_m: f64,
    /// Cruise speed, metres per second.
    #[arg(long, default_value_t = 12.0, value_name = "MPS")]
    pub speed_mps: f64,
    /// Orbit/inspect circle radius, metres.
    #[arg(long, value_name = "M")]
    pub radius_m: Option<f64>,
    /// Orbit/inspect loiter time, seconds (orbit: 0 = until the pilot moves on).
    #[arg(long, value_name = "S")]
    pub time_s: Option<f64>,
    /// Search track spacing S, metres (expanding square, lawnmower).
    #[arg(long, default_value_t = 200.0, value_name = "M")]
    pub spacing_m: f64,
    /// Expanding square: number of legs.
    #[arg(long, default_value_t = 12)]
    pub legs: usize,
    /// Lawnmower: area extent along the tracks, metres.
    #[arg(long, default_value_t = 2000.0, value_name = "M")]
    pub length_m: f64,
    /// Lawnmower: area extent across the tracks, metres.
    #[arg(long, default_value_t = 1600.0, value_name = "M")]
    pub width_m: f64,
    /// Search: bearing of the first leg / of the tracks, degrees true.
    #[arg(long, default_value_t = 0.0, value_name = "DEG")]
    pub axis_deg: f64,
    /// Farthest any point of the mission may be from launch, metres.
    #[arg(long, default_value_t = Limits::default().max_range_m, value_name = "M")]
    pub max_range_m: f64,
    /// Highest waypoint height above launch, metres.
    #[arg(long, default_value_t = Limits::default().max_alt_m, value_name = "M")]
    pub max_alt_m: f64,
}

fn parse_lat_lon(s: &str) -> Result<LatLon, String> {
    let (a, b) = s.split_once(',').ok_or("expected LAT,LON")?;
    let lat: f64 = a.trim().parse().map_err(|e| format!("latitude: {e}"))?;
    let lon: f64 = b.trim().parse().map_err(|e| format!("longitude: {e}"))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err("latitude must be in [-90, 90] and longitude in [-180, 180]".into());
    }
    Ok(LatLon::new(lat, lon))
}

/// The latest line for `id` in a tracks JSONL file.
fn track_from_file(path: &PathBuf, id: &str) -> anyhow::Result<Target> {
    #[derive(serde::Deserialize)]
    struct Line {
        time: f64,
        track_id: serde_json::Value,
        lat: f64,
        lon: f64,
        #[serde(default)]
        sog_kn: f64,
        #[serde(default)]
        cog_deg: f64,
    }
    let f = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut best: Option<Line> = None;
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let l: Line = serde_json::from_str(&line).with_context(|| format!("{} line {}", path.display(), n + 1))?;
        let lid = match &l.track_id {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if lid == id && best.as_ref().is_none_or(|b| l.time >= b.time) {
            best = Some(l);
        }
    }
    let l = best.with_context(|| format!("track {id} not found in {}", path.display()))?;
    Ok(Target::track(id, l.time, LatLon::new(l.lat, l.lon), l.sog_kn, l.cog_deg))
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let target = match (&args.track, args.point) {
        (Some(id), _) => {
            let path = args.tracks.as_ref().context("--track needs --tracks FILE")?;
            track_from_file(path, id)?
        }
        (None, Some(p)) => Target::point(p),
        (None, None) => bail!("give --track ID (with --tracks FILE) or --point LAT,LON"),
    };
    let fence = match &args.no_fly {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            Geofence::from_geojson(&text).with_context(|| format!("reading {}", p.display()))?
        }
        None => Geofence::macau(),
    };
    let units = match &args.units {
        Some(p) => Units::from_path(p)?,
        None => Units::macau(),
    };
    let (launch, team_name) = match (args.launch, &args.team) {
        (Some(p), _) => (p, None),
        (None, Some(id)) => {
            let u = units.get(id).with_context(|| format!("no unit {id} in the units file"))?;
            (u.base(), Some(u.id.clone()))
        }
        (None, None) => {
            let u = units
                .units
                .iter()
                .filter(|u| u.kind == UnitKind::DroneTeam)
                .min_by(|a, b| distance_m(a.base(), target.position).total_cmp(&distance_m(b.base(), target.position)))
                .context("no drone team in the units file; give --launch LAT,LON")?;
            (u.base(), Some(u.id.clone()))
        }
    };
    // Orbit a moving track where it will be when the drone arrives.
    let lead_s = distance_m(launch, target.position) / args.speed_mps.max(0.1);
    let waypoints = match args.pattern {
        Pattern::Orbit => {
            let d = patterns::OrbitParams::default();
            let time_s = match args.time_s {
                Some(t) if t <= 0.0 => None,
                Some(t) => Some(t),
                None => d.time_s,
            };
            patterns::orbit(
                &target,
                &patterns::OrbitParams { radius_m: args.radius_m.unwrap_or(d.radius_m), alt_m: args.alt_m, time_s, lead_s },
            )
        }
        Pattern::Follow => {
            let d = patterns::FollowParams::default();
            let moved = Target { position: target.predict(lead_s), ..target.clone() };
            patterns::follow(
                &moved,
                &patterns::FollowParams { alt_m: args.alt_m, radius_m: args.radius_m.unwrap_or(d.radius_m), ..d },
            )
        }
        Pattern::Inspect => {
            let d = patterns::InspectParams::default();
            patterns::inspect(
                &Target { position: target.predict(lead_s), ..target.clone() },
                &patterns::InspectParams {
                    alt_m: args.alt_m,
                    radius_m: args.radius_m.unwrap_or(d.radius_m),
                    time_s: args.time_s.unwrap_or(d.time_s),
                },
            )
        }
        Pattern::ExpandingSquare => patterns::expanding_square(
            &target,
            &patterns::ExpandingSquareParams {
                spacing_m: args.spacing_m,
                legs: args.legs,
                first_bearing_deg: args.axis_deg,
                alt_m: args.alt_m,
            },
        ),
        Pattern::Lawnmower => patterns::parallel_track(
            &target,
            &patterns::ParallelTrackParams {
                spacing_m: args.spacing_m,
                length_m: args.length_m,
                width_m: args.width_m,
                axis_deg: args.axis_deg,
                alt_m: args.alt_m,
            },
        ),
    };
    let created_s = if target.time_s > 0.0 {
        target.time_s
    } else {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
    };
    let what = target.track_id.as_ref().map_or_else(
        || format!("{:.5},{:.5}", target.position.lat_deg, target.position.lon_deg),
        |id| format!("track {id}"),
    );
    let name = args.name.clone().unwrap_or_else(|| format!("{} {}", args.pattern.name(), what));
    let spec = MissionSpec {
        name,
        pattern: args.pattern.name().to_string(),
        launch,
        takeoff_alt_m: args.alt_m.min(args.max_alt_m),
        speed_mps: args.speed_mps,
        waypoints,
        end: MissionEnd::ReturnToLaunch,
        target: Some(target),
        rally_points: vec![launch],
        created_s,
    };
    let limits = Limits { max_range_m: args.max_range_m, max_alt_m: args.max_alt_m, ..Limits::default() };
    let mission = plan(spec, &limits, &fence).map_err(|e| {
        let from = team_name.map_or_else(String::new, |t| format!(" (drone team {t})"));
        anyhow::anyhow!("mission refused{from}: {e}")
    })?;
    let writer = args.format.writer();
    let mut buf = Vec::new();
    writer.write(&mission, &mut buf)?;
    match &args.output {
        Some(p) => std::fs::write(p, &buf).with_context(|| format!("writing {}", p.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&buf).context("writing to stdout")?;
            out.flush().context("writing to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
