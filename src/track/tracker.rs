//! The tracker loop (Stone Soup `MultiTargetTracker`): for each scan, predict every track to the
//! scan time, associate, update or coast (scoring each hit and counted miss), review
//! confirmation, merge duplicate tracks, delete, then start tentative tracks from the detections
//! nobody claimed. Generic over its roles, so the per-detection calls
//! are resolved at compile time; [`DefaultTracker`] is the configured combination.
//!
//! Out-of-sequence scans (older than the tracker's time, e.g. a late AIS report) are applied by
//! retrodiction ([`Kalman::update_retrodicted`]): no reorder buffer, so no added latency, and a
//! late report never starts a track or counts towards confirmation. Scans older than
//! `oosm.max_lag_s` are dropped and counted.
use nalgebra::Vector2;

use super::associator::{Associator, Hypothesis};
use super::config::{MergeConfig, MotionKind, TrackerConfig};
use super::deleter::{Deleter, ScoreOrCoast};
use super::filter::{AnyPredictor, ConstantVelocity, CoordinatedTurn, FilterState, Gaussian, Imm, Motion, Predictor};
use super::gate::{Grid, chi2_quantile};
use super::gnn::Gnn;
use super::kalman::{Kalman, Updater};
use super::measurement::max_eigenvalue;
use super::scan::{Scan, SensorId};
use super::score::{Initiator, TrackScore};
use super::tracked::TrackState;
use super::value::Track;
use crate::detection::SensorKind;
use crate::geodesy::Enu;

/// A sensor's coverage is learned as the bounding box of its detections, grown by this, m.
const COVERAGE_MARGIN_M: f64 = 500.0;
/// Chi-square (2 dof, 99 %) gate inside which a detection no track claimed is taken for a
/// stray plot of a confirmed track (split plot, multipath, wake) and starts no track.
const BIRTH_GATE_D2: f64 = 9.21;
/// Only confirmed tracks localised to this 1-σ (m) suppress births near them, and only
/// detections localised to this 1-σ are suppressed (an IR bearing with a horizon range may be
/// another vessel on the same line of sight).
const BIRTH_SUPPRESS_SIGMA_M: f64 = 200.0;
/// Cell size of the radar-activity map, m.
const ACTIVITY_CELL_M: f64 = 1000.0;
/// Time constant of the radar-activity map's forgetting, s.
const ACTIVITY_TAU_S: f64 = 120.0;
/// A spot is radar-covered when this many radar plots (forgotten with [`ACTIVITY_TAU_S`]) lie
/// within two cells of it: a radar that reaches there sees vessels and sea clutter there.
const ACTIVITY_COVERED: f64 = 20.0;

/// Counters over the tracker's lifetime.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackerStats {
    /// Scans processed in time order.
    pub scans: u64,
    /// Measurements in those scans.
    pub measurements: u64,
    /// Late scans applied by retrodiction.
    pub late_scans: u64,
    /// Late measurements that updated a track.
    pub late_applied: u64,
    /// Late measurements dropped (too old, or no track to update).
    pub late_dropped: u64,
    /// Tracks started (tentative).
    pub started: u64,
    /// Tracks deleted.
    pub deleted: u64,
    /// Duplicate tracks merged into another track.
    pub merged: u64,
    /// Detections that started no track because they lay inside a confirmed track's gate.
    pub births_suppressed: u64,
    /// Tracks started from AIS that took back the id of a deleted track with the same MMSI.
    pub ids_restored: u64,
}

#[derive(Debug, Clone)]
struct SensorInfo {
    name: String,
    coverage: Option<(Vector2<f64>, Vector2<f64>)>,
}

/// The multi-target tracker, generic over its predictor, updater, associator, initiator and
/// deleter.
#[derive(Debug, Clone)]
pub struct Tracker<P, U, A, I, D> {
    predictor: P,
    updater: U,
    associator: A,
    initiator: I,
    deleter: D,
    tracks: Vec<TrackState>,
    time_s: f64,
    next_id: u64,
    sensors: Vec<SensorInfo>,
    frame: Enu,
    site: String,
    max_lag_s: f64,
    retro: ConstantVelocity,
    stats: TrackerStats,
    predicted: Vec<FilterState>,
    combined: Vec<Gaussian>,
    hyps: Vec<Hypothesis>,
    used: Vec<bool>,
    /// Score increment of a counted miss, `ln(1 − Pd)`.
    miss_llr: f64,
    merge: MergeConfig,
    merge_gate: f64,
    merge_grid: Grid,
    merge_gone: Vec<bool>,
    /// Prior detection probability of radar and IR (a track's own per-sensor estimate is
    /// shrunk towards it).
    pd_prior: f64,
    birth_grid: Grid,
    /// Per detection of the current scan: inside a confirmed track's gate.
    suppressed: Vec<bool>,
    /// MMSI → (id, deletion time) of deleted tracks, so a vessel's next AIS report restores its
    /// id instead of starting a new one.
    retired: std::collections::HashMap<u32, (u64, f64)>,
    /// How long a retired id may be restored, s.
    id_memory_s: f64,
    /// Radar-activity map: cell → (forgotten plot count, time of its last update).
    activity: std::collections::HashMap<(i32, i32), (f64, f64)>,
}

