//! The [`Track`] value (DESIGN core types): what leaves the tracker for anomaly rules, the bus
//! and the console. Plain data, serialisable, in WGS-84.
use serde::{Deserialize, Serialize};

use crate::detection::{Identity, SensorKind};

/// A site-scoped, stable track id (`"17"` or `"ka-ho-17"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackId(pub String);

impl std::fmt::Display for TrackId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a track is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackStatus {
    /// Started, not yet confirmed (M of N not met); never reported by `seawarden track`.
    Tentative,
    /// Confirmed and updated at its last opportunity.
    Confirmed,
    /// Confirmed, but missed at its last opportunity: position is predicted.
    Coasting,
}

/// What kind of vessel a track seems to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VesselClass {
    /// Speedboat, RIB, sampan: fast or small.
    SmallCraft,
    /// A ship with AIS identity or a large radar return.
    Vessel,
    /// Not enough evidence.
    Unknown,
}

/// One past position of a track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// Seconds since the Unix epoch.
    pub time_s: f64,
    /// Degrees north.
    pub lat_deg: f64,
    /// Degrees east.
    pub lon_deg: f64,
}

/// A vessel track at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    /// Stable, site-scoped id.
    pub id: TrackId,
    /// Estimate time, seconds since the Unix epoch.
    pub time_s: f64,
    /// Degrees north.
    pub lat_deg: f64,
    /// Degrees east.
    pub lon_deg: f64,
    /// Speed over ground, knots.
    pub sog_kn: f64,
    /// Course over ground, degrees true.
    pub cog_deg: f64,
    /// Covariance of `[east_m, north_m, ve_mps, vn_mps]` in the tangent plane at the track.
    pub cov_en: [[f64; 4]; 4],
    /// Life-cycle status.
    pub status: TrackStatus,
    /// Sensor kinds that have updated this track.
    pub sources: Vec<SensorKind>,
    /// AIS identity, when an AIS report was associated.
    pub identity: Identity,
    /// Vessel class.
    pub class: VesselClass,
    /// Length estimate, metres, when some sensor measured one.
    pub length_m: Option<f64>,
    /// Confirmed by radar/IR with no AIS association: a dark target.
    pub dark: bool,
    /// Recent updates, oldest first.
    pub history: Vec<HistoryPoint>,
}
