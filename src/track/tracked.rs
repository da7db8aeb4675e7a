//! The tracker's own per-track record: filter state plus the life-cycle bookkeeping (hit
//! history for M-of-N, misses, sources, identity). Hot data, no heap: the public
//! [`Track`](super::Track) value is built from it on demand.
use super::filter::{FilterState, Gaussian};
use super::value::{HistoryPoint, Track, TrackId, TrackStatus, VesselClass};
use crate::detection::{Identity, SensorKind};
use crate::geodesy::{Enu, MPS_PER_KNOT};

/// How many past positions a track keeps.
pub const HISTORY_LEN: usize = 16;

/// How many recent size measurements a track's length estimate is the median of.
pub const LENGTH_WINDOW: usize = 9;

/// Bit flags of the sensor kinds that have updated a track.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sources(u8);

impl Sources {
    /// The flag of one kind.
    #[inline]
    pub fn of(kind: SensorKind) -> Self {
        Sources(match kind {
            SensorKind::Ais => 1,
            SensorKind::Radar => 2,
            SensorKind::Ir => 4,
        })
    }
    /// Add a kind.
    #[inline]
    pub fn insert(&mut self, kind: SensorKind) {
        self.0 |= Sources::of(kind).0;
    }
    /// Whether a kind is present.
    #[inline]
    pub fn contains(self, kind: SensorKind) -> bool {
        self.0 & Sources::of(kind).0 != 0
    }
    /// Only AIS has ever updated the track.
    #[inline]
    pub fn ais_only(self) -> bool {
        self.0 == 1
    }
    /// Both sets of kinds.
    #[inline]
    pub fn union(self, other: Sources) -> Sources {
        Sources(self.0 | other.0)
    }
    /// The kinds, in a fixed order.
    pub fn kinds(self) -> Vec<SensorKind> {
        [SensorKind::Ais, SensorKind::Radar, SensorKind::Ir].into_iter().filter(|k| self.contains(*k)).collect()
    }
}

/// How many sensors' detection records a track keeps (the sensors that saw it most recently).
pub const SENSOR_SLOTS: usize = 4;
/// Forgetting factor of the per-sensor detection record, per opportunity: about the last 30
/// scans of a sensor count.
const PD_FORGET: f32 = 0.97;
/// Weight (in scans) of the prior detection probability in a track's per-sensor estimate.
const PD_PRIOR_WEIGHT: f32 = 8.0;
/// Bounds of a track's per-sensor detection probability estimate.
const PD_MIN: f32 = 0.02;
const PD_MAX: f32 = 0.95;

/// One sensor's detection record of one track: exponentially forgotten hits and opportunities.
///
/// Why: a 3 Hz IR camera that sees a distant boat on one frame in ten must not charge the full
/// `ln(1 − Pd)` of a good radar for every frame it misses, or the track is deleted between two
/// detections and restarted under a new id (fragmentation). The miss cost follows what this
/// sensor has actually achieved on this track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensorPd {
    /// Sensor id (`u16::MAX`: empty slot).
    pub sensor: u16,
    /// Forgotten count of detections.
    pub hits: f32,
    /// Forgotten count of opportunities (scans covering the track).
    pub opportunities: f32,
}

impl SensorPd {
    const EMPTY: SensorPd = SensorPd { sensor: u16::MAX, hits: 0.0, opportunities: 0.0 };

    /// Detection probability estimate, shrunk towards `prior`.
    #[inline]
    pub fn pd(&self, prior: f64) -> f64 {
        let p = (self.hits + PD_PRIOR_WEIGHT * prior as f32) / (self.opportunities + PD_PRIOR_WEIGHT);
        p.clamp(PD_MIN, PD_MAX) as f64
    }
}

/// One track inside the tracker.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackState {
    /// Numeric id, unique for the tracker's lifetime.
    pub id: u64,
    /// Filter state at `time_s`.
    pub filter: FilterState,
    /// Time of `filter`, seconds.
    pub time_s: f64,
    /// When the track was started, seconds.
    pub born_s: f64,
    /// Last time a measurement updated it, seconds.
    pub last_update_s: f64,
    /// Life-cycle status.
    pub status: TrackStatus,
    /// Hit (1) / miss (0) per scan opportunity, newest in bit 0.
    pub hits: u32,
    /// Opportunities seen so far (saturates).
    pub opportunities: u32,
    /// Consecutive misses.
    pub misses_in_row: u32,
    /// Track score: log-likelihood ratio "vessel" against "clutter", nats.
    pub score: f64,
    /// Best score so far (deletion looks at the drop from it).
    pub score_max: f64,
    /// Detections that updated it (the first included).
    pub updates: u32,
    /// Time and sensor of the latest in-order update: two tracks updated by one sensor at one
    /// scan are two vessels, never duplicates.
    pub last_hit: (f64, u16),
    /// Sensor kinds that updated it.
    pub sources: Sources,
    /// Bit `i` set when sensor `i % 64` updated it.
    pub sensors_seen: u64,
    /// MMSI carried over from associated AIS.
    pub mmsi: Option<u32>,
    /// Time of the latest AIS report that updated it, s (−∞: none).
    pub last_ais_s: f64,
    /// Per-sensor detection records (see [`SensorPd`]).
    pub sensor_pd: [SensorPd; SENSOR_SLOTS],
    /// Ring buffer of `(time_s, e_m, n_m)` at updates.
    pub history: [(f64, f32, f32); HISTORY_LEN],
    /// Number of valid entries in `history`.
    pub history_len: u8,
    /// Next write position in `history`.
    pub history_head: u8,
    /// Ring buffer of the latest apparent lengths a sensor measured (IR box size), metres.
    pub lengths: [f32; LENGTH_WINDOW],
    /// Number of valid entries in `lengths`.
    pub lengths_len: u8,
    /// Next write position in `lengths`.
    pub lengths_head: u8,
}

