//! `seawarden demo`: the whole system on this machine (see [`seawarden::demo`]).
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use seawarden::demo::{self, DemoOptions, Steps};
use seawarden::sim::{self, Scenario};
use tokio_util::sync::CancellationToken;

/// The Macau demo: an embedded broker, one edge node process per site fed with simulated AIS,
/// radar and IR video through the real pipelines, simulated patrol boats and drone teams, and
/// the console. With --headless an operator in code tasks the fastest boat on every high alert
/// and a drone search on distress, and a summary is printed (and written to WORK/summary.json).
///
/// Exit status 1 when an alert committed by a node never arrived or no node produced a track.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// No window: play the operator in code and print a summary.
    #[arg(long)]
    headless: bool,
    /// Sim time to run, e.g. `90s`, `10m` (default: the scenario's own, 10 min for macau-night).
    #[arg(long, value_parser = super::sim::parse_duration_s)]
    duration: Option<f64>,
    /// Sim seconds per wall second. Everything runs on the scenario's clock (the nodes stamp
    /// the logs' own times), so vessels keep their true speeds and night stays night at any speed.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Scenario (see `seawarden sim --list`).
    #[arg(long, default_value = "macau-night")]
    scenario: String,
    /// Random seed (default: the scenario's own).
    #[arg(long)]
    seed: Option<u64>,
    /// Sites file: one edge node per site; calibrations and the model are read next to it.
    #[arg(long, default_value = "assets/sites.toml")]
    sites: PathBuf,
    /// IR frames per wall second in each site's clip (sim frame rate = this / speed, rounded, at
    /// least one per sim second).
    #[arg(long, default_value_t = 1)]
    ir_fps: u32,
    /// IR detector on the nodes: auto (the shipped model if it loads and runs, else classical),
    /// classical (hot-spot), or none (no video inputs).
    #[arg(long, default_value = "auto", value_parser = ["auto", "classical", "none"])]
    ir_detector: String,
    /// Work folder: input cache, node configs and logs, missions, summary.json.
    #[arg(long, default_value = "target/demo")]
    work: PathBuf,
}

