//! `seawarden console --broker mqtt://host:port`: the command console window.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::audit::AuditLog;
use seawarden::bus::record::RecorderConfig;
use seawarden::console::playback::Playback;

use seawarden::console::ConsoleApp;
use seawarden::console::feed::{Feed, LiveFeed};

/// The command console: every site's tracks on one map, the alert queue, node health.
///
/// Live: `--broker mqtt://host:1883` (every message is recorded under `--record`). Replay:
/// `--replay DIR [--from MS --to MS] --speed 10`, marked REPLAY, actions disabled; the bar under
/// the map pauses, changes speed (×1–×60) and seeks. With `--audit` the operator logs in and every
/// action is written to the hash-chained audit log. Assigning an alert to a drone team sends it a
/// mission; "Export mission…" writes its files under `--missions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Broker URL: mqtt://host:port or mqtts://host:port.
    #[arg(long, required_unless_present_any = ["replay", "synthetic", "bench_tracks"])]
    broker: Option<String>,
    /// Record every received message into rotating files in this directory.
    #[arg(long, default_value = "console-recordings")]
    record: PathBuf,
    /// Do not record.
    #[arg(long)]
    no_record: bool,
    /// Replay a recording directory instead of connecting.
    #[arg(long, conflicts_with = "broker")]
    replay: Option<PathBuf>,
    /// Replay window start, ms since the epoch (default: the beginning).
    #[arg(long, default_value_t = i64::MIN)]
    from: i64,
    /// Replay window end, ms since the epoch (default: the end).
    #[arg(long, default_value_t = i64::MAX)]
    to: i64,
    /// Replay speed, 1 to 60.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Folder the "Export mission…" button writes drone missions to (.plan, .waypoints, .kml, .cot).
    #[arg(long, default_value = "missions", value_name = "DIR")]
    missions: PathBuf,
    /// Audit log (SQLite); the console asks for a login and records every action.
    #[arg(long)]
    audit: Option<PathBuf>,
    /// Map data directory laid out like `assets/` (default: the embedded Macau data).
    #[arg(long)]
    assets: Option<PathBuf>,
    /// Show a deterministic synthetic picture of N tracks (demonstration, screenshots).
    #[arg(long, value_name = "N", conflicts_with_all = ["broker", "replay"])]
    synthetic: Option<usize>,
    /// Print headless frame times for this many synthetic tracks as JSON and exit.
    #[arg(long, value_name = "N")]
    bench_tracks: Option<usize>,
    /// Frames to time with --bench-tracks.
    #[arg(long, default_value_t = 60)]
    bench_frames: usize,
    /// Window width, points.
    #[arg(long, default_value_t = 1920.0)]
    width: f32,
    /// Window height, points.
    #[arg(long, default_value_t = 1080.0)]
    height: f32,
    /// MQTT client id (the broker keeps this session's queued alerts across reconnects).
    #[arg(long, default_value = "seawarden-console")]
    client_id: String,
    #[command(flatten)]
    login: super::broker_login::BrokerLogin,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if let Some(n) = args.bench_tracks {
        for size in [[1920.0, 1080.0], [1366.0, 768.0]] {
            let r = seawarden::console::bench::frame_times(n, args.bench_frames, size)?;
            println!("{}", serde_json::to_string(&r)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let basemap = match &args.assets {
        Some(d) => seawarden::console::layers::Basemap::from_dir(d)?,
        None => seawarden::console::layers::Basemap::macau()?,
    };
    let zones = match &args.assets {
        Some(d) => seawarden::anomaly::zones::Zones::from_dir(d).ok(),
        None => seawarden::anomaly::zones::Zones::macau().ok(),
    };
    let units = seawarden::tasking::units::Units::macau();
    let audit = match &args.audit {
        Some(p) => Some(AuditLog::open(p).with_context(|| format!("opening audit log {}", p.display()))?),
        None => None,
    };
    let size = [args.width, args.height];
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default().with_inner_size(size).with_title("Seawarden console"),
        ..Default::default()
    };
    let replay = match &args.replay {
        Some(dir) => {
            let pb = Playback::dir(dir, args.from, args.to)
                .with_context(|| format!("opening recording {}", dir.display()))?;
            let (_, handle) =
                pb.start(args.from, args.speed, false).with_context(|| format!("replaying {}", dir.display()))?;
            Some((pb, handle))
        }
        None => None,
    };
    let missions = args.missions.display().to_string();
    let bus_opts = match &args.broker {
        Some(b) => Some(args.login.bus_options(b.parse()?, &args.client_id)?),
        None => None,
    };
    let record = (!args.no_record).then(|| RecorderConfig::new(&args.record));
    let synthetic = args.synthetic;
    eframe::run_native(
        "seawarden-console",
        options,
        Box::new(move |cc| {
            let mut playback = None;
            let feed = if let Some((pb, handle)) = replay {
                playback = Some(pb);
                Feed::Replay(handle)
            } else if let Some(opts) = bus_opts {
                let ctx = cc.egui_ctx.clone();
                Feed::Live(LiveFeed::start(opts, record, move || ctx.request_repaint())?)
            } else {
                Feed::None
            };
            let mut app = ConsoleApp::new(basemap, zones, units, feed);
            app.playback = playback;
            app.missions.export_dir = missions;
            if let Some(n) = synthetic {
                app.source_tag = Some("SYNTHETIC".into());
                for m in seawarden::console::synth::picture(n, 10, 12, 7) {
                    app.ingest(&m);
                }
                // Show the workflow at once: the most urgent alert selected, its track on the map.
                if let Some(id) = app.picture.alerts.sorted(false).first().map(|e| e.alert.id.clone()) {
                    app.select_alert(&id);
                }
            }
            if let Some(log) = audit {
                app.require_login(log);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("console window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
