//! The anomaly rules, one per file: each looks at one track in its [`Scene`] and either explains
//! why it is anomalous (a [`Reason`]: rule, observed value, threshold) or stays silent. Rules
//! hold only their thresholds (units in the names); memory and deduplication are the engine's.
use crate::alert::{AlertKind, Reason};
use crate::track::Track;

use super::scene::Scene;

/// AIS reporting gap while sensors still see the vessel.
pub mod ais_gap;
/// AIS positions implying an impossible speed (or one MMSI in two places).
pub mod ais_spoof;
/// Crossing the administered waters' edge.
pub mod boundary_crossing;
/// Sensor-confirmed track without AIS.
pub mod dark_target;
/// Small craft stopped or drifting outside anchorages (search and rescue).
pub mod distress;
/// Entering or dwelling in a smuggling hotspot.
pub mod hotspot_entry;
/// Invalid MMSI, or AIS size contradicting the sensors.
pub mod identity_mismatch;
/// Slow for a long time away from anchorages.
pub mod loitering;
/// Fast small craft at night.
pub mod night_fast_craft;
/// Two slow tracks close together for a while.
pub mod rendezvous;
/// Heading for the shore at speed, with time to shore.
pub mod shore_approach;

pub use ais_gap::AisGap;
pub use ais_spoof::AisSpoof;
pub use boundary_crossing::BoundaryCrossing;
pub use dark_target::DarkTarget;
pub use distress::Distress;
pub use hotspot_entry::HotspotEntry;
pub use identity_mismatch::IdentityMismatch;
pub use loitering::Loitering;
pub use night_fast_craft::NightFastCraft;
pub use rendezvous::Rendezvous;
pub use shore_approach::ShoreApproach;

/// One anomaly rule.
pub trait Rule {
    /// The alert kind this rule raises.
    fn kind(&self) -> AlertKind;
    /// Why `t` is anomalous in `s`, or `None`.
    fn check(&self, t: &Track, s: &Scene) -> Option<Reason>;
}

pub(crate) fn reason(rule: &str, value: f64, threshold: f64) -> Option<Reason> {
    Some(Reason { rule: rule.to_owned(), value, threshold })
}

/// Every rule with its thresholds: what the engine runs, in a fixed order, without dynamic
/// dispatch in the per-track loop.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// See [`DarkTarget`].
    pub dark_target: DarkTarget,
    /// See [`HotspotEntry`].
    pub hotspot_entry: HotspotEntry,
    /// See [`ShoreApproach`].
    pub shore_approach: ShoreApproach,
    /// See [`NightFastCraft`].
    pub night_fast_craft: NightFastCraft,
    /// See [`BoundaryCrossing`].
    pub boundary_crossing: BoundaryCrossing,
    /// See [`Loitering`].
    pub loitering: Loitering,
    /// See [`Rendezvous`].
    pub rendezvous: Rendezvous,
    /// See [`AisGap`].
    pub ais_gap: AisGap,
    /// See [`AisSpoof`].
    pub ais_spoof: AisSpoof,
    /// See [`IdentityMismatch`].
    pub identity_mismatch: IdentityMismatch,
    /// See [`Distress`].
    pub distress: Distress,
}

impl RuleSet {
    /// Run every rule on `t`, pushing `(kind, reason)` for each that fires.
    pub fn check_all(&self, t: &Track, s: &Scene, out: &mut Vec<(AlertKind, Reason)>) {
        fn run<R: Rule>(r: &R, t: &Track, s: &Scene, out: &mut Vec<(AlertKind, Reason)>) {
            if let Some(why) = r.check(t, s) {
                out.push((r.kind(), why));
            }
        }
        run(&self.dark_target, t, s, out);
        run(&self.hotspot_entry, t, s, out);
        run(&self.shore_approach, t, s, out);
        run(&self.night_fast_craft, t, s, out);
        run(&self.boundary_crossing, t, s, out);
        run(&self.loitering, t, s, out);
        run(&self.rendezvous, t, s, out);
        run(&self.ais_gap, t, s, out);
        run(&self.ais_spoof, t, s, out);
        run(&self.identity_mismatch, t, s, out);
        run(&self.distress, t, s, out);
    }
}

/// Crafted tracks and scenes for the rules' unit tests.
#[cfg(test)]
pub(crate) mod testkit {
    use std::sync::OnceLock;

    use crate::anomaly::scene::{AisLog, Memo, Sample, Scene};
    use crate::anomaly::zones::Zones;
    use crate::coast::Coast;
    use crate::detection::{Identity, SensorKind};
    use crate::track::{Track, TrackId, TrackStatus, VesselClass};

    /// Open water south-east of Coloane, outside every zone but inside the waters.
    pub const OPEN: (f64, f64) = (22.095, 113.62);

    pub fn zones() -> &'static Zones {
        static Z: OnceLock<Zones> = OnceLock::new();
        Z.get_or_init(|| Zones::macau().unwrap())
    }

    pub fn coast() -> &'static Coast {
        static C: OnceLock<Coast> = OnceLock::new();
        C.get_or_init(Coast::macau)
    }

    /// A confirmed radar-only track.
    pub fn track(time_s: f64, lat: f64, lon: f64, sog_kn: f64, cog_deg: f64) -> Track {
        Track {
            id: TrackId("7".into()),
            time_s,
            lat_deg: lat,
            lon_deg: lon,
            sog_kn,
            cog_deg,
            cov_en: [[0.0; 4]; 4],
            status: TrackStatus::Confirmed,
            sources: vec![SensorKind::Radar],
            identity: Identity::default(),
            class: VesselClass::SmallCraft,
            length_m: None,
            dark: true,
            history: Vec::new(),
        }
    }

    /// A memo of a track seen every 5 s for `dur_s` up to `now_s`, moving from `from` to `to`
    /// at constant `sog_kn`.
    pub fn memo(now_s: f64, dur_s: f64, from: (f64, f64), to: (f64, f64), sog_kn: f64) -> Memo {
        let mut m = Memo::new(now_s - dur_s);
        let n = (dur_s / 5.0) as usize;
        for i in 0..=n {
            let f = i as f64 / n.max(1) as f64;
            m.push(Sample::new(
                now_s - dur_s + i as f64 * 5.0,
                from.0 + (to.0 - from.0) * f,
                from.1 + (to.1 - from.1) * f,
                sog_kn,
            ));
        }
        m
    }

    pub fn scene<'a>(time_s: f64, memo: &'a Memo, ais: &'a AisLog) -> Scene<'a> {
        Scene { time_s, zones: zones(), coast: coast(), memo, ais, sun: None }
    }
}
