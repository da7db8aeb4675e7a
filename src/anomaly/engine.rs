//! [`Engine`]: runs the rules on every track update and turns their findings into [`Alert`]s
//! with a life cycle — one stable id per (track, kind) episode, updates instead of repeats,
//! suppression windows, no storms when a track flickers, and operator feedback.
//!
//! # Risk score and severity
//! Each rule that fires on a track adds its weight to the track's risk score:
//!
//! | rule | weight |
//! |---|---|
//! | `dark_target` | 1.0 × (1 + speed_kn / 30) |
//! | `hotspot_entry` | the hotspot's risk: low 0.5, medium 1.0, high 1.5 |
//! | `shore_approach` | 1.5 |
//! | `night_fast_craft` | 1.5 |
//! | `boundary_crossing` | 1.0 |
//! | `loitering` | 0.5 |
//! | `rendezvous` | 1.5 |
//! | `ais_gap` | 0.5 |
//! | `ais_spoof` | 1.5 |
//! | `identity_mismatch` | 1.0 |
//! | `distress` | 2.0 (SAR: lives first) |
//!
//! Severity from the score: < 1 low, < 2 medium, < 3 high, otherwise critical. Every alert of
//! the track carries the score's explanation: its own rule's reason first, then the others that
//! fired on the same track at the same update.
//!
//! # Life cycle
//! An episode opens when a rule fires on a track and gets `AlertId::derive(site, track, kind,
//! start)`; it is reported once (`update` 0), then again only when its severity rises. It stays
//! open while the rule keeps firing, and through silences shorter than `hold_s`; it then closes,
//! but firing again within `suppress_s` of its last firing re-opens the same episode (same id,
//! no new line). A new track whose episode starts within `flicker_m` and `flicker_s` of an
//! episode of the same kind on a track that has disappeared inherits that episode (a broken and
//! re-started track is not a new alert). Dismissing an alert as false ([`Engine::dismiss`])
//! suppresses new episodes of that kind in that zone (the hotspot, or a 2 km cell outside
//! hotspots) for `dismiss_suppress_s`.
use std::collections::HashMap;

use super::grid::{CellGrid, floor_i64};
use super::near::{approx_m_halves, bounds_flat, half_lat, within_m};
use super::rules::RuleSet;
use super::scene::{AisLog, Memo, Scene};
use super::slots::{Slots, prefetch};
use super::sun::SunCache;
use super::zones::{ZoneKind, Zones};
use crate::alert::{Alert, AlertId, AlertKind, Reason, Severity};
use crate::coast::Coast;
use crate::geodesy::{LatLon, distance_m};
use crate::track::Track;

/// Whether a track's position and velocity are known well enough for rules to judge it: the
/// major axes of the position and velocity blocks of its covariance within `pos_sigma_m` and
/// `vel_sigma_mps` (a covariance of zeros, as a source that does not fill it sends, passes; a
/// non-finite one does not).
pub fn well_resolved(t: &Track, pos_sigma_m: f64, vel_sigma_mps: f64) -> bool {
    let c = &t.cov_en;
    let major = |a: f64, b: f64, d: f64| 0.5 * (a + d) + (0.25 * (a - d).powi(2) + b * b).sqrt();
    let p = major(c[0][0], 0.5 * (c[0][1] + c[1][0]), c[1][1]);
    let v = major(c[2][2], 0.5 * (c[2][3] + c[3][2]), c[3][3]);
    p <= pos_sigma_m * pos_sigma_m && v <= vel_sigma_mps * vel_sigma_mps
}

/// Enforcement or search and rescue: who acts on the alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Customs / police.
    Enforcement,
    /// Search and rescue.
    Sar,
}

/// Who acts on an alert of this kind: `distress` is SAR, every other kind enforcement.
pub fn category(kind: AlertKind) -> Category {
    if kind == AlertKind::Distress { Category::Sar } else { Category::Enforcement }
}

/// Engine settings (life-cycle windows); rule thresholds live in [`RuleSet`].
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The site id hashed into alert ids.
    pub site: String,
    /// Silence that closes an episode, seconds.
    pub hold_s: f64,
    /// After its last firing, an episode re-opens silently within this time, seconds.
    pub suppress_s: f64,
    /// A disappeared track's episode is inherited by a new track this close, metres.
    pub flicker_m: f64,
    /// … and this soon after its last firing, seconds.
    pub flicker_s: f64,
    /// How long a dismissal suppresses its zone and kind, seconds.
    pub dismiss_suppress_s: f64,
    /// Forget a track not updated for this long, seconds.
    pub forget_s: f64,
    /// Rules see only tracks whose 1-σ position error (major axis) is at most this, metres: an
    /// IR track from one camera is a wedge kilometres long, and where in it the boat is decides
    /// every zone rule; two cameras' bearings pin it down.
    pub max_position_sigma_m: f64,
    /// … and whose 1-σ velocity error (major axis) is at most this, m/s: speed rules on a
    /// velocity the tracker has not yet resolved raise ghosts.
    pub max_velocity_sigma_mps: f64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            site: String::new(),
            hold_s: 120.0,
            suppress_s: 600.0,
            flicker_m: 600.0,
            flicker_s: 180.0,
            dismiss_suppress_s: 3_600.0,
            forget_s: 900.0,
            max_position_sigma_m: 150.0,
            max_velocity_sigma_mps: 2.0,
        }
    }
}