/// Progress on stderr: one line per start-up step, a bar for simulation and rendering.
struct Bars {
    multi: MultiProgress,
    sim: ProgressBar,
    render: ProgressBar,
    current: std::sync::Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn new(sites: u64) -> Self {
        let multi = MultiProgress::new();
        let style = ProgressStyle::with_template("{spinner} {msg:<28} [{bar:30}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        let sim = ProgressBar::hidden();
        sim.set_length(1000);
        sim.set_style(style.clone());
        sim.set_message("simulating the scenario");
        let render = ProgressBar::hidden();
        render.set_length(sites);
        render.set_style(style);
        render.set_message("rendering IR video");
        Bars { multi, sim, render, current: std::sync::Mutex::new(None) }
    }
}

impl demo::inputs::Progress for Bars {
    fn sim(&self, fraction: f64) {
        if self.sim.is_hidden() {
            self.sim.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.multi.add(self.sim.clone());
        }
        self.sim.set_position((fraction * 1000.0) as u64);
    }
    fn rendered(&self, site: &str, done: usize, _total: usize) {
        if self.render.is_hidden() {
            self.render.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.multi.add(self.render.clone());
        }
        self.render.set_message(format!("rendering IR video: {site}"));
        self.render.set_position(done as u64);
    }
}

impl Steps for Bars {
    fn step(&self, name: &str) {
        let pb = self.multi.add(ProgressBar::new_spinner());
        pb.set_message(name.to_owned());
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        if let Ok(mut c) = self.current.lock() {
            *c = Some(pb);
        }
    }
    fn done(&self, name: &str, detail: &str) {
        if let Ok(mut c) = self.current.lock()
            && let Some(pb) = c.take()
        {
            pb.finish_with_message(format!("{name}: {detail}"));
        }
        if name == "building the scenario" {
            self.sim.finish_and_clear();
            self.render.finish_and_clear();
        }
    }
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut scenario =
        Scenario::by_name(&args.scenario).ok_or_else(|| sim::SimError::UnknownScenario(args.scenario.clone()))?;
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if let Some(d) = args.duration {
        scenario.duration_s = d;
    }
    anyhow::ensure!(args.speed > 0.0 && args.speed.is_finite(), "--speed must be positive");
    anyhow::ensure!(args.ir_fps > 0, "--ir-fps must be at least 1");
    let opts = DemoOptions {
        scenario,
        speed: args.speed,
        ir_fps: args.ir_fps,
        sites_path: args.sites.clone(),
        work: args.work.clone(),
        bin: std::env::current_exe().context("finding the seawarden binary")?,
        headless: args.headless,
        ir_detector: args.ir_detector.clone(),
    };
    std::fs::create_dir_all(&opts.work).with_context(|| format!("creating {}", opts.work.display()))?;
    let sites = seawarden::coast::sites::Sites::from_path(&opts.sites_path)?;
    let bars = Bars::new(sites.len() as u64);
    let s = demo::start(&opts, &bars)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    let stop = CancellationToken::new();
    {
        let stop = stop.clone();
        rt.spawn(async move {
            super::edge::wait_for_signal().await;
            tracing::warn!("signal received: stopping the demo");
            stop.cancel();
        });
    }
    let summary = if opts.headless {
        rt.block_on(demo::run(&opts, &s, started, &bars, stop))?
    } else {
        with_console(&rt, &opts, &s, started, &bars, stop)?
    };
    let mut out = std::io::stdout().lock();
    summary.print(&mut out)?;
    let path = opts.work.join("summary.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&summary)?)
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("summary written to {}", path.display());
    if summary.messages_lost > 0 || summary.tracks_distinct == 0 {
        eprintln!("demo FAILED: {} messages lost, {} tracks", summary.messages_lost, summary.tracks_distinct);
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The console on this (main) thread, the demo on the runtime; closing the window stops the demo.
#[cfg(feature = "console")]
fn with_console(
    rt: &tokio::runtime::Runtime,
    opts: &DemoOptions,
    s: &demo::Started,
    started: Instant,
    bars: &Bars,
    stop: CancellationToken,
) -> anyhow::Result<demo::summary::Summary> {
    use seawarden::console::ConsoleApp;
    use seawarden::console::feed::{Feed, LiveFeed};
    let bus_opts = seawarden::bus::BusOptions {
        url: s.url.clone(),
        client_id: "seawarden-console".into(),
        ..seawarden::bus::BusOptions::default()
    };
    let demo_task = {
        let (opts, stop) = (opts.clone(), stop.clone());
        let s = demo::Started {
            url: s.url.clone(),
            inputs: s.inputs.clone(),
            sites: s.sites.clone(),
            model: s.model.clone(),
            clock: s.clock.clone(),
        };
        let quiet = QuietSteps;
        rt.spawn(async move { demo::run(&opts, &s, started, &quiet, stop).await })
    };
    bars.step("console");
    let native = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_inner_size([1600.0, 1000.0])
            .with_title("Seawarden demo"),
        ..Default::default()
    };
    let record = seawarden::bus::record::RecorderConfig::new(opts.work.join("console-recordings"));
    // Ctrl-C / SIGTERM (which cancel `stop`) close the window too.
    let closer = stop.clone();
    // The console runs on the demo's clock (scenario time) once the nodes have started.
    let (sim0, clock_cell) = (s.inputs.start_epoch_s, s.clock.clone());
    let clock: seawarden::console::feed::WallToConsole =
        std::sync::Arc::new(move |wall: f64| clock_cell.get().map_or(sim0, |c| c.at(wall)));
    let shown = eframe::run_native(
        "seawarden-demo",
        native,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let close = cc.egui_ctx.clone();
            std::thread::spawn(move || {
                while !closer.is_cancelled() {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                close.send_viewport_cmd(eframe::egui::ViewportCommand::Close);
                close.request_repaint();
            });
            let feed =
                Feed::Live(LiveFeed::start(bus_opts, Some(record), move || ctx.request_repaint())?.with_clock(clock));
            Ok(Box::new(ConsoleApp::macau(feed)?))
        }),
    );
    bars.done("console", "closed");
    stop.cancel();
    let summary = rt.block_on(demo_task).context("the demo task")??;
    shown.map_err(|e| anyhow::anyhow!("console window: {e}"))?;
    Ok(summary)
}

#[cfg(not(feature = "console"))]
fn with_console(
    _rt: &tokio::runtime::Runtime,
    _opts: &DemoOptions,
    _s: &demo::Started,
    _started: Instant,
    _bars: &Bars,
    _stop: CancellationToken,
) -> anyhow::Result<demo::summary::Summary> {
    anyhow::bail!("this seawarden was built without the console; run `seawarden demo --headless`")
}

/// Step reports once the console owns the screen: to the log only.
struct QuietSteps;

impl demo::inputs::Progress for QuietSteps {
    fn sim(&self, _fraction: f64) {}
    fn rendered(&self, _site: &str, _done: usize, _total: usize) {}
}

impl Steps for QuietSteps {
    fn step(&self, name: &str) {
        tracing::info!("{name}…");
    }
    fn done(&self, name: &str, detail: &str) {
        tracing::info!("{name}: {detail}");
    }
}
