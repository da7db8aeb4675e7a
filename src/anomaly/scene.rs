//! [`Scene`]: what a rule may consult besides the track itself — the time, the zones, the
//! coast, the track's [`Memo`] (what the engine remembers of it) and the [`AisLog`].
use std::cell::Cell;
use std::collections::{HashMap, VecDeque};

use super::near::{approx_m_halves, half_lat, within_flat};
use super::slots::prefetch;
use super::sun::{SunCache, is_night};
use super::zones::{ShoreHint, Zones};
use crate::coast::Coast;
use crate::geodesy::LatLon;

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
    /// Night or day at `time_s`, shared across nearby tracks (the engine's); `None`: computed
    /// per position.
    pub sun: Option<&'a SunCache>,
}

impl Scene<'_> {
    /// Whether the sun is below the horizon at `time_s` at the position ([`is_night`]).
    pub fn is_night(&self, lat_deg: f64, lon_deg: f64) -> bool {
        match self.sun {
            Some(c) if c.time_s() == self.time_s => c.is_night(lat_deg, lon_deg),
            _ => is_night(self.time_s, lat_deg, lon_deg),
        }
    }
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
    /// Sine and cosine of half the latitude (radians), taken once when the sample is made: the
    /// flat distance between two samples needs the sine and cosine of their mid-latitude, and the
    /// window rules measure every sample of every slow track on every update (libm's `sin`/`cos`
    /// were a tenth of the engine's time at 5 000 tracks). See [`Sample::flat_m`].
    half_lat: (f64, f64),
}

impl Sample {
    /// A sample; positions in degrees, speed in knots.
    pub fn new(time_s: f64, lat_deg: f64, lon_deg: f64, sog_kn: f64) -> Self {
        Sample { time_s, lat_deg, lon_deg, sog_kn, half_lat: half_lat(lat_deg) }
    }

    /// The position.
    pub fn pos(&self) -> LatLon {
        LatLon::new(self.lat_deg, self.lon_deg)
    }

    /// [`approx_m`](super::near::approx_m) between two samples (the same local flat distance, its mid-latitude's sine
    /// and cosine from the samples' half-latitudes by the angle-sum formulas: equal to rounding).
    pub fn flat_m(&self, other: &Sample) -> Option<f64> {
        approx_m_halves(self.pos(), self.half_lat, other.pos(), other.half_lat)
    }

    /// [`within_m`](super::near::within_m) between two samples: the same answer.
    pub fn within_m(&self, other: &Sample, r_m: f64) -> bool {
        within_flat(self.pos(), other.pos(), r_m, || self.flat_m(other))
    }
}

