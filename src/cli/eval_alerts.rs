//! `seawarden eval-alerts`: score an alerts file against a simulated scenario's labels.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::alert::Alert;
use seawarden::anomaly::eval::{EpisodeLabel, EvalConfig, TruthLine, quantile, score};

/// Precision, recall and time to alert of `analyze`'s alerts against `sim`'s labelled episodes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Alerts JSONL (from `seawarden analyze`).
    #[arg(long)]
    alerts: PathBuf,
    /// The scenario directory written by `seawarden sim` (episodes.jsonl, truth.jsonl).
    #[arg(long)]
    scenario: PathBuf,
    /// Monitoring sites, for false alerts per site-hour.
    #[arg(long, default_value_t = 13)]
    sites: u32,
}

fn read_jsonl<T: serde::de::DeserializeOwned>(p: &std::path::Path) -> anyhow::Result<Vec<T>> {
    let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{} line {}", p.display(), i + 1)))
        .collect()
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let alerts: Vec<Alert> = read_jsonl(&args.alerts)?;
    let episodes: Vec<EpisodeLabel> = read_jsonl(&args.scenario.join("episodes.jsonl"))?;
    let truth: Vec<TruthLine> = read_jsonl(&args.scenario.join("truth.jsonl"))?;
    let s = score(&alerts, &episodes, &truth, EvalConfig::default());
    let fmt = |v: Option<f64>| v.map_or("-".to_owned(), |x| format!("{x:.0}"));
    println!("{:<20} {:>7} {:>7} {:>9}", "kind", "alerts", "true+", "precision");
    for (k, v) in &s.kinds {
        println!("{k:<20} {:>7} {:>7} {:>9.3}", v.alerts, v.true_pos, v.precision());
    }
    let (o, sm) = (s.overall(), s.smuggling());
    println!("{:<20} {:>7} {:>7} {:>9.3}", "smuggling kinds", sm.alerts, sm.true_pos, sm.precision());
    println!("{:<20} {:>7} {:>7} {:>9.3}", "overall", o.alerts, o.true_pos, o.precision());
    println!();
    println!("{:<12} {:>8} {:>8} {:>7} {:>9} {:>9}", "behaviour", "episodes", "recalled", "recall", "tta_p50_s", "tta_p95_s");
    for (b, v) in &s.behaviours {
        println!(
            "{b:<12} {:>8} {:>8} {:>7.3} {:>9} {:>9}",
            v.episodes,
            v.recalled,
            v.recall(),
            fmt(quantile(&v.time_to_alert_s, 0.5)),
            fmt(quantile(&v.time_to_alert_s, 0.95))
        );
    }
    let (t0, t1) = truth.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(t.time), b.max(t.time)));
    let site_hours = f64::from(args.sites) * ((t1 - t0).max(1.0) / 3600.0);
    println!();
    println!("false alerts: {} ({:.2} per site-hour over {} sites)", s.false_alerts, s.false_alerts as f64 / site_hours, args.sites);
    Ok(ExitCode::SUCCESS)
}
