//! AIS spoofing: consecutive reports of one MMSI implying an impossible speed (a position jump,
//! or one MMSI in two places at once).
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::Track;

/// Fires when the track's MMSI showed an implied speed above `max_implied_kn` within the last
/// `hold_s`. Value: implied speed, knots.
#[derive(Debug, Clone)]
pub struct AisSpoof {
    /// Fastest believable speed, knots.
    pub max_implied_kn: f64,
    /// How long a jump keeps the rule firing, seconds.
    pub hold_s: f64,
}

impl Default for AisSpoof {
    fn default() -> Self {
        AisSpoof { max_implied_kn: 50.0, hold_s: 120.0 }
    }
}

impl Rule for AisSpoof {
    fn kind(&self) -> AlertKind {
        AlertKind::AisSpoof
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let (kn, at) = s.ais.get(t.identity.mmsi?)?.jump?;
        (kn > self.max_implied_kn && s.time_s - at <= self.hold_s)
            .then(|| reason("ais_implied_speed_kn", kn, self.max_implied_kn))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn a_five_km_jump_in_ten_seconds_fires() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        a.report(453_000_001, 100.0, OPEN.0, OPEN.1);
        a.report(453_000_001, 110.0, OPEN.0 + 0.045, OPEN.1);
        let mut t = track(110.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        assert!(AisSpoof::default().check(&t, &scene(110.0, &m, &a)).unwrap().value > 900.0);
    }

    #[test]
    fn normal_reports_do_not() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        a.report(453_000_001, 100.0, OPEN.0, OPEN.1);
        a.report(453_000_001, 110.0, OPEN.0 + 0.0005, OPEN.1);
        let mut t = track(110.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        assert!(AisSpoof::default().check(&t, &scene(110.0, &m, &a)).is_none());
    }

    #[test]
    fn a_fast_ferry_reporting_a_second_apart_with_gnss_jitter_does_not() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        // 38 kn is 19.5 m/s; 15 m of jitter on top.
        a.report(453_000_001, 100.0, OPEN.0, OPEN.1);
        a.report(453_000_001, 101.0, OPEN.0 + 0.000_31, OPEN.1);
        let mut t = track(101.0, OPEN.0, OPEN.1, 38.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        assert!(AisSpoof::default().check(&t, &scene(101.0, &m, &a)).is_none());
    }

    #[test]
    fn one_mmsi_in_two_places_at_once_fires() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        a.report(453_000_001, 100.0, OPEN.0, OPEN.1);
        a.report(453_000_001, 100.0, OPEN.0 + 0.02, OPEN.1);
        let mut t = track(100.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        assert!(AisSpoof::default().check(&t, &scene(100.0, &m, &a)).is_some());
    }
}