#[derive(Debug, Clone)]
struct Episode {
    id: AlertId,
    kind: AlertKind,
    severity: Severity,
    update: u32,
    last_fire_s: f64,
    lat_deg: f64,
    lon_deg: f64,
    open: bool,
}

/// What the engine keeps per track slot: its memo (gone after `forget_s`) and its episodes, at
/// most one per kind (a slot lives while either remains).
#[derive(Debug, Clone, Default)]
struct TrackState {
    memo: Option<Memo>,
    episodes: Vec<Episode>,
}

impl TrackState {
    fn episode(&self, kind: AlertKind) -> Option<&Episode> {
        self.episodes.iter().find(|e| e.kind == kind)
    }

    fn episode_mut(&mut self, kind: AlertKind) -> Option<&mut Episode> {
        self.episodes.iter_mut().find(|e| e.kind == kind)
    }

    /// [`prefetch`] the episode list (the rules pass and the clean-up read it for every track).
    fn prefetch(&self) {
        if let (Some(a), Some(b)) = (self.episodes.first(), self.episodes.last()) {
            prefetch(a);
            prefetch(b);
        }
    }

    /// Store `e` as the episode of its kind, replacing any older one.
    fn put(&mut self, e: Episode) {
        match self.episode_mut(e.kind) {
            Some(old) => *old = e,
            None => self.episodes.push(e),
        }
    }
}

/// The anomaly engine: rules, zones and the alert life cycle; no I/O, fed one update at a time.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Rule thresholds.
    pub rules: RuleSet,
    /// Life-cycle settings.
    pub cfg: EngineConfig,
    zones: Zones,
    coast: Coast,
    /// Per track id: memo and episodes, by dense slot (the id is hashed once per update).
    tracks: Slots<TrackState>,
    /// (zone key, kind) → suppressed until, seconds.
    dismissed: HashMap<(String, AlertKind), f64>,
    fired: Vec<(AlertKind, Reason)>,
    /// Night or day at this update's time, shared by nearby tracks.
    sun: SunCache,
    /// Scratch, reused across updates: (slot, index into the update's tracks) of usable tracks.
    usable: Vec<(u32, usize)>,
    /// Scratch: the previous update's slot per track position (`u32::MAX`: none), as a hint.
    hints: Vec<u32>,
    /// Scratch for the pairing pass: the slow tracks, their cells and positions, the tracks by
    /// cell, and each one's closest partner.
    slow: Vec<(u32, usize)>,
    pts: Vec<((i64, i64), Pt)>,
    grid: CellGrid<(usize, Pt)>,
    closest: Vec<Option<(usize, f64)>>,
    last_time_s: f64,
    last_reload_check_s: f64,
}

impl Engine {
    /// How many tracks ahead the per-track passes [`prefetch`].
    const AHEAD: usize = 4;

    /// How often the zone files are checked for changes, seconds of input time.
    pub const RELOAD_EVERY_S: f64 = 5.0;

    /// An engine with default rules.
    pub fn new(cfg: EngineConfig, zones: Zones, coast: Coast) -> Self {
        Engine {
            rules: RuleSet::default(),
            cfg,
            zones,
            coast,
            tracks: Slots::default(),
            dismissed: HashMap::new(),
            fired: Vec::new(),
            sun: SunCache::default(),
            usable: Vec::new(),
            hints: Vec::new(),
            slow: Vec::new(),
            pts: Vec::new(),
            grid: CellGrid::default(),
            closest: Vec::new(),
            last_time_s: f64::NEG_INFINITY,
            last_reload_check_s: f64::NEG_INFINITY,
        }
    }

    /// The zone set (to reload it: [`Engine::zones_mut`]).
    pub fn zones(&self) -> &Zones {
        &self.zones
    }

    /// The zone set, mutable (for [`Zones::reload_if_changed`]).
    pub fn zones_mut(&mut self) -> &mut Zones {
        &mut self.zones
    }

    /// Number of open episodes.
    pub fn open_episodes(&self) -> usize {
        self.tracks.iter().map(|(_, _, s)| s.episodes.iter().filter(|e| e.open).count()).sum()
    }

