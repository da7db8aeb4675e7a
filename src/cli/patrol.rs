//! `seawarden patrol`: the patrol boat's terminal client. It subscribes to the unit's task topic,
//! shows the current task (bearing, distance and ETA to the intercept, the target's predicted
//! position), sends accept/decline/arrive on the ack topic, and in `--simulate` moves the boat
//! along the task's route and publishes its position, for the demo.
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::event::{self, Event, KeyCode, KeyEventKind};
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use rumqttc::QoS;

use seawarden::bus::{self, topic, BusOptions, Publish};
use seawarden::geodesy::{bearing_deg, distance_m, METRES_PER_NMI, MPS_PER_KNOT};
use seawarden::tasking::client::{Key, PatrolClient};
use seawarden::tasking::patrol::PatrolTask;
use seawarden::tasking::Units;

/// The patrol boat's terminal client (ratatui).
///
/// Keys: `a` accept the task, `d` decline it, `r` report arrival on scene, `q` quit. Tasks
/// arrive on seawarden/v1/task/patrol/{unit}; answers go to …/{unit}/ack; with --simulate the
/// boat sails its route and reports on seawarden/v1/unit/{unit}/position.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Unit id from the units file (e.g. pb-outer-harbour).
    #[arg(long, value_name = "ID")]
    pub unit: String,
    /// Broker URL.
    #[arg(long, default_value = "mqtt://127.0.0.1:1883")]
    pub broker: String,
    /// Units file (default: the built-in assets/units.toml).
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Move the boat along the task's route at its top speed and publish its position (demo).
    #[arg(long)]
    pub simulate: bool,
    /// Simulation speed-up factor (with --simulate).
    #[arg(long, default_value_t = 1.0)]
    pub speedup: f64,
}

