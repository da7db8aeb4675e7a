//! [`Scene`]: what a rule may consult besides the track itself — the time, the zones, the
//! coast, the track's [`Memo`] (what the engine remembers of it) and the [`AisLog`].
use std::collections::{HashMap, VecDeque};

use super::zones::Zones;
use crate::coast::Coast;

/// Everything a rule sees besides the track: borrowed, built per track by the engine.
#[derive(Debug, Clone, Copy)]
pub struct Scene<'a> {
    /// Now, seconds since the Unix epoch (the input's time base).
    pub time_s: f64,
    /// The zone set.
    pub zones: &'a Zones,
    /// The coastline.
    pub coast: &'a Coast,
    /// What the engine remembers of this track.
    pub memo: &'a Memo,
    /// Recent AIS reports by MMSI.
    pub ais: &'a AisLog,
}

/// One remembered sample of a track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Seconds since the Unix epoch.
    pub time_s: f64,
    /// Degrees north.
    pub lat_deg: f64,
    /// Degrees east.
    pub lon_deg: f64,
    /// Knots.
    pub sog_kn: f64,
}

/// What the engine remembers of one track between updates; rules read it through the [`Scene`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memo {
    /// When the track was first seen, seconds.
    pub first_seen_s: f64,
    /// Last update, seconds.
    pub last_seen_s: f64,
    /// Samples at least [`Memo::SAMPLE_EVERY_S`] apart over the last [`Memo::KEEP_S`], oldest first.
    pub samples: VecDeque<Sample>,
    /// The hotspot (index into [`Zones::all`]) the track is in and since when, seconds.
    pub hotspot: Option<(usize, f64)>,
    /// Whether the track was inside the administered waters at its last update.
    pub in_waters: Option<bool>,
    /// The last crossing of the waters' edge: (time s, `true` = inbound).
    pub crossed: Option<(f64, bool)>,
    /// The closest slow track within the rendezvous distance: (its id, since s, distance m).
    pub partner: Option<(String, f64, f64)>,
    /// Times of the oldest and newest of `samples` (valid while it is not empty), so that an
    /// update that neither takes nor drops a sample does not read the deque: a separate heap
    /// block per track, and at 5 000 tracks that read was the engine's largest cache miss.
    /// Change `samples`' times only through [`Memo::push`].
    ends_s: (f64, f64),
}

impl Memo {
    /// Minimum spacing of remembered samples, seconds.
    pub const SAMPLE_EVERY_S: f64 = 5.0;
    /// How far back samples are kept, seconds.
    pub const KEEP_S: f64 = 900.0;

    /// A fresh memo for a track first seen at `time_s`.
    pub fn new(time_s: f64) -> Self {
        Memo { first_seen_s: time_s, last_seen_s: time_s, ..Default::default() }
    }

    /// Remember a sample (thinned to one per [`Memo::SAMPLE_EVERY_S`], older than [`Memo::KEEP_S`] dropped).
    pub fn push(&mut self, s: Sample) {
        self.last_seen_s = s.time_s;
        if self.samples.is_empty() || s.time_s - self.ends_s.1 >= Self::SAMPLE_EVERY_S {
            if self.samples.is_empty() {
                self.ends_s.0 = s.time_s;
            }
            self.samples.push_back(s);
            self.ends_s.1 = s.time_s;
        }
        if !self.samples.is_empty() && s.time_s - self.ends_s.0 > Self::KEEP_S {
            while self.samples.front().is_some_and(|f| s.time_s - f.time_s > Self::KEEP_S) {
                self.samples.pop_front();
            }
            self.ends_s.0 = self.samples.front().map_or(s.time_s, |f| f.time_s);
        }
    }

    /// The samples of the last `window_s` seconds before `now_s`, if the memory reaches back
    /// that far (otherwise `None`: too early to judge).
    pub fn window(&self, now_s: f64, window_s: f64) -> Option<impl Iterator<Item = &Sample> + Clone> {
        let first = self.samples.front()?;
        if now_s - first.time_s < window_s {
            return None;
        }
        Some(self.samples.iter().filter(move |s| now_s - s.time_s <= window_s))
    }
}

/// The latest AIS report of one MMSI and what the log noticed about it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AisState {
    /// Time of the latest report, seconds.
    pub last_s: f64,
    /// Its latitude, degrees.
    pub lat_deg: f64,
    /// Its longitude, degrees.
    pub lon_deg: f64,
    /// The largest speed implied by consecutive reports recently, knots, and when it was seen.
    pub jump: Option<(f64, f64)>,
    /// Reported length, metres (static data), if any.
    pub length_m: Option<f64>,
}

/// Recent AIS reports by MMSI, fed in time order by whoever reads AIS (node, analyze).
#[derive(Debug, Clone, Default)]
pub struct AisLog {
    by_mmsi: HashMap<u32, AisState>,
}

impl AisLog {
    /// Reports closer in time than this are not used to judge implied speed (the same
    /// report via two receivers), seconds.
    pub const MIN_JUMP_DT_S: f64 = 1.0;
    /// Position error allowed between two reports before the rest counts as movement, metres
    /// (GNSS error of both; without it a 38 kn ferry's reports a second apart implied > 50 kn).
    pub const JUMP_SLACK_M: f64 = 50.0;

    /// Record a position report.
    ///
    /// # Units
    /// `time_s` seconds, positions degrees.
    pub fn report(&mut self, mmsi: u32, time_s: f64, lat_deg: f64, lon_deg: f64) {
        let e = self.by_mmsi.entry(mmsi).or_insert(AisState {
            last_s: time_s,
            lat_deg,
            lon_deg,
            jump: None,
            length_m: None,
        });
        let dt = time_s - e.last_s;
        let d = crate::geodesy::distance_m(
            crate::geodesy::LatLon::new(e.lat_deg, e.lon_deg),
            crate::geodesy::LatLon::new(lat_deg, lon_deg),
        );
        // dt == 0 with two far-apart positions is a duplicated MMSI; out-of-order reports
        // (dt < 0) are not judged.
        if dt > 0.0 || (dt == 0.0 && d > 500.0) {
            let kn = (d - Self::JUMP_SLACK_M).max(0.0) / dt.max(Self::MIN_JUMP_DT_S) / 0.514_444;
            if e.jump.is_none_or(|(k, at)| kn >= k || time_s - at > 300.0) {
                e.jump = Some((kn, time_s));
            }
        }
        e.last_s = e.last_s.max(time_s);
        e.lat_deg = lat_deg;
        e.lon_deg = lon_deg;
    }

    /// Record a static-data length.
    pub fn length(&mut self, mmsi: u32, length_m: f64) {
        if let Some(e) = self.by_mmsi.get_mut(&mmsi) {
            e.length_m = Some(length_m);
        }
    }

    /// What is known of an MMSI.
    pub fn get(&self, mmsi: u32) -> Option<&AisState> {
        self.by_mmsi.get(&mmsi)
    }
}