impl TrackState {
    /// A new tentative track from one measurement.
    pub fn new(id: u64, filter: FilterState, time_s: f64, kind: SensorKind, sensor: u16, mmsi: Option<u32>) -> Self {
        let mut t = TrackState {
            id,
            filter,
            time_s,
            born_s: time_s,
            last_update_s: time_s,
            status: TrackStatus::Tentative,
            hits: 1,
            opportunities: 1,
            misses_in_row: 0,
            score: 0.0,
            score_max: 0.0,
            updates: 1,
            last_hit: (time_s, sensor),
            sources: Sources::of(kind),
            sensors_seen: 1 << (sensor % 64),
            mmsi,
            last_ais_s: if kind == SensorKind::Ais { time_s } else { f64::NEG_INFINITY },
            sensor_pd: [SensorPd::EMPTY; SENSOR_SLOTS],
            history: [(0.0, 0.0, 0.0); HISTORY_LEN],
            history_len: 0,
            history_head: 0,
            lengths: [0.0; LENGTH_WINDOW],
            lengths_len: 0,
            lengths_head: 0,
        };
        if kind != SensorKind::Ais {
            t.sensor_pd[0] = SensorPd { sensor, hits: 1.0, opportunities: 1.0 };
        }
        t.push_history();
        t
    }

    /// The slot of `sensor`'s detection record, if the track keeps one.
    #[inline]
    fn pd_slot(&self, sensor: u16) -> Option<usize> {
        self.sensor_pd.iter().position(|s| s.sensor == sensor)
    }

    /// Count one scan of `sensor` covering this track, detected or not; a sensor without a slot
    /// takes the one with the fewest opportunities.
    pub fn record_opportunity(&mut self, sensor: u16, detected: bool) {
        let k = match self.pd_slot(sensor) {
            Some(k) => k,
            None => {
                let k = (0..SENSOR_SLOTS)
                    .min_by(|&a, &b| self.sensor_pd[a].opportunities.total_cmp(&self.sensor_pd[b].opportunities))
                    .unwrap_or(0);
                self.sensor_pd[k] = SensorPd { sensor, hits: 0.0, opportunities: 0.0 };
                k
            }
        };
        let s = &mut self.sensor_pd[k];
        s.hits = s.hits * PD_FORGET + if detected { 1.0 } else { 0.0 };
        s.opportunities = s.opportunities * PD_FORGET + 1.0;
    }

    /// Score increment of a miss by `sensor`, `ln(1 − Pd)` with this track's own estimate of that
    /// sensor's Pd (`prior` when it keeps no record).
    #[inline]
    pub fn miss_llr(&self, sensor: u16, prior: f64) -> f64 {
        let pd = match self.pd_slot(sensor) {
            Some(k) => self.sensor_pd[k].pd(prior),
            None => prior,
        };
        (1.0 - pd).ln()
    }

    /// The combined (moment-matched) estimate.
    #[inline]
    pub fn estimate(&self) -> Gaussian {
        self.filter.combined()
    }

    /// Whether the track is reported (confirmed or coasting).
    #[inline]
    pub fn is_confirmed(&self) -> bool {
        self.status != TrackStatus::Tentative
    }

    /// Confirmed by a non-cooperative sensor and never associated with AIS.
    #[inline]
    pub fn is_dark(&self) -> bool {
        self.is_confirmed()
            && self.mmsi.is_none()
            && (self.sources.contains(SensorKind::Radar) || self.sources.contains(SensorKind::Ir))
    }

    /// Record a measurement update at the track's current time; `llr` is the detection's score
    /// increment, nats (see [`ConfirmConfig`](super::config::ConfirmConfig)).
    pub fn record_hit(&mut self, kind: SensorKind, sensor: u16, mmsi: Option<u32>, counts: bool, llr: f64) {
        if counts {
            self.hits = (self.hits << 1) | 1;
            self.opportunities = self.opportunities.saturating_add(1);
            self.last_hit = (self.time_s, sensor);
        }
        if llr.is_finite() {
            self.score += llr;
            self.score_max = self.score_max.max(self.score);
        }
        self.updates = self.updates.saturating_add(1);
        self.misses_in_row = 0;
        self.last_update_s = self.time_s;
        self.sources.insert(kind);
        self.sensors_seen |= 1 << (sensor % 64);
        if kind == SensorKind::Ais {
            self.last_ais_s = self.last_ais_s.max(self.time_s);
        }
        if self.mmsi.is_none() {
            self.mmsi = mmsi;
        }
        if self.status == TrackStatus::Coasting {
            self.status = TrackStatus::Confirmed;
        }
        self.push_history();
    }