fn draw(f: &mut ratatui::Frame<'_>, c: &PatrolClient, now_s: f64, connected: bool) {
    let [task_area, target_area, log_area, help] =
        Layout::vertical([Constraint::Length(8), Constraint::Length(5), Constraint::Min(3), Constraint::Length(1)])
            .areas(f.area());
    let title = format!(" {} · {} ", c.unit, if connected { "connected" } else { "not connected" });
    let task_lines: Vec<Line<'_>> = match (&c.task, c.to_intercept(), c.eta_s()) {
        (Some(t), Some((brg, dist)), Some(eta)) => vec![
            Line::from(format!("Task {} (revision {})   track {}", t.task_id, t.revision, t.track_id.as_deref().unwrap_or("-"))),
            Line::from(format!("Intercept  {:.5} N  {:.5} E", t.lat, t.lon)),
            Line::from(format!("Steer      {brg:05.1}° T    distance {:.2} nm", dist / METRES_PER_NMI)),
            Line::from(format!("ETA        {:02}:{:02} at {:.0} kn", (eta / 60.0) as u64, (eta % 60.0) as u64, c.speed_mps / MPS_PER_KNOT)),
            Line::from(format!("Answer     {}", c.answered.map_or("none yet (a = accept, d = decline)".into(), |a| format!("{a:?}")))),
            Line::from(format!("Own        {:.5} N  {:.5} E", c.position.lat_deg, c.position.lon_deg)),
        ],
        _ => vec![Line::from("No task. Waiting for tasking from the console…")],
    };
    f.render_widget(Paragraph::new(task_lines).block(Block::default().borders(Borders::ALL).title(title)), task_area);
    let target_lines: Vec<Line<'_>> = match (c.task.as_ref().and_then(|t| t.target.clone()), c.target_now(now_s)) {
        (Some(t), Some(p)) => vec![
            Line::from(format!("Last fix   {:.5} N {:.5} E   {:.1} kn  {:03.0}°", t.lat, t.lon, t.sog_kn, t.cog_deg)),
            Line::from(format!("Predicted  {:.5} N {:.5} E", p.lat_deg, p.lon_deg)),
            Line::from(format!(
                "From us    {:05.1}° T  {:.2} nm",
                bearing_deg(c.position, p),
                distance_m(c.position, p) / METRES_PER_NMI
            )),
        ],
        _ => vec![Line::from("-")],
    };
    f.render_widget(Paragraph::new(target_lines).block(Block::default().borders(Borders::ALL).title(" Target ")), target_area);
    let n = log_area.height.saturating_sub(2) as usize;
    let log: Vec<Line<'_>> = c.log.iter().rev().take(n).rev().map(|s| Line::from(s.as_str())).collect();
    f.render_widget(Paragraph::new(log).block(Block::default().borders(Borders::ALL).title(" Log ")), log_area);
    f.render_widget(Paragraph::new("a accept · d decline · r arrived · q quit"), help);
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let units = match &args.units {
        Some(p) => Units::from_path(p)?,
        None => Units::macau(),
    };
    let unit = units.get(&args.unit).with_context(|| format!("no unit {} in the units file", args.unit))?;
    anyhow::ensure!(topic::valid_segment(&unit.id), "unit id {} cannot be a topic level", unit.id);
    let mut client = PatrolClient::new(unit.id.clone(), unit.current_position(), unit.max_speed_mps());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let opts = BusOptions {
        url: args.broker.parse().with_context(|| format!("broker URL {}", args.broker))?,
        client_id: format!("patrol-{}", unit.id),
        subscriptions: vec![(topic::patrol_task(&unit.id), QoS::AtLeastOnce)],
        ..BusOptions::default()
    };
    let (handle, mut bus_loop) = rt.block_on(async { bus::bus(opts, 64) })?;
    let mut incoming = bus_loop.incoming();
    let stop = tokio_util::sync::CancellationToken::new();
    let bus_task = rt.spawn(bus_loop.run(stop.clone()));

    let mut terminal = ratatui::init();
    let result = (|| -> anyhow::Result<()> {
        let mut last = Instant::now();
        let mut last_report = Instant::now() - Duration::from_secs(10);
        loop {
            while let Ok(r) = incoming.try_recv() {
                match serde_json::from_slice::<PatrolTask>(&r.payload) {
                    Ok(t) => {
                        client.on_task(t);
                    }
                    Err(e) => client.log.push(format!("unreadable task on {}: {e}", r.topic)),
                }
            }
            let now_s = bus::client::now_s();
            if event::poll(Duration::from_millis(200))? {
                if let Event::Key(k) = event::read()? {
                    if k.kind == KeyEventKind::Press {
                        let key = match k.code {
                            KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                            KeyCode::Char('a') => Some(Key::Accept),
                            KeyCode::Char('d') => Some(Key::Decline),
                            KeyCode::Char('r') => Some(Key::Arrive),
                            _ => None,
                        };
                        if let Some(ack) = key.and_then(|k| client.on_key(k, now_s)) {
                            let payload = serde_json::to_vec(&ack)?;
                            let p = Publish { topic: topic::patrol_ack(&client.unit), qos: QoS::AtLeastOnce, retain: false, payload };
                            if handle.try_publish(p).is_err() {
                                client.log.push("bus queue full: answer not sent, press again".into());
                            }
                        }
                    }
                }
            }
            let dt = last.elapsed().as_secs_f64();
            last = Instant::now();
            if args.simulate && client.task.is_some() && client.answered == Some(seawarden::tasking::patrol::Answer::Accepted) {
                if client.simulate(dt * args.speedup.max(0.0)) {
                    if let Some(ack) = client.on_key(Key::Arrive, now_s) {
                        let payload = serde_json::to_vec(&ack)?;
                        let _ = handle.try_publish(Publish { topic: topic::patrol_ack(&client.unit), qos: QoS::AtLeastOnce, retain: false, payload });
                    }
                }
            }
            if args.simulate && last_report.elapsed() >= Duration::from_secs(1) {
                last_report = Instant::now();
                let msg = serde_json::json!({
                    "schema": "seawarden.unit_position/1",
                    "unit": client.unit,
                    "time": now_s,
                    "lat": client.position.lat_deg,
                    "lon": client.position.lon_deg,
                    "sog_kn": 0.0,
                    "cog_deg": 0.0,
                });
                let _ = handle.try_publish(Publish {
                    topic: topic::unit_position(&client.unit),
                    qos: QoS::AtMostOnce,
                    retain: true,
                    payload: serde_json::to_vec(&msg)?,
                });
            }
            terminal.draw(|f| draw(f, &client, now_s, handle.is_connected()))?;
        }
    })();
    ratatui::restore();
    stop.cancel();
    let _ = rt.block_on(bus_task);
    result?;
    Ok(ExitCode::SUCCESS)
}
