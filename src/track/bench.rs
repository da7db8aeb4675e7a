//! A reproducible load for timing the tracker: N vessels spread over 30 × 30 km at harbour
//! speeds, one radar scanning every 2.5 s with detection probability 0.95 and 20 m error, plus
//! clutter equal to 10 % of N per scan. Used by `benches/track_scan.rs` and `seawarden bench track`.
use std::time::Instant;

use nalgebra::{Matrix2, Vector2};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;

use super::config::TrackerConfig;
use super::measurement::{Measurement, cartesian::cartesian};
use super::scan::Scan;
use super::tracker::DefaultTracker;
use crate::detection::SensorKind;
use crate::geodesy::{Enu, LatLon};

/// Side of the square the targets move in, metres.
pub const AREA_M: f64 = 30_000.0;
/// Scan period, seconds.
pub const SCAN_PERIOD_S: f64 = 2.5;
const SIGMA_M: f64 = 20.0;
const PD: f64 = 0.95;

/// Simulated targets and the scans a radar would make of them.
#[derive(Debug, Clone)]
pub struct LoadGenerator {
    pos: Vec<Vector2<f64>>,
    vel: Vec<Vector2<f64>>,
    rng: Pcg64,
    time_s: f64,
    clutter_per_scan: usize,
}

impl LoadGenerator {
    /// `n` targets, seeded.
    pub fn new(n: usize, seed: u64) -> Self {
        let mut rng = Pcg64::seed_from_u64(seed);
        let h = AREA_M / 2.0;
        let pos = (0..n).map(|_| Vector2::new(rng.random_range(-h..h), rng.random_range(-h..h))).collect();
        let vel = (0..n)
            .map(|_| {
                let speed = rng.random_range(0.0..12.0);
                let a: f64 = rng.random_range(0.0..std::f64::consts::TAU);
                Vector2::new(speed * a.sin(), speed * a.cos())
            })
            .collect();
        LoadGenerator { pos, vel, rng, time_s: 0.0, clutter_per_scan: n / 10 }
    }

    /// Advance one scan period and return the radar scan (sensor 0).
    pub fn next_scan(&mut self) -> Scan {
        self.time_s += SCAN_PERIOD_S;
        let h = AREA_M / 2.0;
        let noise = Normal::new(0.0, SIGMA_M).expect("constant σ > 0");
        let r = Matrix2::identity() * (SIGMA_M * SIGMA_M);
        let mut ms = Vec::with_capacity(self.pos.len() + self.clutter_per_scan);
        for (p, v) in self.pos.iter_mut().zip(self.vel.iter_mut()) {
            *p += *v * SCAN_PERIOD_S;
            for k in 0..2 {
                if p[k].abs() > h {
                    v[k] = -v[k];
                    p[k] = p[k].clamp(-h, h);
                }
            }
            if self.rng.random::<f64>() < PD {
                let z = *p + Vector2::new(noise.sample(&mut self.rng), noise.sample(&mut self.rng));
                if let Some(m) = cartesian(z, r) {
                    ms.push(Measurement::from_model(m, SensorKind::Radar, None));
                }
            }
        }
        for _ in 0..self.clutter_per_scan {
            let z = Vector2::new(self.rng.random_range(-h..h), self.rng.random_range(-h..h));
            if let Some(m) = cartesian(z, r) {
                ms.push(Measurement::from_model(m, SensorKind::Radar, None));
            }
        }
        Scan { time_s: self.time_s, sensor: 0, kind: SensorKind::Radar, measurements: ms }
    }

    /// True positions, metres east/north.
    pub fn truth(&self) -> &[Vector2<f64>] {
        &self.pos
    }
}

/// A default-configured tracker in a frame at Macau with its radar registered as sensor 0.
pub fn bench_tracker() -> DefaultTracker {
    let mut t = DefaultTracker::from_config(&TrackerConfig::default(), Enu::at(LatLon::new(22.15, 113.56)));
    t.sensor_id("radar-bench");
    t
}

/// Mean per-scan `Tracker::step` time (milliseconds, one core) for each target count, after a
/// 30-scan warm-up that confirms the tracks; the scans themselves are generated outside the timing.
pub fn bench_scan_curve(sizes: &[usize]) -> Vec<(usize, f64)> {
    sizes
        .iter()
        .map(|&n| {
            let mut load = LoadGenerator::new(n, 42);
            let mut tracker = bench_tracker();
            for _ in 0..30 {
                let s = load.next_scan();
                tracker.step(&s);
            }
            let reps = (200_000 / n.max(1)).clamp(10, 200);
            let scans: Vec<Scan> = (0..reps).map(|_| load.next_scan()).collect();
            let start = Instant::now();
            for s in &scans {
                std::hint::black_box(tracker.step(s));
            }
            (n, start.elapsed().as_secs_f64() * 1e3 / reps as f64)
        })
        .collect()
}
