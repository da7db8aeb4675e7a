//! The demo's closing report (printed and written as `summary.json`): tracks, alerts by kind with
//! time to alert scored by [`anomaly::eval`](crate::anomaly::eval) against the labelled
//! episodes, interceptions, messages lost, broker latency, CPU and memory per node and in all.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::alert::Alert;
use crate::anomaly::eval::{EpisodeLabel, EvalConfig, TruthLine, quantile, score, seen_times, sensor_fixes};
use crate::node::soak::Percentiles;

use super::nodes::Usage;
use super::units::UnitsStats;
use super::watch::Watch;

/// One alert kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KindLine {
    /// Distinct alerts.
    pub alerts: usize,
    /// Of which matched a labelled episode they target.
    pub true_pos: usize,
}

/// One labelled behaviour.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BehaviourLine {
    /// Observable episodes.
    pub episodes: usize,
    /// Hit by a true-positive alert.
    pub recalled: usize,
    /// Median time from observable to first alert, sim seconds.
    pub time_to_alert_p50_s: Option<f64>,
    /// Worst time to alert, sim seconds.
    pub time_to_alert_max_s: Option<f64>,
}

/// One node.
#[derive(Debug, Clone, Serialize)]
pub struct NodeLine {
    /// Site id.
    pub site: String,
    /// Distinct tracks it published.
    pub tracks: usize,
    /// Alerts it committed to its outbox (`bus.alerts_committed` of its last status).
    pub alerts_committed: u64,
    /// Alert lines heard from it.
    pub alerts_heard: usize,
    /// Alerts its outbox evicted (overflow).
    pub alerts_evicted: u64,
    /// Track batches it replaced before sending.
    pub track_batches_dropped: u64,
    /// CPU and peak memory.
    pub usage: Usage,
    /// Exit code (`None`: still running when the demo ended and was stopped).
    pub exit: Option<i32>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Sim seconds run.
    pub duration_s: f64,
    /// Demo speed.
    pub speed: f64,
    /// IR frames per wall second.
    pub ir_fps: u32,
    /// Whether the rendered inputs came from the cache.
    pub warm_cache: bool,
    /// Wall seconds from the command to the end.
    pub wall_s: f64,
    /// Wall seconds from the command to the first track received.
    pub first_track_s: Option<f64>,
    /// Distinct tracks over all sites (site-scoped ids).
    pub tracks_distinct: usize,
    /// Alerts by kind.
    pub alerts_by_kind: BTreeMap<String, KindLine>,
    /// Recall and time to alert per labelled behaviour.
    pub behaviours: BTreeMap<String, BehaviourLine>,
    /// Patrol answers heard, by kind (`arrived` = interceptions).
    pub patrol_answers: BTreeMap<String, u64>,
    /// Interceptions: patrol arrivals on scene.
    pub interceptions: u64,
    /// Patrol tasks the headless operator sent.
    pub patrol_tasks_sent: u64,
    /// Drone missions sent (by the operator or the console).
    pub drone_missions: u64,
    /// The simulated units' own tally.
    pub units: UnitsStats,
    /// Alerts committed by nodes but never heard (must be 0).
    pub messages_lost: u64,
    /// Alerts committed, all nodes.
    pub alerts_committed: u64,
    /// Distinct alert lines heard.
    pub alerts_heard: u64,
    /// Alert lines heard again.
    pub alert_duplicates: u64,
    /// Track batches heard.
    pub track_batches: u64,
    /// Track batches nodes replaced before sending (QoS 0 by design).
    pub track_batches_dropped: u64,
    /// Alert latency across the broker (node outbox commit → demo subscriber).
    pub alert_latency: Percentiles,
    /// Per node.
    pub nodes: Vec<NodeLine>,
    /// The demo process itself (broker, subscriber, operator, units, console).
    pub demo: Usage,
    /// Demo plus nodes: CPU seconds and the sum of peak RSS.
    pub total: Usage,
}