    /// Process one update: `tracks` are the current tracks at `time_s` (all of them, or those
    /// updated now), `ais` the AIS log up to `time_s`. New alerts and updates go to `out`.
    pub fn update(&mut self, time_s: f64, tracks: &[Track], ais: &AisLog, out: &mut Vec<Alert>) {
        self.last_time_s = time_s;
        // Zone files edited at run time are picked up within `RELOAD_EVERY_S` (of input time); a
        // file that fails validation leaves the current set in force.
        if (time_s - self.last_reload_check_s).abs() >= Self::RELOAD_EVERY_S {
            self.last_reload_check_s = time_s;
            match self.zones.reload_if_changed() {
                Ok(true) => tracing::info!(zones = self.zones.all().len(), "zones reloaded"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "zone files changed but are invalid; keeping the current zones"),
            }
        }
        self.sun.reset(time_s);
        let (ps, vs) = (self.cfg.max_position_sigma_m, self.cfg.max_velocity_sigma_mps);
        // One id lookup per track per update; everything after goes by slot.
        // The previous update's slot at the same position is tried first (the tracker's order is
        // stable).
        let mut usable = std::mem::take(&mut self.usable);
        let mut hints = std::mem::take(&mut self.hints);
        hints.clear();
        hints.resize(tracks.len(), u32::MAX);
        for &(s, i) in &usable {
            if let Some(h) = hints.get_mut(i) {
                *h = s;
            }
        }
        usable.clear();
        for (i, t) in tracks.iter().enumerate() {
            if well_resolved(t, ps, vs) {
                let hint = Some(hints[i]).filter(|&h| h != u32::MAX);
                usable.push((self.tracks.slot_or_insert_hinted(&t.id.0, hint, TrackState::default), i));
            }
        }
        self.hints = hints;
        let waters = self.zones.has(ZoneKind::Waters);
        // Per-track data behind pointers is asked for a few tracks ahead ([`prefetch`]).
        for (n, &(s, i)) in usable.iter().enumerate() {
            if let Some(&(s3, _)) = usable.get(n + 4 * Self::AHEAD) {
                self.tracks.prefetch_slot(s3);
            }
            if let Some(&(s2, i2)) = usable.get(n + Self::AHEAD)
                && let Some(m) = self.tracks.get(s2).and_then(|st| st.memo.as_ref())
            {
                m.prefetch_record(tracks[i2].time_s);
            }
            self.observe(s, &tracks[i], waters);
        }
        self.pair(time_s, tracks, &usable);
        for (n, &(s, i)) in usable.iter().enumerate() {
            if let Some(&(s3, _)) = usable.get(n + 2 * Self::AHEAD) {
                self.tracks.prefetch_slot(s3);
            }
            if let Some(st) = usable.get(n + Self::AHEAD).and_then(|&(s2, _)| self.tracks.get(s2)) {
                st.prefetch();
            }
            let t = &tracks[i];
            let Some(memo) = self.tracks.get(s).and_then(|st| st.memo.as_ref()) else { continue };
            let scene = Scene { time_s, zones: &self.zones, coast: &self.coast, memo, ais, sun: Some(&self.sun) };
            self.fired.clear();
            self.rules.check_all(t, &scene, &mut self.fired);
            // A drifting craft is one SAR case, not also a loitering one.
            let sar = self.fired.iter().any(|(k, _)| *k == AlertKind::Loitering)
                && (self.fired.iter().any(|(k, _)| *k == AlertKind::Distress)
                    || self.tracks.get(s).and_then(|st| st.episode(AlertKind::Distress)).is_some_and(|e| e.open));
            if sar {
                self.fired.retain(|(k, _)| *k != AlertKind::Loitering);
            }
            if self.fired.is_empty() {
                continue;
            }
            let score: f64 = self.fired.iter().map(|(k, r)| self.weight(*k, r, s)).sum();
            let fired = std::mem::take(&mut self.fired);
            for (j, (kind, _)) in fired.iter().enumerate() {
                let floor = if *kind == AlertKind::Distress { Severity::High } else { Severity::Low };
                let severity = severity_of(score).max(floor);
                self.fire(time_s, s, t, *kind, severity, (&fired, j), out);
            }
            self.fired = fired;
        }
        // Close quiet episodes; forget long-gone tracks and long-closed episodes; free the slots
        // of tracks with neither left.
        let (hold, keep, forget) = (self.cfg.hold_s, self.cfg.suppress_s.max(self.cfg.flicker_s), self.cfg.forget_s);
        self.tracks.retain_ahead(TrackState::prefetch, |st| {
            for e in &mut st.episodes {
                if e.open && time_s - e.last_fire_s > hold {
                    e.open = false;
                }
            }
            st.episodes.retain(|e| e.open || time_s - e.last_fire_s <= keep);
            if st.memo.as_ref().is_some_and(|m| time_s - m.last_seen_s > forget) {
                st.memo = None;
            }
            st.memo.is_some() || !st.episodes.is_empty()
        });
        self.usable = usable;
        self.dismissed.retain(|_, until| *until > time_s);
    }

    /// Operator feedback: alert `id` was dismissed as false at `time_s`. New episodes of its
    /// kind in its zone are suppressed for `dismiss_suppress_s`, and the episode is closed.
    /// Returns whether the id was known.
    pub fn dismiss(&mut self, id: &AlertId, time_s: f64) -> bool {
        let Some(e) = self.tracks.values_mut().flat_map(|s| s.episodes.iter_mut()).find(|e| &e.id == id) else {
            return false;
        };
        e.open = false;
        let (kind, p) = (e.kind, LatLon::new(e.lat_deg, e.lon_deg));
        let key = self.zone_key(p);
        self.dismissed.insert((key, kind), time_s + self.cfg.dismiss_suppress_s);
        true
    }

