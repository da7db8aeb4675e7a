//! Rendezvous: two slow tracks close together for a while (Global Fishing Watch encounter
//! heuristics, tuned for minutes rather than hours).
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::Track;

/// Fires when the engine has seen this track within `max_distance_m` of the same partner, both
/// slower than `max_speed_kn`, for `min_duration_s`. Value: time together, seconds.
///
/// The engine pairs tracks (a spatial hash of slow tracks) using `max_distance_m` and
/// `max_speed_kn` from this rule.
#[derive(Debug, Clone)]
pub struct Rendezvous {
    /// Farthest apart that counts, metres.
    pub max_distance_m: f64,
    /// Fastest either may be, knots.
    pub max_speed_kn: f64,
    /// How long together, seconds.
    pub min_duration_s: f64,
}

impl Default for Rendezvous {
    fn default() -> Self {
        Rendezvous { max_distance_m: 500.0, max_speed_kn: 3.0, min_duration_s: 120.0 }
    }
}

impl Rule for Rendezvous {
    fn kind(&self) -> AlertKind {
        AlertKind::Rendezvous
    }

    fn check(&self, _t: &Track, s: &Scene) -> Option<Reason> {
        let (_, since, d) = s.memo.partner.as_ref()?;
        let together = s.time_s - since;
        (together >= self.min_duration_s && *d <= self.max_distance_m)
            .then(|| reason("together_s", together, self.min_duration_s))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn three_minutes_alongside_fires_and_one_does_not() {
        let mut m = Memo::new(0.0);
        m.partner = Some(("9".into(), 100.0, 80.0));
        let a = AisLog::default();
        let t = track(280.0, OPEN.0, OPEN.1, 0.5, 0.0);
        assert_eq!(Rendezvous::default().check(&t, &scene(280.0, &m, &a)).unwrap().value, 180.0);
        assert!(Rendezvous::default().check(&t, &scene(160.0, &m, &a)).is_none());
    }
}
