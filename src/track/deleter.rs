//! The deleter role: drop tracks that have stopped being supported by measurements.
use super::config::DeleteConfig;
use super::measurement::max_eigenvalue;
use super::tracked::TrackState;

/// The deleter role (Stone Soup `Deleter`).
pub trait Deleter {
    /// Whether `track` should go, at time `now_s`.
    fn should_delete(&self, track: &TrackState, now_s: f64) -> bool;

    /// Remove every track [`Deleter::should_delete`] condemns; returns how many went.
    fn delete_tracks(&self, tracks: &mut Vec<TrackState>, now_s: f64) -> usize {
        let before = tracks.len();
        tracks.retain(|t| !self.should_delete(t, now_s));
        before - tracks.len()
    }
}

/// Deletes on track score (a confirmed track whose score fell `confirmed_llr_drop` below its best,
/// a tentative one below `tentative_llr`), on time since the last update, or when the position
/// uncertainty has grown past use.
///
/// The score drop adapts to the sensors: each miss costs `ln(1 − Pd)`, so a track several sensors
/// should see and none does goes within seconds, while one seen now and then by a single camera
/// at long range lives on. Only misses by sensors that cover the track and have detected it
/// before count (see [`Tracker::step`](super::Tracker::step)).
///
/// # References
/// - S. Blackman, R. Popoli, *Design and Analysis of Modern Tracking Systems*, Artech 1999, §6.2.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreOrCoast {
    /// Thresholds.
    pub cfg: DeleteConfig,
}

impl ScoreOrCoast {
    /// From the configuration.
    pub fn new(cfg: &DeleteConfig) -> Self {
        ScoreOrCoast { cfg: cfg.clone() }
    }
}

impl Deleter for ScoreOrCoast {
    fn should_delete(&self, t: &TrackState, now_s: f64) -> bool {
        let g = t.estimate();
        if !g.x.iter().all(|v| v.is_finite()) {
            return true;
        }
        let sigma2 = max_eigenvalue(&g.pos_cov());
        if !(sigma2 <= self.cfg.max_position_sigma_m.powi(2)) {
            return true;
        }
        let silent_s = now_s - t.last_update_s;
        // A vessel whose transponder reported within the AIS timeout is there: its track coasts
        // to the next report rather than being dropped and restarted under a new id.
        let ais_fresh = now_s - t.last_ais_s <= self.cfg.ais_timeout_s;
        if ais_fresh && t.is_confirmed() {
            return false;
        }
        let coast_limit = if t.sources.ais_only() { self.cfg.ais_timeout_s } else { self.cfg.max_coast_s };
        if !t.is_confirmed() {
            return t.score < self.cfg.tentative_llr || silent_s > self.cfg.tentative_max_coast_s.min(coast_limit);
        }
        t.score < t.score_max - self.cfg.confirmed_llr_drop || silent_s > coast_limit
    }
}