/// The configured tracker: CV or IMM, (E)KF updates, GNN, track-score confirmation and deletion.
pub type DefaultTracker = Tracker<AnyPredictor, Kalman, Gnn, TrackScore, ScoreOrCoast>;

impl DefaultTracker {
    /// Build the tracker a configuration describes, filtering in `frame`.
    pub fn from_config(cfg: &TrackerConfig, frame: Enu) -> Self {
        let f = &cfg.filter;
        let cv = ConstantVelocity {
            q_m2ps3: f.cv_accel_noise_m2ps3,
            turn_rate_var_rad2ps2: f.turn_rate_sigma_degps.to_radians().powi(2),
        };
        let predictor = match f.model {
            MotionKind::Cv => AnyPredictor::Cv(cv),
            MotionKind::Imm => AnyPredictor::Imm(Imm {
                cv,
                ct: CoordinatedTurn { q_m2ps3: f.ct_accel_noise_m2ps3, q_turn_rad2ps3: f.ct_turn_rate_noise_rad2ps3 },
                cv_sojourn_s: f.cv_sojourn_s,
                ct_sojourn_s: f.ct_sojourn_s,
            }),
        };
        let mut t = Tracker::new(
            predictor,
            Kalman,
            Gnn::new(&cfg.association),
            TrackScore::new(&cfg.confirm, f, f.model == MotionKind::Imm),
            ScoreOrCoast::new(&cfg.delete),
            frame,
        );
        t.miss_llr = (1.0 - cfg.association.detection_probability).ln();
        t.pd_prior = cfg.association.detection_probability;
        t.id_memory_s = cfg.delete.ais_timeout_s;
        t.set_merge(&cfg.merge);
        t.site = cfg.site.clone();
        t.max_lag_s = cfg.oosm.max_lag_s;
        t.retro = cv;
        t
    }
}

impl<P: Predictor, U: Updater, A: Associator, I: Initiator, D: Deleter> Tracker<P, U, A, I, D> {
    /// A tracker from its parts, filtering in `frame`.
    pub fn new(predictor: P, updater: U, associator: A, initiator: I, deleter: D, frame: Enu) -> Self {
        Tracker {
            predictor,
            updater,
            associator,
            initiator,
            deleter,
            tracks: Vec::new(),
            time_s: f64::NEG_INFINITY,
            next_id: 1,
            sensors: Vec::new(),
            frame,
            site: String::new(),
            max_lag_s: 30.0,
            retro: ConstantVelocity::default(),
            stats: TrackerStats::default(),
            predicted: Vec::new(),
            combined: Vec::new(),
            hyps: Vec::new(),
            used: Vec::new(),
            miss_llr: 0.1f64.ln(),
            merge: MergeConfig::default(),
            merge_gate: chi2_quantile(4, MergeConfig::default().gate_probability),
            merge_grid: Grid::default(),
            merge_gone: Vec::new(),
            pd_prior: 0.9,
            birth_grid: Grid::default(),
            suppressed: Vec::new(),
            retired: std::collections::HashMap::new(),
            id_memory_s: 180.0,
            activity: std::collections::HashMap::new(),
        }
    }

    /// Set how duplicate tracks are merged (`max_distance_m = 0` turns merging off).
    pub fn set_merge(&mut self, merge: &MergeConfig) {
        self.merge = merge.clone();
        self.merge_gate = chi2_quantile(4, merge.gate_probability);
    }

    /// The id of a sensor by name, registering it on first use.
    pub fn sensor_id(&mut self, name: &str) -> SensorId {
        if let Some(i) = self.sensors.iter().position(|s| s.name == name) {
            return i as SensorId;
        }
        self.sensors.push(SensorInfo { name: name.to_string(), coverage: None });
        (self.sensors.len() - 1) as SensorId
    }

