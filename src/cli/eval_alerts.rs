//! `seawarden eval-alerts`: score alerts files against simulated scenarios' labels.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::alert::Alert;
use seawarden::anomaly::eval::{EpisodeLabel, EvalConfig, Score, TruthLine, quantile, score, seen_times, sensor_fixes};

/// Per-rule and overall precision and recall, and time to alert (from the first moment the
/// behaviour is observable: the vessel's first radar/IR fix within the labelled episode) of
/// `analyze`'s alerts against `sim`'s labelled episodes. Several scenarios are pooled.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A scenario directory written by `seawarden sim` (episodes.jsonl, truth.jsonl,
    /// measurements.jsonl). Repeat for several scenarios.
    #[arg(long, required = true)]
    scenario: Vec<PathBuf>,
    /// Alerts JSONL (from `seawarden analyze`), one per --scenario in the same order. Default:
    /// `alerts.jsonl` in each scenario directory.
    #[arg(long)]
    alerts: Vec<PathBuf>,
    /// Monitoring sites, for false alerts per site-hour.
    #[arg(long, default_value_t = 13)]
    sites: u32,
    /// Also list every episode and every alert with how it was scored.
    #[arg(long)]
    details: bool,
}

fn read_jsonl<T: serde::de::DeserializeOwned>(p: &Path) -> anyhow::Result<Vec<T>> {
    let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{} line {}", p.display(), i + 1)))
        .collect()
}

fn f0(v: Option<f64>) -> String {
    v.map_or("-".to_owned(), |x| format!("{x:.0}"))
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if !args.alerts.is_empty() && args.alerts.len() != args.scenario.len() {
        anyhow::bail!("give one --alerts per --scenario ({} vs {}), or none", args.alerts.len(), args.scenario.len());
    }
    let cfg = EvalConfig::default();
    let mut pooled = Score::default();
    println!(
        "{:<24} {:>8} {:>7} {:>7} {:>8} {:>11}",
        "scenario", "episodes", "alerts", "false", "hours", "false/site-h"
    );
    for (i, dir) in args.scenario.iter().enumerate() {
        let alerts_path = args.alerts.get(i).cloned().unwrap_or_else(|| dir.join("alerts.jsonl"));
        let alerts: Vec<Alert> = read_jsonl(&alerts_path)?;
        let episodes: Vec<EpisodeLabel> = read_jsonl(&dir.join("episodes.jsonl"))?;
        let truth: Vec<TruthLine> = read_jsonl(&dir.join("truth.jsonl"))?;
        let mp = dir.join("measurements.jsonl");
        let meas = std::fs::read_to_string(&mp).with_context(|| format!("reading {}", mp.display()))?;
        let seen = seen_times(&sensor_fixes(&meas), &truth, cfg);
        let s = score(&alerts, &episodes, &truth, Some(&seen), cfg);
        let (t0, t1) =
            truth.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(t.time), b.max(t.time)));
        let hours = (t1 - t0).max(1.0) / 3600.0;
        let name = dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
        println!(
            "{name:<24} {:>8} {:>7} {:>7} {:>8.2} {:>11.2}",
            episodes.len(),
            s.alerts.len(),
            s.false_alerts,
            hours,
            s.false_alerts as f64 / (f64::from(args.sites) * hours)
        );
        if args.details {
            for e in &s.episodes {
                println!(
                    "  episode {:<5} {:<12} start {:.0} observable {} first alert {}",
                    e.vessel,
                    e.behaviour,
                    e.start,
                    f0(e.observable.map(|o| o - e.start)),
                    e.first_alert.map_or("-".to_owned(), |(t, k)| format!(
                        "{} at +{:.0} s",
                        k.as_str(),
                        t - e.observable.unwrap_or(e.start)
                    ))
                );
            }
            for a in &s.alerts {
                println!(
                    "  alert {} {:<18} t+{:.0} vessel {:<5} {}",
                    a.id,
                    a.kind.as_str(),
                    a.time - t0,
                    a.vessel.as_deref().unwrap_or("-"),
                    if a.true_pos { "true" } else { "FALSE" }
                );
            }
        }
        pooled.merge(s);
    }
    let s = pooled;
    println!();
    println!(
        "{:<20} {:>7} {:>7} {:>9} {:>8} {:>8} {:>7}",
        "kind", "alerts", "true+", "precision", "episodes", "recalled", "recall"
    );
    let row = |k: &str, v: &seawarden::anomaly::eval::KindScore| {
        println!(
            "{k:<20} {:>7} {:>7} {:>9.3} {:>8} {:>8} {:>7.3}",
            v.alerts,
            v.true_pos,
            v.precision(),
            v.episodes,
            v.recalled,
            v.recall()
        );
    };
    for (k, v) in &s.kinds {
        row(k, v);
    }
    row("smuggling kinds", &s.smuggling());
    let o = s.overall();
    println!("{:<20} {:>7} {:>7} {:>9.3}", "overall", o.alerts, o.true_pos, o.precision());
    println!();
    println!(
        "{:<12} {:>8} {:>8} {:>8} {:>7} {:>9} {:>9}",
        "behaviour", "episodes", "unobserv", "recalled", "recall", "tta_p50_s", "tta_p95_s"
    );
    let (mut all_e, mut all_r, mut all_t) = (0, 0, Vec::new());
    for (b, v) in &s.behaviours {
        println!(
            "{b:<12} {:>8} {:>8} {:>8} {:>7.3} {:>9} {:>9}",
            v.episodes,
            v.unobservable,
            v.recalled,
            v.recall(),
            f0(quantile(&v.time_to_alert_s, 0.5)),
            f0(quantile(&v.time_to_alert_s, 0.95))
        );
        all_e += v.episodes;
        all_r += v.recalled;
        all_t.extend_from_slice(&v.time_to_alert_s);
    }
    let recall = if all_e == 0 { 1.0 } else { all_r as f64 / all_e as f64 };
    println!(
        "{:<12} {all_e:>8} {:>8} {all_r:>8} {recall:>7.3} {:>9} {:>9}",
        "all targeted",
        "",
        f0(quantile(&all_t, 0.5)),
        f0(quantile(&all_t, 0.95))
    );
    println!();
    println!(
        "labelled episodes: {} ({} of behaviours no alert targets: benign)",
        s.episodes.len(),
        s.episodes.iter().filter(|e| !s.behaviours.contains_key(&e.behaviour)).count()
    );
    println!("false alerts: {}", s.false_alerts);
    Ok(ExitCode::SUCCESS)
}