    /// Record a scan of a covering sensor that did not detect the track; `llr` is the score
    /// increment of a miss, `ln(1 − Pd)` (negative).
    pub fn record_miss(&mut self, llr: f64) {
        self.score += llr;
        self.hits <<= 1;
        self.opportunities = self.opportunities.saturating_add(1);
        self.misses_in_row += 1;
        if self.status == TrackStatus::Confirmed {
            self.status = TrackStatus::Coasting;
        }
    }

    /// Add one measured apparent length (ignored when `None`, non-finite or non-positive).
    pub fn record_length(&mut self, length_m: Option<f64>) {
        let Some(l) = length_m.filter(|l| l.is_finite() && *l > 0.0) else { return };
        self.lengths[self.lengths_head as usize] = l as f32;
        self.lengths_head = ((self.lengths_head as usize + 1) % LENGTH_WINDOW) as u8;
        self.lengths_len = (self.lengths_len + 1).min(LENGTH_WINDOW as u8);
    }

    /// Take `other`'s size measurements when this track has none (a merged duplicate).
    pub fn adopt_lengths(&mut self, other: &TrackState) {
        if self.lengths_len == 0 {
            self.lengths = other.lengths;
            self.lengths_len = other.lengths_len;
            self.lengths_head = other.lengths_head;
        }
    }

    /// Length estimate, metres: the median of the latest [`LENGTH_WINDOW`] measured lengths.
    /// Why the median: an IR box reads short when the boat turns bow-on and long when it merges
    /// with its wake or a neighbour; the median ignores a minority of either.
    pub fn length_m(&self) -> Option<f64> {
        let n = self.lengths_len as usize;
        if n == 0 {
            return None;
        }
        let mut v = [0.0f32; LENGTH_WINDOW];
        v[..n].copy_from_slice(&self.lengths[..n]);
        v[..n].sort_unstable_by(f32::total_cmp);
        let m = if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) };
        Some(f64::from(m))
    }

    fn push_history(&mut self) {
        let x = self.filter.combined().x;
        self.history[self.history_head as usize] = (self.time_s, x[0] as f32, x[1] as f32);
        self.history_head = ((self.history_head as usize + 1) % HISTORY_LEN) as u8;
        self.history_len = (self.history_len + 1).min(HISTORY_LEN as u8);
    }

    /// Speed over ground (knots) and course over ground (degrees true) of the estimate.
    pub fn sog_cog(&self) -> (f64, f64) {
        let x = self.estimate().x;
        let sog_kn = x[2].hypot(x[3]) / MPS_PER_KNOT;
        let cog_deg = x[2].atan2(x[3]).to_degrees().rem_euclid(360.0);
        (sog_kn, cog_deg)
    }

    /// The site-scoped id string.
    pub fn track_id(&self, site: &str) -> TrackId {
        if site.is_empty() { TrackId(self.id.to_string()) } else { TrackId(format!("{site}-{}", self.id)) }
    }

    /// Build the public value in WGS-84 through the tracker's frame.
    pub fn to_track(&self, frame: &Enu, site: &str) -> Track {
        let g = self.estimate();
        let p = frame.from_en(g.pos());
        let (sog_kn, cog_deg) = self.sog_cog();
        let mut cov_en = [[0.0; 4]; 4];
        for (r, row) in cov_en.iter_mut().enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = g.p[(r, c)];
            }
        }
        let n = self.history_len as usize;
        let history = (0..n)
            .map(|k| {
                let i = (self.history_head as usize + HISTORY_LEN - n + k) % HISTORY_LEN;
                let (t, e, nn) = self.history[i];
                let q = frame.from_en(nalgebra::Vector2::new(e as f64, nn as f64));
                HistoryPoint { time_s: t, lat_deg: q.lat_deg, lon_deg: q.lon_deg }
            })
            .collect();
        let dark = self.is_dark();
        let class = if self.mmsi.is_some() {
            VesselClass::Vessel
        } else if sog_kn > 25.0 {
            VesselClass::SmallCraft
        } else {
            VesselClass::Unknown
        };
        Track {
            id: self.track_id(site),
            time_s: self.time_s,
            lat_deg: p.lat_deg,
            lon_deg: p.lon_deg,
            sog_kn,
            cog_deg,
            cov_en,
            status: self.status,
            sources: self.sources.kinds(),
            identity: Identity { mmsi: self.mmsi, ..Identity::default() },
            class,
            length_m: self.length_m(),
            dark,
            history,
        }
    }
}