    /// All tracks (tentative included), in no particular order.
    pub fn tracks(&self) -> &[TrackState] {
        &self.tracks
    }

    /// The local frame the tracker filters in.
    pub fn frame(&self) -> &Enu {
        &self.frame
    }

    /// The time of the last in-order scan, seconds.
    pub fn time_s(&self) -> f64 {
        self.time_s
    }

    /// Lifetime counters.
    pub fn stats(&self) -> TrackerStats {
        self.stats
    }

    /// Confirmed and coasting tracks as public [`Track`] values in WGS-84.
    pub fn confirmed_tracks(&self) -> impl Iterator<Item = Track> + '_ {
        self.tracks.iter().filter(|t| t.is_confirmed()).map(|t| t.to_track(&self.frame, &self.site))
    }

    /// Whether radars see the sea around `p`: recent radar plots (vessels and clutter) within
    /// about 2 km. A bounding box of a radar's plots is no use here: it spans far-off corners the
    /// radar never reaches, where an AIS-only vessel is genuine, not spoofed.
    pub fn radar_covers(&self, p: Vector2<f64>) -> bool {
        let (cx, cy) = activity_cell(p);
        let mut sum = 0.0;
        for dx in -2..=2 {
            for dy in -2..=2 {
                if let Some(&(v, t)) = self.activity.get(&(cx + dx, cy + dy)) {
                    sum += v * (-(self.time_s - t).max(0.0) / ACTIVITY_TAU_S).exp();
                }
            }
        }
        sum >= ACTIVITY_COVERED
    }

    /// Confirmed tracks worth reporting: with `radar_verified_in_coverage`, a track no radar has
    /// detected is left out while it lies inside a radar's coverage (see
    /// [`OutputConfig`](super::config::OutputConfig)).
    pub fn reported_tracks(&self, radar_verified_in_coverage: bool) -> impl Iterator<Item = Track> + '_ {
        self.tracks
            .iter()
            .filter(move |t| {
                t.is_confirmed()
                    && (!radar_verified_in_coverage
                        || t.sources.contains(SensorKind::Radar)
                        || !self.radar_covers(t.estimate().pos()))
            })
            .map(|t| t.to_track(&self.frame, &self.site))
    }

    /// Process one scan: associate → update or coast → confirm → merge duplicates → delete →
    /// initiate.
    pub fn step(&mut self, scan: &Scan) -> &[TrackState] {
        if !scan.time_s.is_finite() {
            return &self.tracks;
        }
        if scan.time_s < self.time_s {
            self.step_late(scan);
            return &self.tracks;
        }
        self.time_s = scan.time_s;
        self.stats.scans += 1;
        self.stats.measurements += scan.measurements.len() as u64;
        self.learn_coverage(scan);

        // Predict.
        self.predicted.clear();
        self.combined.clear();
        for t in &self.tracks {
            let f = self.predictor.predict(&t.filter, scan.time_s - t.time_s);
            self.combined.push(f.combined());
            self.predicted.push(f);
        }
        // Associate.
        self.associator.associate(&self.updater, &self.combined, &self.tracks, scan, &mut self.hyps);
        self.used.clear();
        self.used.resize(scan.measurements.len(), false);
        // Update or coast.
        let coverage = self.sensors.get(scan.sensor as usize).and_then(|s| s.coverage);
        for (i, t) in self.tracks.iter_mut().enumerate() {
            t.time_s = scan.time_s;
            let updated = match self.hyps[i] {
                Hypothesis::Detected { det, cost, .. } => {
                    let m = &scan.measurements[det as usize];
                    match self.updater.update(&self.predicted[i], m) {
                        Some(f) => {
                            t.filter = f;
                            t.record_hit(m.kind, scan.sensor, m.mmsi, true, self.miss_llr - cost);
                            t.record_length(m.length_m);
                            if scan.kind != SensorKind::Ais {
                                t.record_opportunity(scan.sensor, true);
                            }
                            self.used[det as usize] = true;
                            true
                        }
                        None => false,
                    }
                }
                Hypothesis::Missed { .. } => false,
            };
            if !updated {
                t.filter = self.predicted[i];
                let p = self.combined[i].pos();
                // A miss counts only for a sensor that covers the spot (learned bounding box) and
                // has detected this track before: with a dozen radars and cameras whose sectors
                // are masked by land, "inside the box" alone would delete tracks within seconds.
                let seen_by_it = t.sensors_seen & (1 << (scan.sensor % 64)) != 0;
                let covered = seen_by_it
                    && coverage.is_some_and(|(lo, hi)| p.x >= lo.x && p.y >= lo.y && p.x <= hi.x && p.y <= hi.y);
                if scan.kind != SensorKind::Ais && covered {
                    // The miss costs what this sensor's record on this track says it is worth.
                    t.record_miss(t.miss_llr(scan.sensor, self.pd_prior));
                    t.record_opportunity(scan.sensor, false);
                }
            }
            self.initiator.review(t);
        }
        self.mark_suppressed_births(scan);
        // Merge duplicates.
        self.stats.merged += self.merge_duplicates() as u64;
        // Delete, remembering the ids of vessels known by MMSI.
        for t in &self.tracks {
            if let Some(mmsi) = t.mmsi {
                if self.deleter.should_delete(t, scan.time_s) {
                    self.retired.insert(mmsi, (t.id, scan.time_s));
                }
            }
        }
        self.stats.deleted += self.deleter.delete_tracks(&mut self.tracks, scan.time_s) as u64;
        // Initiate.
        for (j, m) in scan.measurements.iter().enumerate() {
            if self.used[j] {
                continue;
            }
            if self.suppressed[j] {
                self.stats.births_suppressed += 1;
                continue;
            }
            let restored = self.restorable_id(m.mmsi, scan.time_s);
            let id = restored.unwrap_or(self.next_id);
            if let Some(t) = self.initiator.initiate(m, scan.time_s, scan.sensor, id) {
                if restored.is_some() {
                    self.stats.ids_restored += 1;
                    if let Some(mmsi) = m.mmsi {
                        self.retired.remove(&mmsi);
                    }
                } else {
                    self.next_id += 1;
                }
                self.stats.started += 1;
                self.tracks.push(t);
            }
        }
        if self.retired.len() > 4096 {
            let (now, keep) = (scan.time_s, self.id_memory_s);
            self.retired.retain(|_, (_, t)| now - *t <= keep);
        }
        &self.tracks
    }

    /// The id of a recently deleted track of vessel `mmsi`, if no live track holds that MMSI.
    fn restorable_id(&self, mmsi: Option<u32>, now_s: f64) -> Option<u64> {
        let mmsi = mmsi?;
        let &(id, gone_s) = self.retired.get(&mmsi)?;
        if now_s - gone_s > self.id_memory_s || self.tracks.iter().any(|t| t.mmsi == Some(mmsi) || t.id == id) {
            return None;
        }
        Some(id)
    }

    /// Flag the detections of `scan` that no track claimed but that lie inside a well-localised
    /// confirmed track's gate (at its prediction): they are extra plots of a vessel already
    /// tracked, and starting tracks on them grows duplicates that steal the vessel's detections.
    /// AIS reports are never suppressed (a different MMSI is a different vessel).
    fn mark_suppressed_births(&mut self, scan: &Scan) {
        let nd = scan.measurements.len();
        self.suppressed.clear();
        self.suppressed.resize(nd, false);
        if scan.kind == SensorKind::Ais || !self.used.iter().any(|u| !u) {
            return;
        }
        let lim = BIRTH_SUPPRESS_SIGMA_M.powi(2);
        let (tracks, combined) = (&self.tracks, &self.combined);
        let ok = |i: usize| tracks[i].is_confirmed() && max_eigenvalue(&combined[i].pos_cov()) <= lim;
        self.birth_grid.build((0..tracks.len()).filter(|&i| ok(i)).map(|i| (i as u32, combined[i].pos())), 500.0);
        for (j, m) in scan.measurements.iter().enumerate() {
            if self.used[j] || !m.localised {
                continue;
            }
            let lm = max_eigenvalue(&m.approx_cov);
            if !(lm <= lim) {
                continue;
            }
            let r = (BIRTH_GATE_D2 * (lim + lm)).sqrt();
            let mut hit = false;
            self.birth_grid.query(m.approx_en, r, |i| {
                if hit {
                    return;
                }
                let g = &combined[i as usize];
                let d = m.approx_en - g.pos();
                if let Some(si) = (g.pos_cov() + m.approx_cov).try_inverse() {
                    hit = (d.transpose() * si * d)[(0, 0)] < BIRTH_GATE_D2;
                }
            });
            self.suppressed[j] = hit;
        }
    }

    /// Merge tracks that follow one vessel: close, statistically indistinguishable in position and
    /// velocity, not updated by one sensor in one scan (that proves two vessels) and not holding
    /// different MMSIs. The survivor is the confirmed one, else the older; it keeps the better
    /// localised of the two estimates and the union of their sources. Returns how many went.
    ///
    /// Such pairs arise when two sensors start a track each before either sees the other's
    /// detections (an IR camera's range is poor, so its track sits far along the bearing until a
    /// radar plot or a second camera pins it down), and then each sensor keeps feeding "its" track.
    fn merge_duplicates(&mut self) -> usize {
        let n = self.tracks.len();
        if self.merge.max_distance_m <= 0.0 || n < 2 {
            return 0;
        }
        // Reuse the prediction buffer: the predictions are spent once the tracks are updated.
        let mut est = std::mem::take(&mut self.combined);
        est.clear();
        est.extend(self.tracks.iter().map(|t| t.estimate()));
        let r = self.merge.max_distance_m;
        self.merge_grid.build(est.iter().enumerate().map(|(i, g)| (i as u32, g.pos())), r.max(50.0));
        self.merge_gone.clear();
        self.merge_gone.resize(n, false);
        let mut merged = 0;
        let mut cand = Vec::new();
        for i in 0..n {
            if self.merge_gone[i] {
                continue;
            }
            cand.clear();
            self.merge_grid.query(est[i].pos(), r, |j| cand.push(j as usize));
            for &j in &cand {
                if j <= i || self.merge_gone[j] || self.merge_gone[i] {
                    continue;
                }
                let (a, b) = (&self.tracks[i], &self.tracks[j]);
                if a.last_hit == b.last_hit {
                    continue;
                }
                if let (Some(x), Some(y)) = (a.mmsi, b.mmsi) {
                    if x != y {
                        continue;
                    }
                }
                // A dark vessel alongside a transponder vessel (a rendezvous at sea, a tow) is two
                // vessels: two tracks each confirmed for a while, one with AIS and one that never
                // had it, are kept apart however close they come.
                if a.mmsi.is_some() != b.mmsi.is_some()
                    && a.is_confirmed()
                    && b.is_confirmed()
                    && self.merge.keep_dark_beside_ais_after_s > 0.0
                    && (a.time_s - a.born_s).min(b.time_s - b.born_s) >= self.merge.keep_dark_beside_ais_after_s
                {
                    continue;
                }
                let (ga, gb) = (&est[i], &est[j]);
                if (ga.pos() - gb.pos()).norm() > r {
                    continue;
                }
                if a.is_confirmed()
                    && b.is_confirmed()
                    && (ga.vel() - gb.vel()).norm() > self.merge.max_speed_difference_mps
                {
                    continue;
                }
                let d = ga.x.fixed_rows::<4>(0) - gb.x.fixed_rows::<4>(0);
                let s = ga.p.fixed_view::<4, 4>(0, 0) + gb.p.fixed_view::<4, 4>(0, 0);
                let Some(si) = s.try_inverse() else { continue };
                if (d.transpose() * si * d)[(0, 0)] > self.merge_gate {
                    continue;
                }
                // Survivor: confirmed over tentative, then the older.
                let keep_i = match (a.is_confirmed(), b.is_confirmed()) {
                    (true, false) => true,
                    (false, true) => false,
                    _ => (a.born_s, a.id) <= (b.born_s, b.id),
                };
                let (k, g) = if keep_i { (i, j) } else { (j, i) };
                // Adopt the better localised estimate, except a tentative one into a confirmed
                // track: a tentative loser may be a clutter plot next to the vessel.
                let better = (self.tracks[g].is_confirmed() || !self.tracks[k].is_confirmed())
                    && max_eigenvalue(&est[g].pos_cov()) < max_eigenvalue(&est[k].pos_cov());
                let loser = self.tracks[g].clone();
                let t = &mut self.tracks[k];
                if better {
                    t.filter = loser.filter;
                }
                t.sources = t.sources.union(loser.sources);
                t.sensors_seen |= loser.sensors_seen;
                t.mmsi = t.mmsi.or(loser.mmsi);
                t.adopt_lengths(&loser);
                t.last_ais_s = t.last_ais_s.max(loser.last_ais_s);
                t.score = t.score.max(loser.score);
                t.score_max = t.score_max.max(loser.score_max);
                t.updates = t.updates.saturating_add(loser.updates);
                t.hits |= loser.hits;
                t.misses_in_row = t.misses_in_row.min(loser.misses_in_row);
                if loser.last_update_s > t.last_update_s {
                    t.last_update_s = loser.last_update_s;
                    t.last_hit = loser.last_hit;
                }
                self.initiator.review(t);
                self.merge_gone[g] = true;
                merged += 1;
            }
        }
        self.combined = est;
        if merged > 0 {
            let gone = std::mem::take(&mut self.merge_gone);
            let mut k = 0;
            self.tracks.retain(|_| {
                k += 1;
                !gone[k - 1]
            });
            self.merge_gone = gone;
        }
        merged
    }

    /// Grow the scan's sensor coverage box and, for a radar, the radar-activity map.
    fn learn_coverage(&mut self, scan: &Scan) {
        if scan.kind == SensorKind::Radar {
            for m in scan.measurements.iter().filter(|m| m.localised) {
                let e = self.activity.entry(activity_cell(m.approx_en)).or_insert((0.0, scan.time_s));
                e.0 = e.0 * (-(scan.time_s - e.1).max(0.0) / ACTIVITY_TAU_S).exp() + 1.0;
                e.1 = scan.time_s;
            }
        }
        let Some(info) = self.sensors.get_mut(scan.sensor as usize) else { return };
        for m in scan.measurements.iter().filter(|m| m.localised) {
            let p = m.approx_en;
            let d = Vector2::new(COVERAGE_MARGIN_M, COVERAGE_MARGIN_M);
            info.coverage = Some(match info.coverage {
                None => (p - d, p + d),
                Some((lo, hi)) => (lo.inf(&(p - d)), hi.sup(&(p + d))),
            });
        }
    }

    /// Apply a scan older than the tracker's time by retrodiction.
    fn step_late(&mut self, scan: &Scan) {
        let n = scan.measurements.len() as u64;
        if self.time_s - scan.time_s > self.max_lag_s {
            self.stats.late_dropped += n;
            return;
        }
        self.stats.late_scans += 1;
        self.combined.clear();
        let nan = Gaussian { x: nalgebra::SVector::repeat(f64::NAN), p: nalgebra::SMatrix::repeat(f64::NAN) };
        for t in &self.tracks {
            // A track born after the measurement cannot have produced it.
            let g = if t.born_s > scan.time_s {
                nan
            } else {
                retrodict(&self.retro, &t.estimate(), scan.time_s - t.time_s).0
            };
            self.combined.push(g);
        }
        self.associator.associate(&self.updater, &self.combined, &self.tracks, scan, &mut self.hyps);
        let kalman = Kalman;
        let mut applied = 0;
        for (i, t) in self.tracks.iter_mut().enumerate() {
            let Hypothesis::Detected { det, .. } = self.hyps[i] else { continue };
            let m = &scan.measurements[det as usize];
            let dt = scan.time_s - t.time_s;
            let mut ok = true;
            let mut f = t.filter;
            for (j, g) in t.filter.modes.iter().enumerate() {
                if t.filter.mu[j] <= 0.0 && j > 0 {
                    f.modes[j] = f.modes[0];
                    continue;
                }
                let (retro, fb) = retrodict(&self.retro, g, dt);
                match kalman.update_retrodicted(g, &fb, &retro, m) {
                    Some(u) => f.modes[j] = u,
                    None => ok = false,
                }
            }
            if ok {
                t.filter = f;
                t.record_hit(m.kind, scan.sensor, m.mmsi, false, 0.0);
                t.record_length(m.length_m);
                applied += 1;
            }
        }
        self.stats.late_applied += applied;
        self.stats.late_dropped += n - applied;
    }
}

/// The radar-activity cell of a position (saturating far outside any sensible frame).
fn activity_cell(p: Vector2<f64>) -> (i32, i32) {
    ((p.x / ACTIVITY_CELL_M).floor() as i32, (p.y / ACTIVITY_CELL_M).floor() as i32)
}

/// Predict `g` backwards by `dt_s < 0` with the CV model, process noise added before the
/// backward transition (the noise between the two times is unknown, so it widens the estimate).
/// Returns the retrodicted Gaussian and the backward transition matrix.
fn retrodict(cv: &ConstantVelocity, g: &Gaussian, dt_s: f64) -> (Gaussian, super::filter::Cov) {
    let (x, mut f) = cv.transition(&g.x, dt_s);
    f[(4, 4)] = 1.0; // keep the turn rate: it is a state of the past too
    let x = nalgebra::SVector::<f64, 5>::new(x[0], x[1], x[2], x[3], g.x[4]);
    let mut q = cv.noise(dt_s);
    q[(4, 4)] = 0.0;
    let p = f * (g.p + q) * f.transpose();
    (Gaussian { x, p }, f)
}