/// What the engine remembers of one track between updates; rules read it through the [`Scene`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memo {
    /// When the track was first seen, seconds.
    pub first_seen_s: f64,
    /// Last update, seconds.
    pub last_seen_s: f64,
    /// Samples at least [`Memo::SAMPLE_EVERY_S`] apart over the last [`Memo::KEEP_S`], oldest first.
    /// Add them through [`Memo::push`] only and never edit one in place: the window verdicts
    /// below name a window by its ends' times.
    pub samples: VecDeque<Sample>,
    /// The hotspot (index into [`Zones::all`]) the track is in and since when, seconds.
    pub hotspot: Option<(usize, f64)>,
    /// Whether the track was inside the administered waters at its last update.
    pub in_waters: Option<bool>,
    /// The last crossing of the waters' edge: (time s, `true` = inbound).
    pub crossed: Option<(f64, bool)>,
    /// The closest slow track within the rendezvous distance: (its id, since s, distance m).
    pub partner: Option<(String, f64, f64)>,
    /// Where the shore belt was last probed for this track (a cache the shore rule keeps
    /// through `&Memo`: [`Zones::in_shore_belt_hinted`]).
    pub shore_hint: Cell<Option<ShoreHint>>,
    /// The loitering rule's verdict on its last window (see [`WindowVerdict`]).
    pub loitering_verdict: WindowVerdict<bool>,
    /// The distress rule's drift over its last window (see [`WindowVerdict`]).
    pub drift_verdict: WindowVerdict<Option<crate::anomaly::rules::distress::Drift>>,
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
        self.push_with(s.time_s, || s);
    }

    /// [`Memo::push`] of a track's position (degrees) and speed (knots) at `time_s`; the sample
    /// (and its trigonometry) is made only when it is taken, one update in five at 1 Hz.
    pub fn record(&mut self, time_s: f64, lat_deg: f64, lon_deg: f64, sog_kn: f64) {
        self.push_with(time_s, || Sample::new(time_s, lat_deg, lon_deg, sog_kn));
    }

    /// [`prefetch`] the samples a [`Memo::record`] at `time_s` will touch: where a new sample
    /// goes, and the oldest one if it is due to be dropped (none on most updates).
    pub fn prefetch_record(&self, time_s: f64) {
        let (a, b) = self.samples.as_slices();
        if self.samples.is_empty() || time_s - self.ends_s.1 >= Self::SAMPLE_EVERY_S {
            prefetch(if b.is_empty() { a.as_ptr_range().end } else { b.as_ptr_range().end });
        }
        if !self.samples.is_empty() && time_s - self.ends_s.0 > Self::KEEP_S {
            prefetch(a.as_ptr());
        }
    }

    fn push_with(&mut self, time_s: f64, make: impl FnOnce() -> Sample) {
        self.last_seen_s = time_s;
        if self.samples.is_empty() || time_s - self.ends_s.1 >= Self::SAMPLE_EVERY_S {
            if self.samples.is_empty() {
                self.ends_s.0 = time_s;
            }
            self.samples.push_back(make());
            self.ends_s.1 = time_s;
        }
        if !self.samples.is_empty() && time_s - self.ends_s.0 > Self::KEEP_S {
            while self.samples.front().is_some_and(|f| time_s - f.time_s > Self::KEEP_S) {
                self.samples.pop_front();
            }
            self.ends_s.0 = self.samples.front().map_or(time_s, |f| f.time_s);
        }
    }

    /// The samples of the last `window_s` seconds before `now_s`, if the memory reaches back
    /// that far (otherwise `None`: too early to judge).
    pub fn window(&self, now_s: f64, window_s: f64) -> Option<std::collections::vec_deque::Iter<'_, Sample>> {
        let first = self.samples.front()?;
        if now_s - first.time_s < window_s {
            return None;
        }
        Some(self.samples.range(self.window_start(now_s, window_s)..))
    }

    /// Where the window of `window_s` before `now_s` starts in `samples`: the first sample not
    /// older than that. Sample times increase (`push` takes only later ones), so the window is a
    /// suffix, and samples are at least [`Memo::SAMPLE_EVERY_S`] apart, so it holds at most
    /// `window_s / SAMPLE_EVERY_S + 1` of them: the search starts just before that many from the
    /// end and walks forward (one or two samples read, where a bisection over the whole memory
    /// touched a cache line per step; at 5 000 tracks that was 6 % of the engine's time). Should
    /// the sample before that start be in the window after all (samples closer together, as
    /// `samples` is public), it bisects the whole memory: the same answer either way.
    fn window_start(&self, now_s: f64, window_s: f64) -> usize {
        let old = |s: &Sample| now_s - s.time_s > window_s;
        let n = self.samples.len();
        let guess = n.saturating_sub(((window_s / Self::SAMPLE_EVERY_S) as usize).saturating_add(2));
        if guess == 0 || old(&self.samples[guess - 1]) {
            guess + self.samples.range(guess..).take_while(|s| old(s)).count()
        } else {
            self.samples.partition_point(old)
        }
    }

    /// A window rule's answer on [`Memo::window`] and the time of the window's first sample:
    /// from `verdict` while the window holds the samples it was computed on, else `compute`d
    /// (given the first sample and the window) and remembered. `None` as for an empty window.
    /// The check needs no sample: no sample came since (`ends_s`) and the first one is still in
    /// the window (time only moves on, so no older one came back in).
    pub fn window_verdict<'a, T: Copy>(
        &'a self,
        verdict: &WindowVerdict<T>,
        now_s: f64,
        window_s: f64,
        compute: impl FnOnce(&'a Sample, std::collections::vec_deque::Iter<'a, Sample>) -> T,
    ) -> Option<(f64, T)> {
        if self.samples.is_empty() || now_s - self.ends_s.0 < window_s {
            return None;
        }
        if let Some(k) = verdict.0.get()
            && k.last_s == self.ends_s.1
            && now_s >= k.at_s
            && now_s - k.first_s <= window_s
        {
            return Some((k.first_s, k.value));
        }
        let w = self.window(now_s, window_s)?;
        let first = w.clone().next()?;
        let value = compute(first, w);
        verdict.0.set(Some(Verdict { first_s: first.time_s, last_s: self.ends_s.1, at_s: now_s, value }));
        Some((first.time_s, value))
    }
}

