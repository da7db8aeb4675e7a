//! Identity mismatch: an MMSI that cannot be a ship's, or an AIS length the sensors contradict.
use super::{Rule, reason};
use crate::alert::{AlertKind, Reason};
use crate::anomaly::scene::Scene;
use crate::track::Track;

/// Fires for an MMSI outside 9-digit ship MIDs 201–775 (value: the MMSI, threshold 0), or an AIS
/// static-data length the sensors contradict: the track's seen length (IR box size, median over
/// its updates) more than `max_length_ratio` times longer or shorter than the declared one, and
/// at least `min_length_difference_m` off. Then the reason is `length_mismatch_ais_<L>m` with
/// the declared length `L` in its name, value the seen length and threshold the bound it crossed
/// (`L / ratio` or `L × ratio`), all metres. Why: a speedboat borrowing a freighter's MMSI.
///
/// A broadside view spans the hull, a bow-on one only the beam, so the seen length reads short
/// at times; the median, the ratio and the absolute margin keep that from firing alone.
///
/// # References
/// ITU-R M.585 (MMSI formats and maritime identification digits).
#[derive(Debug, Clone)]
pub struct IdentityMismatch {
    /// Largest tolerated ratio between AIS and sensor length (larger / smaller).
    pub max_length_ratio: f64,
    /// Smallest difference between the two lengths that may fire, metres: a 4 m tender read as
    /// 9 m is within the camera's pixel quantisation, not a false identity.
    pub min_length_difference_m: f64,
}

impl Default for IdentityMismatch {
    fn default() -> Self {
        IdentityMismatch { max_length_ratio: 2.0, min_length_difference_m: 10.0 }
    }
}

/// Whether an MMSI is a ship station's (9 digits, MID 201–775).
pub fn is_ship_mmsi(mmsi: u32) -> bool {
    (100_000_000..1_000_000_000).contains(&mmsi) && (201..=775).contains(&(mmsi / 1_000_000))
}

impl Rule for IdentityMismatch {
    fn kind(&self) -> AlertKind {
        AlertKind::IdentityMismatch
    }

    fn check(&self, t: &Track, s: &Scene) -> Option<Reason> {
        let mmsi = t.identity.mmsi?;
        if !is_ship_mmsi(mmsi) {
            return reason("invalid_mmsi", f64::from(mmsi), 0.0);
        }
        let (ais_len, seen_len) = (s.ais.get(mmsi)?.length_m?, t.length_m?);
        if !(ais_len.is_finite() && seen_len.is_finite() && ais_len > 0.0 && seen_len > 0.0) {
            return None;
        }
        if (ais_len - seen_len).abs() < self.min_length_difference_m {
            return None;
        }
        let bound = if seen_len < ais_len {
            let lo = ais_len / self.max_length_ratio;
            (seen_len < lo).then_some(lo)?
        } else {
            let hi = ais_len * self.max_length_ratio;
            (seen_len > hi).then_some(hi)?
        };
        reason(&format!("length_mismatch_ais_{ais_len:.0}m"), seen_len, bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::rules::testkit::*;
    use crate::anomaly::scene::{AisLog, Memo};

    #[test]
    fn an_invalid_mmsi_fires() {
        let (m, a) = (Memo::new(0.0), AisLog::default());
        let mut t = track(10.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(123_456);
        assert_eq!(IdentityMismatch::default().check(&t, &scene(10.0, &m, &a)).unwrap().rule, "invalid_mmsi");
        t.identity.mmsi = Some(453_000_001);
        assert!(IdentityMismatch::default().check(&t, &scene(10.0, &m, &a)).is_none());
    }

    #[test]
    fn a_cargo_ship_length_on_a_speedboat_fires() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        a.report(453_000_001, 5.0, OPEN.0, OPEN.1);
        a.length(453_000_001, 180.0);
        let mut t = track(10.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        t.length_m = Some(9.0);
        let r = IdentityMismatch::default().check(&t, &scene(10.0, &m, &a)).unwrap();
        assert_eq!(r.rule, "length_mismatch_ais_180m");
        assert_eq!((r.value, r.threshold), (9.0, 90.0));
    }

    #[test]
    fn a_tug_claiming_a_tanker_fires_and_a_consistent_length_does_not() {
        let m = Memo::new(0.0);
        let mut a = AisLog::default();
        a.report(453_000_001, 5.0, OPEN.0, OPEN.1);
        a.length(453_000_001, 30.0);
        let mut t = track(10.0, OPEN.0, OPEN.1, 10.0, 0.0);
        t.identity.mmsi = Some(453_000_001);
        let rule = IdentityMismatch::default();
        // Seen much longer than declared.
        t.length_m = Some(75.0);
        let r = rule.check(&t, &scene(10.0, &m, &a)).unwrap();
        assert_eq!((r.value, r.threshold), (75.0, 60.0));
        // Within the ratio either way, or no seen length at all: silent.
        for seen in [Some(16.0), Some(30.0), Some(59.0), None] {
            t.length_m = seen;
            assert!(rule.check(&t, &scene(10.0, &m, &a)).is_none(), "{seen:?}");
        }
        // Past the ratio but within the absolute margin: a small boat's pixels, silent.
        a.length(453_000_001, 8.0);
        t.length_m = Some(3.5);
        assert!(rule.check(&t, &scene(10.0, &m, &a)).is_none());
        // No declared length: silent.
        let mut b = AisLog::default();
        b.report(453_000_001, 5.0, OPEN.0, OPEN.1);
        t.length_m = Some(200.0);
        assert!(rule.check(&t, &scene(10.0, &m, &b)).is_none());
    }
}