    fn zone_key(&self, p: LatLon) -> String {
        match self.zones.hotspot_at(p) {
            Some((i, _)) => self.zones.all()[i].id.clone(),
            // 2 km cells: 0.018° of latitude, 0.0195° of longitude at Macau.
            None => format!("cell:{}:{}", (p.lat_deg / 0.018).floor(), (p.lon_deg / 0.0195).floor()),
        }
    }

    fn weight(&self, kind: AlertKind, r: &Reason, slot: u32) -> f64 {
        match kind {
            AlertKind::DarkTarget => 1.0 + r.value / 30.0,
            AlertKind::HotspotEntry => self
                .tracks
                .get(slot)
                .and_then(|st| st.memo.as_ref())
                .and_then(|m| m.hotspot)
                .and_then(|(i, _)| match self.zones.all().get(i).map(|z| z.kind) {
                    Some(ZoneKind::Hotspot(risk)) => Some(risk.weight()),
                    _ => None,
                })
                .unwrap_or(1.0),
            AlertKind::ShoreApproach | AlertKind::NightFastCraft | AlertKind::Rendezvous | AlertKind::AisSpoof => 1.5,
            AlertKind::BoundaryCrossing | AlertKind::IdentityMismatch => 1.0,
            AlertKind::Loitering | AlertKind::AisGap => 0.5,
            AlertKind::Distress => 2.0,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fire(
        &mut self,
        time_s: f64,
        slot: u32,
        t: &Track,
        kind: AlertKind,
        severity: Severity,
        (fired, own): (&[(AlertKind, Reason)], usize),
        out: &mut Vec<Alert>,
    ) {
        // The alert's reasons: its own rule's first, then the others that fired; built only
        // when an alert is emitted (most updates of an open episode emit nothing).
        let reasons = || {
            let mut r = Vec::with_capacity(fired.len());
            r.push(fired[own].1.clone());
            r.extend(fired.iter().enumerate().filter(|(j, _)| *j != own).map(|(_, (_, r))| r.clone()));
            r
        };
        let site = &self.cfg.site;
        let emit = |e: &Episode, out: &mut Vec<Alert>| {
            out.push(Alert {
                time: time_s,
                id: e.id.clone(),
                site: site.clone(),
                kind,
                severity: e.severity,
                track_id: t.id.0.clone(),
                lat: t.lat_deg,
                lon: t.lon_deg,
                mmsi: t.identity.mmsi,
                reasons: reasons(),
                evidence: Vec::new(),
                update: e.update,
            })
        };
        let suppress_s = self.cfg.suppress_s;
        if let Some(e) = self.tracks.get_mut(slot).and_then(|st| st.episode_mut(kind)) {
            let live = e.open || time_s - e.last_fire_s <= suppress_s;
            if live {
                e.open = true;
                e.last_fire_s = time_s;
                e.lat_deg = t.lat_deg;
                e.lon_deg = t.lon_deg;
                if severity > e.severity {
                    e.severity = severity;
                    e.update += 1;
                    emit(e, out);
                }
                return;
            }
        }
        let p = LatLon::new(t.lat_deg, t.lon_deg);
        if self.dismissed.get(&(self.zone_key(p), kind)).is_some_and(|&until| until > time_s) {
            return;
        }
        // A flickering track: inherit the episode of a vanished track nearby (the first in slot
        // order when several qualify).
        let (flicker_s, flicker_m) = (self.cfg.flicker_s, self.cfg.flicker_m);
        let heir = self.tracks.iter().filter(|(j, _, _)| *j != slot).find_map(|(j, _, st)| {
            if st.memo.as_ref().is_some_and(|m| m.last_seen_s >= time_s) {
                return None;
            }
            st.episodes
                .iter()
                .position(|e| {
                    e.kind == kind
                        && time_s - e.last_fire_s <= flicker_s
                        && within_m(p, LatLon::new(e.lat_deg, e.lon_deg), flicker_m)
                })
                .map(|k| (j, k))
        });
        if let Some((j, k)) = heir
            && let Some(mut e) = self.tracks.get_mut(j).map(|st| st.episodes.swap_remove(k))
        {
            e.open = true;
            e.last_fire_s = time_s;
            e.lat_deg = t.lat_deg;
            e.lon_deg = t.lon_deg;
            if severity > e.severity {
                e.severity = severity;
                e.update += 1;
                emit(&e, out);
            }
            if let Some(st) = self.tracks.get_mut(slot) {
                st.put(e);
            }
            return;
        }
        let e = Episode {
            id: AlertId::derive(site, &t.id.0, kind, time_s),
            kind,
            severity,
            update: 0,
            last_fire_s: time_s,
            lat_deg: t.lat_deg,
            lon_deg: t.lon_deg,
            open: true,
        };
        emit(&e, out);
        if let Some(st) = self.tracks.get_mut(slot) {
            st.put(e);
        }
    }

    /// Update a track's memo: samples, hotspot dwell, waters crossings. `waters`: whether the
    /// zone set has administered waters (asked once per update).
    fn observe(&mut self, slot: u32, t: &Track, waters: bool) {
        let (zones, coast, max_kn) = (&self.zones, &self.coast, self.rules.rendezvous.max_speed_kn);
        let Some(st) = self.tracks.get_mut(slot) else { return };
        let memo = st.memo.get_or_insert_with(|| Memo::new(t.time_s));
        // A track too fast to meet has no rendezvous partner (the pairing pass skips it).
        if t.sog_kn >= max_kn {
            memo.partner = None;
        }
        memo.record(t.time_s, t.lat_deg, t.lon_deg, t.sog_kn);
        let p = LatLon::new(t.lat_deg, t.lon_deg);
        memo.hotspot = match (zones.hotspot_at(p), memo.hotspot) {
            (Some((i, _)), Some((j, since))) if i == j => Some((j, since)),
            (Some((i, _)), _) => Some((i, t.time_s)),
            (None, _) => None,
        };
        if waters {
            let inside = zones.is_in(p, ZoneKind::Waters) || coast.is_land(p);
            if let Some(was) = memo.in_waters
                && was != inside
            {
                memo.crossed = Some((t.time_s, inside));
            }
            memo.in_waters = Some(inside);
        }
    }

    /// Pair slow tracks within the rendezvous distance ([`closest_partners`]); buffers are
    /// reused across updates.
    fn pair(&mut self, time_s: f64, tracks: &[Track], usable: &[(u32, usize)]) {
        let (max_d, max_kn) = (self.rules.rendezvous.max_distance_m, self.rules.rendezvous.max_speed_kn);
        let mut slow = std::mem::take(&mut self.slow);
        slow.clear();
        slow.extend(usable.iter().copied().filter(|&(_, i)| tracks[i].sog_kn < max_kn));
        let mut closest = std::mem::take(&mut self.closest);
        let index = slow.iter().map(|&(_, i)| i);
        closest_partners(tracks, index, max_d, (&mut self.pts, &mut self.grid), &mut closest);
        for (k, (&(s, _), best)) in slow.iter().zip(&closest).enumerate() {
            if let Some(&(s3, _)) = slow.get(k + 4 * Self::AHEAD) {
                self.tracks.prefetch_slot(s3);
            }
            let best = best.map(|(k, d)| (&tracks[slow[k].1].id.0, d));
            let Some(m) = self.tracks.get_mut(s).and_then(|st| st.memo.as_mut()) else { continue };
            m.partner = match (best, m.partner.take()) {
                (Some((id, d)), Some((old, since, _))) if old == *id => Some((old, since, d)),
                (Some((id, d)), _) => Some((id.to_owned(), time_s, d)),
                (None, _) => None,
            };
        }
        self.slow = slow;
        self.closest = closest;
    }
}

/// For each of `tracks[index]` (in that order), the closest other of them within `max_d`
/// metres by the geodesic: (its position in `index`, distance m), the first in grid-cell order
/// (then `index` order) on a tie. Tracks are grouped in a grid of cells `max_d` wide
/// ([`CellGrid`]), so only the three rows of three cells around each one are measured; `scratch`
/// (cells and positions, the grid) is reused across calls.
fn closest_partners(
    tracks: &[Track],
    index: impl Iterator<Item = usize> + Clone,
    max_d: f64,
    (pts, grid): (&mut Vec<((i64, i64), Pt)>, &mut CellGrid<(usize, Pt)>),
    out: &mut Vec<Option<(usize, f64)>>,
) {
    let cell_deg = max_d / 111_000.0;
    pts.clear();
    pts.extend(index.clone().map(|i| {
        let t = &tracks[i];
        ((floor_i64(t.lat_deg / cell_deg), floor_i64(t.lon_deg / cell_deg)), Pt::of(t))
    }));
    // Within a cell, tracks stay in `index` order: neighbours come in the order the former
    // per-cell lists held them, so ties resolve as before.
    grid.build(pts.iter().enumerate().map(|(k, &(c, p))| (c, (k, p))));
    out.clear();
    // Neighbours of one track: (position in `index`, lower bound, upper bound) of their distance.
    let mut near: Vec<(usize, f64, f64)> = Vec::new();
    for (k, &((cy, cx), me)) in pts.iter().enumerate() {
        near.clear();
        // Each row of three neighbouring cells is one slice of the grid, in the same order as
        // visiting the three cells one by one; positions are read from the grid itself.
        for dy in -1..=1 {
            for &(j, ref q) in grid.row3(cy.wrapping_add(dy), cx) {
                if j != k {
                    let (lo, hi) = bounds_flat(me.flat_m(q)).unwrap_or((0.0, f64::INFINITY));
                    near.push((j, lo, hi));
                }
            }
        }
        // The closest within `max_d` is at most `cap`: the smallest upper bound of a neighbour
        // surely within reach. A neighbour whose lower bound exceeds it can be neither the
        // closest nor tie with it, so only the others pay for the geodesic; the first closest
        // in cell order wins, as before.
        let cap = near.iter().filter(|n| n.2 <= max_d).map(|n| n.2).fold(max_d, f64::min);
        let mut best: Option<(usize, f64)> = None;
        for &(j, lo, _) in &near {
            if lo > cap {
                continue;
            }
            let d = exact_m(me.p, pts[j].1.p);
            if d <= max_d && best.is_none_or(|b| d < b.1) {
                best = Some((j, d));
            }
        }
        out.push(best);
    }
}

/// A slow track's position for the pairing pass, with the sine and cosine of its half-latitude
/// (the flat distance between two of them needs no libm call, as [`super::scene::Sample::flat_m`]).
#[derive(Debug, Clone, Copy)]
struct Pt {
    p: LatLon,
    half_lat: (f64, f64),
}

impl Pt {
    fn of(t: &Track) -> Pt {
        Pt { p: LatLon::new(t.lat_deg, t.lon_deg), half_lat: half_lat(t.lat_deg) }
    }

    /// [`super::near::approx_m`] to `o`, equal to rounding.
    fn flat_m(&self, o: &Pt) -> Option<f64> {
        approx_m_halves(self.p, self.half_lat, o.p, o.half_lat)
    }
}

/// The geodesic distance, metres; a position and itself are 0 without the solver (checked
/// against the solver in the tests).
fn exact_m(a: LatLon, b: LatLon) -> f64 {
    if a == b { 0.0 } else { distance_m(a, b) }
}

fn severity_of(score: f64) -> Severity {
    if score < 1.0 {
        Severity::Low
    } else if score < 2.0 {
        Severity::Medium
    } else if score < 3.0 {
        Severity::High
    } else {
        Severity::Critical
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::{OPEN, coast, track, zones};

    fn engine() -> Engine {
        Engine::new(EngineConfig { site: "hac-sa".into(), ..Default::default() }, zones().clone(), coast().clone())
    }

    /// Run a dark track at `sog_kn` north from OPEN for `n` updates 1 s apart starting at `t0`.
    fn run(e: &mut Engine, id: &str, t0: f64, n: usize, sog_kn: f64) -> Vec<Alert> {
        let mut out = Vec::new();
        for k in 0..n {
            let ts = t0 + k as f64;
            let mut t = track(ts, OPEN.0 + 0.0001 * k as f64, OPEN.1, sog_kn, 0.0);
            t.id.0 = id.into();
            e.update(ts, &[t], &AisLog::default(), &mut out);
        }
        out
    }

    mod well_resolved {
        use super::*;

        #[test]
        fn a_wedge_kilometres_long_or_an_unknown_velocity_is_not() {
            let mut t = track(0.0, OPEN.0, OPEN.1, 30.0, 0.0);
            assert!(well_resolved(&t, 250.0, 3.0), "a zero covariance passes");
            t.cov_en[0][0] = 1500.0f64.powi(2);
            assert!(!well_resolved(&t, 250.0, 3.0));
            t.cov_en[0][0] = 100.0f64.powi(2);
            t.cov_en[3][3] = 5.0f64.powi(2);
            assert!(!well_resolved(&t, 250.0, 3.0));
            t.cov_en[3][3] = 1.0;
            assert!(well_resolved(&t, 250.0, 3.0));
            t.cov_en[1][1] = f64::NAN;
            assert!(!well_resolved(&t, 250.0, 3.0));
        }

        #[test]
        fn the_engine_ignores_a_track_it_cannot_place() {
            let mut e = engine();
            let mut out = Vec::new();
            for k in 0..30 {
                let mut t = track(k as f64, OPEN.0 + 0.0001 * k as f64, OPEN.1, 40.0, 0.0);
                t.cov_en[0][0] = 2000.0f64.powi(2);
                e.update(k as f64, &[t], &AisLog::default(), &mut out);
            }
            assert!(out.is_empty(), "{out:?}");
        }
    }

    mod update {
        use super::*;

        #[test]
        fn a_position_is_zero_metres_from_itself() {
            for k in 0..50 {
                let p = LatLon::new(22.0 + 0.0137 * k as f64, 113.5 + 0.0071 * k as f64);
                assert_eq!(distance_m(p, p), 0.0);
                assert_eq!(exact_m(p, p), 0.0);
            }
        }

        #[test]
        fn one_episode_gives_one_alert_with_a_derived_id() {
            let mut e = engine();
            let out = run(&mut e, "7", 0.0, 60, 25.0);
            let dark: Vec<_> = out.iter().filter(|a| a.kind == AlertKind::DarkTarget).collect();
            assert_eq!(dark.len(), 1);
            assert_eq!(dark[0].id, AlertId::derive("hac-sa", "7", AlertKind::DarkTarget, 10.0));
            assert_eq!(dark[0].reasons[0].rule, "dark_target_speed_kn");
        }

        #[test]
        fn rising_severity_is_an_update_with_the_same_id() {
            let mut e = engine();
            let mut out = run(&mut e, "7", 0.0, 30, 5.0);
            // Now the same track speeds up at night: night_fast_craft joins, the score rises.
            let night = 1_773_252_000.0;
            e = engine();
            out.clear();
            let mut t = track(night, OPEN.0, OPEN.1, 5.0, 0.0);
            // Ship-sized: dark at 5 kn already (low score), then fast at night.
            t.length_m = Some(100.0);
            e.update(night, &[t.clone()], &AisLog::default(), &mut out);
            t.time_s = night + 20.0;
            e.update(night + 20.0, &[t.clone()], &AisLog::default(), &mut out);
            t.time_s = night + 40.0;
            t.sog_kn = 30.0;
            e.update(night + 40.0, &[t], &AisLog::default(), &mut out);
            let dark: Vec<_> = out.iter().filter(|a| a.kind == AlertKind::DarkTarget).collect();
            assert_eq!(dark.len(), 2, "{dark:?}");
            assert_eq!(dark[0].id, dark[1].id);
            assert!(dark[1].severity > dark[0].severity && dark[1].update == 1);
        }

        #[test]
        fn a_flickering_rule_does_not_repeat() {
            let mut e = engine();
            let mut out = run(&mut e, "7", 0.0, 30, 25.0);
            // Slows below the dark-target speed for a minute, then speeds up again.
            out.extend(run(&mut e, "7", 30.0, 60, 1.0));
            out.extend(run(&mut e, "7", 90.0, 30, 25.0));
            assert_eq!(out.iter().filter(|a| a.kind == AlertKind::DarkTarget).count(), 1);
        }

        #[test]
        fn a_silence_within_the_suppression_window_reopens_silently_and_after_it_alerts_anew() {
            let mut e = engine();
            let mut out = run(&mut e, "7", 0.0, 30, 25.0);
            // Slow (no dark target) for 5 min: past hold_s (120 s), within suppress_s (600 s).
            out.extend(run(&mut e, "7", 30.0, 300, 1.0));
            out.extend(run(&mut e, "7", 330.0, 30, 25.0));
            let dark: Vec<_> = out.iter().filter(|a| a.kind == AlertKind::DarkTarget).collect();
            assert_eq!(dark.len(), 1, "{dark:?}");
            // Slow for 15 min: past suppress_s, a new episode with a new id.
            out.extend(run(&mut e, "7", 360.0, 900, 1.0));
            out.extend(run(&mut e, "7", 1_260.0, 30, 25.0));
            let dark: Vec<_> = out.iter().filter(|a| a.kind == AlertKind::DarkTarget).collect();
            assert_eq!(dark.len(), 2, "{dark:?}");
            assert_ne!(dark[0].id, dark[1].id);
        }

        #[test]
        fn a_restarted_track_inherits_the_episode() {
            let mut e = engine();
            let mut out = run(&mut e, "7", 0.0, 30, 25.0);
            // Track 7 is lost; track 8 starts where it was, 5 s later.
            out.extend(run(&mut e, "8", 35.0, 40, 25.0));
            let dark: Vec<_> = out.iter().filter(|a| a.kind == AlertKind::DarkTarget).collect();
            assert_eq!(dark.len(), 1, "{dark:?}");
        }

        #[test]
        fn track_order_and_forgetting_do_not_change_alerts() {
            // Same tracks, stable order vs. reversed every other update, with a track that
            // vanishes long enough to be forgotten and an id that comes back: slots are found by
            // id, so neither the order nor a forgotten id may change the alerts.
            let runs: Vec<Vec<Alert>> = [false, true]
                .iter()
                .map(|&shuffle| {
                    let mut e = engine();
                    let mut out = Vec::new();
                    for k in 0..1_400 {
                        let ts = k as f64;
                        let mut ts_ = Vec::new();
                        for (n, sog) in [("1", 25.0), ("2", 1.0), ("3", 30.0)] {
                            if n == "3" && (200..1_300).contains(&k) {
                                continue;
                            }
                            let mut t =
                                track(ts, OPEN.0 + 0.0001 * k as f64, OPEN.1 + 0.01 * ts_.len() as f64, sog, 0.0);
                            t.id.0 = n.into();
                            ts_.push(t);
                        }
                        if shuffle && k % 2 == 1 {
                            ts_.reverse();
                        }
                        e.update(ts, &ts_, &AisLog::default(), &mut out);
                    }
                    out.sort_by(|a, b| {
                        (a.time, &a.track_id, a.kind as u8).partial_cmp(&(b.time, &b.track_id, b.kind as u8)).unwrap()
                    });
                    out
                })
                .collect();
            let ids = |v: &[Alert]| v.iter().map(|a| (a.id.clone(), a.update, a.track_id.clone())).collect::<Vec<_>>();
            assert!(runs[0].iter().filter(|a| a.track_id == "3").count() >= 2, "{:?}", ids(&runs[0]));
            assert_eq!(ids(&runs[0]), ids(&runs[1]));
        }

        #[test]
        fn two_tracks_alongside_make_a_rendezvous() {
            let mut e = engine();
            let mut out = Vec::new();
            for k in 0..200 {
                let ts = k as f64;
                let a = track(ts, OPEN.0, OPEN.1, 0.5, 0.0);
                let mut b = track(ts, OPEN.0 + 0.001, OPEN.1, 0.5, 0.0);
                b.id.0 = "8".into();
                e.update(ts, &[a, b], &AisLog::default(), &mut out);
            }
            assert_eq!(out.iter().filter(|a| a.kind == AlertKind::Rendezvous).count(), 2);
        }
    }

    mod pairing {
        use super::*;
        use proptest::prelude::*;

        /// The former pairing pass, kept as the reference: (cell, index) entries sorted, one
        /// bisection per row of three cells, positions from the entries.
        fn sorted_scan(tracks: &[Track], max_d: f64) -> Vec<Option<(usize, f64)>> {
            let cell_deg = max_d / 111_000.0;
            let cell = |t: &Track| ((t.lat_deg / cell_deg).floor() as i64, (t.lon_deg / cell_deg).floor() as i64);
            let mut cells: Vec<_> = tracks.iter().enumerate().map(|(k, t)| (cell(t), k, Pt::of(t))).collect();
            cells.sort_unstable_by_key(|e| (e.0, e.1));
            let mut out = Vec::new();
            for (k, t) in tracks.iter().enumerate() {
                let ((cy, cx), me) = (cell(t), Pt::of(t));
                let mut near = Vec::new();
                for dy in -1..=1 {
                    let (lo_c, hi_c) = ((cy + dy, cx - 1), (cy + dy, cx + 1));
                    let from = cells.partition_point(|e| e.0 < lo_c);
                    for (_, j, q) in cells[from..].iter().take_while(|e| e.0 <= hi_c) {
                        if *j != k {
                            let (lo, hi) = bounds_flat(me.flat_m(q)).unwrap_or((0.0, f64::INFINITY));
                            near.push((*j, lo, hi));
                        }
                    }
                }
                let cap = near.iter().filter(|n| n.2 <= max_d).map(|n| n.2).fold(max_d, f64::min);
                let mut best: Option<(usize, f64)> = None;
                for &(j, lo, _) in &near {
                    let u = &tracks[j];
                    let d = exact_m(me.p, LatLon::new(u.lat_deg, u.lon_deg));
                    if lo <= cap && d <= max_d && best.is_none_or(|b| d < b.1) {
                        best = Some((j, d));
                    }
                }
                out.push(best);
            }
            out
        }

        proptest! {
            /// On a lattice about 55 m apart (shared positions, equal distances, pairs on both
            /// sides of 500 m), with or without a track far away (the grid then sorts), the
            /// grid finds exactly the partners, distances and tie winners the sorted scan found.
            #[test]
            fn the_grid_finds_the_partners_the_sorted_scan_found(
                at in prop::collection::vec((0u32..40, 0u32..40), 0..160),
                far in any::<bool>(),
                jitter in 0.0f64..0.000_3,
            ) {
                let mut tracks: Vec<Track> = at
                    .iter()
                    .map(|&(a, b)| track(0.0, 22.1 + 0.0005 * a as f64 + jitter, 113.55 + 0.0005 * b as f64, 1.0, 0.0))
                    .collect();
                if far {
                    tracks.push(track(0.0, -33.9, 151.2, 1.0, 0.0));
                }
                let (mut pts, mut grid, mut out) = (Vec::new(), CellGrid::default(), Vec::new());
                closest_partners(&tracks, 0..tracks.len(), 500.0, (&mut pts, &mut grid), &mut out);
                prop_assert!(at.is_empty() || grid.is_dense() != far, "dense {} far {far}", grid.is_dense());
                prop_assert_eq!(&out, &sorted_scan(&tracks, 500.0));
                // Reused buffers give the same answer on a subset.
                let half: Vec<Track> = tracks.iter().step_by(2).cloned().collect();
                closest_partners(&half, 0..half.len(), 500.0, (&mut pts, &mut grid), &mut out);
                prop_assert_eq!(&out, &sorted_scan(&half, 500.0));
            }
        }
    }

    mod dismiss {
        use super::*;

        #[test]
        fn a_dismissed_alert_suppresses_its_zone_and_kind() {
            let mut e = engine();
            let out = run(&mut e, "7", 0.0, 30, 25.0);
            let id = out.iter().find(|a| a.kind == AlertKind::DarkTarget).unwrap().id.clone();
            assert!(e.dismiss(&id, 30.0));
            // A different track in the same cell, long after the flicker window: suppressed.
            let later = run(&mut e, "9", 1_000.0, 30, 25.0);
            assert!(later.iter().all(|a| a.kind != AlertKind::DarkTarget), "{later:?}");
            // After the suppression window, it alerts again.
            let much_later = run(&mut e, "10", 10_000.0, 30, 25.0);
            assert!(much_later.iter().any(|a| a.kind == AlertKind::DarkTarget));
            assert!(!e.dismiss(&AlertId("nope".into()), 0.0));
        }
    }
}