/// A window rule's answer on one window of a [`Memo`] ([`Memo::window_verdict`]), kept so that
/// the rule reads the window's samples only when it changed: memos take a sample every 5 s while
/// tracks update every second, and re-reading 60 samples of every slow track on every update was
/// a fifth of the engine's time at 5 000 tracks. Samples are only appended and dropped from the
/// front, so a window with the same first and last samples holds the same samples and the
/// answer is the one the rule would compute again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowVerdict<T: Copy>(Cell<Option<Verdict<T>>>);

/// One remembered answer: the window's first and last samples' times, when it was computed.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Verdict<T> {
    first_s: f64,
    last_s: f64,
    at_s: f64,
    value: T,
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The window found by walking from the end is the one a bisection finds, whether the
        /// samples came through `record` (5 s apart at least) or were put in closer together.
        #[test]
        fn the_window_starts_where_a_bisection_says(
            steps in prop::collection::vec(0.0f64..40.0, 0..250),
            crowded in prop::collection::vec(0.0f64..3.0, 0..80),
            now_after in 0.0f64..100.0,
            window_s in prop_oneof![Just(240.0), Just(300.0), 0.0f64..1_200.0, Just(f64::INFINITY), Just(f64::NAN)],
        ) {
            let mut m = Memo::new(0.0);
            let mut t = 0.0;
            for dt in &steps {
                t += dt;
                m.record(t, 22.1, 113.6, 1.0);
            }
            for dt in &crowded {
                t += dt;
                m.samples.push_back(Sample::new(t, 22.1, 113.6, 1.0));
            }
            for now in [t, t + now_after, t - now_after] {
                let bisect = m.samples.partition_point(|s| now - s.time_s > window_s);
                prop_assert_eq!(m.window_start(now, window_s), bisect);
            }
        }
    }

    /// Asked every second while a sample comes every 5 s, the remembered verdict always equals
    /// the one computed afresh on the window (its size and first time here), and is computed
    /// again only when a sample came or the first one left the window.
    #[test]
    fn a_window_verdict_is_recomputed_exactly_when_the_window_changes() {
        let mut m = Memo::new(0.0);
        for t in (0..=600).step_by(5) {
            m.record(t as f64, 22.1, 113.6, 1.0);
        }
        let verdict = WindowVerdict::<usize>::default();
        let (mut computed, mut asked) = (0, 0);
        for now in 600..=700 {
            let now = now as f64;
            m.record(now, 22.1, 113.6, 1.0);
            asked += 1;
            let got = m.window_verdict(&verdict, now, 300.0, |_, w| {
                computed += 1;
                w.count()
            });
            let fresh = m.window(now, 300.0).map(|w| (w.clone().next().unwrap().time_s, w.count()));
            assert_eq!(got, fresh, "at {now}");
        }
        assert!(computed < asked / 2, "computed {computed} times for {asked} questions");
        assert!(computed >= 20, "a new sample every 5 s must be seen: computed {computed} times");
    }
}