fn read_jsonl<T: serde::de::DeserializeOwned>(p: &Path) -> Vec<T> {
    std::fs::read_to_string(p)
        .map(|t| t.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
        .unwrap_or_default()
}

/// Score alerts (their times mapped to sim time by `to_sim`; the demo's are sim times already)
/// against the episodes.
pub fn behaviours(
    alerts: &[Alert],
    to_sim: impl Fn(f64) -> f64,
    sim_dir: &Path,
) -> (BTreeMap<String, KindLine>, BTreeMap<String, BehaviourLine>) {
    let episodes: Vec<EpisodeLabel> = read_jsonl(&sim_dir.join("episodes.jsonl"));
    let truth: Vec<TruthLine> = read_jsonl(&sim_dir.join("truth.jsonl"));
    let meas = std::fs::read_to_string(sim_dir.join("measurements.jsonl")).unwrap_or_default();
    let cfg = EvalConfig::default();
    let seen = seen_times(&sensor_fixes(&meas), &truth, cfg);
    let mapped: Vec<Alert> = alerts.iter().map(|a| Alert { time: to_sim(a.time), ..a.clone() }).collect();
    let s = score(&mapped, &episodes, &truth, Some(&seen), cfg);
    let kinds = s
        .kinds
        .iter()
        .map(|(k, v)| (k.to_string(), KindLine { alerts: v.alerts, true_pos: v.true_pos }))
        .filter(|(_, v)| v.alerts > 0)
        .collect();
    let beh = s
        .behaviours
        .iter()
        .map(|(b, v)| {
            let max = v.time_to_alert_s.iter().copied().fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
            (
                b.clone(),
                BehaviourLine {
                    episodes: v.episodes,
                    recalled: v.recalled,
                    time_to_alert_p50_s: quantile(&v.time_to_alert_s, 0.5),
                    time_to_alert_max_s: max,
                },
            )
        })
        .collect();
    (kinds, beh)
}

/// Node lines and the message-loss count from the watch and the processes.
pub fn node_lines(watch: &Watch, nodes: &[(String, Usage, Option<i32>)]) -> (Vec<NodeLine>, u64) {
    let mut lost = 0;
    let lines = nodes
        .iter()
        .map(|(site, usage, exit)| {
            let st = watch.status.get(site);
            let committed = st.map_or(0, |s| s.bus.alerts_committed);
            let heard = watch.alert_lines.get(site).map_or(0, |h| h.len());
            lost += committed.saturating_sub(heard as u64);
            NodeLine {
                site: site.clone(),
                tracks: watch.tracks.get(site).map_or(0, |t| t.len()),
                alerts_committed: committed,
                alerts_heard: heard,
                alerts_evicted: st.map_or(0, |s| s.bus.alerts_evicted),
                track_batches_dropped: st.map_or(0, |s| s.bus.track_batches_dropped),
                usage: *usage,
                exit: *exit,
            }
        })
        .collect();
    (lines, lost)
}

fn f(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x:.0}"))
}

impl Summary {
    /// The human-readable report.
    pub fn print(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(
            out,
            "== seawarden demo: {} (seed {}), {:.0} s of sim time at x{} in {:.1} s wall{}",
            self.scenario,
            self.seed,
            self.duration_s,
            self.speed,
            self.wall_s,
            if self.warm_cache { " (inputs cached)" } else { "" }
        )?;
        writeln!(
            out,
            "first track received {} s after the command",
            self.first_track_s.map_or("-".into(), |t| format!("{t:.1}"))
        )?;
        writeln!(
            out,
            "tracks: {} distinct over {} sites",
            self.tracks_distinct,
            self.nodes.iter().filter(|n| n.tracks > 0).count()
        )?;
        for (k, v) in &self.alerts_by_kind {
            writeln!(out, "  alert {k:<18} {:>4}  ({} matched a labelled episode)", v.alerts, v.true_pos)?;
        }
        for (b, v) in self.behaviours.iter().filter(|(_, v)| v.episodes > 0) {
            writeln!(
                out,
                "  episode {b:<16} {}/{} alerted, time to alert p50 {} s, max {} s",
                v.recalled,
                v.episodes,
                f(v.time_to_alert_p50_s),
                f(v.time_to_alert_max_s)
            )?;
        }
        writeln!(
            out,
            "patrol: {} tasks sent, answers {:?}; interceptions {}; drone missions {}",
            self.patrol_tasks_sent, self.patrol_answers, self.interceptions, self.drone_missions
        )?;
        writeln!(
            out,
            "messages: {} alerts committed, {} heard, LOST {}, {} resent duplicates; {} track batches heard, {} replaced at nodes",
            self.alerts_committed,
            self.alerts_heard,
            self.messages_lost,
            self.alert_duplicates,
            self.track_batches,
            self.track_batches_dropped
        )?;
        writeln!(
            out,
            "alert latency across the broker: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (n {})",
            self.alert_latency.p50_ms, self.alert_latency.p99_ms, self.alert_latency.max_ms, self.alert_latency.n
        )?;
        writeln!(out, "{:<28} {:>6} {:>7} {:>7} {:>8} {:>9}", "node", "tracks", "alerts", "lost", "cpu s", "max MiB")?;
        for n in &self.nodes {
            writeln!(
                out,
                "{:<28} {:>6} {:>7} {:>7} {:>8.1} {:>9.1}",
                n.site,
                n.tracks,
                n.alerts_committed,
                n.alerts_committed.saturating_sub(n.alerts_heard as u64),
                n.usage.cpu_s,
                n.usage.max_rss_mib
            )?;
        }
        writeln!(
            out,
            "{:<28} {:>6} {:>7} {:>7} {:>8.1} {:>9.1}",
            "demo process", "", "", "", self.demo.cpu_s, self.demo.max_rss_mib
        )?;
        writeln!(
            out,
            "{:<28} {:>6} {:>7} {:>7} {:>8.1} {:>9.1}",
            "whole system", "", "", "", self.total.cpu_s, self.total.max_rss_mib
        )?;
        Ok(())
    }
}
