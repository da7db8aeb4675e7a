//! Tracker configuration: every key with its unit in its name and a documented default.
//! The commented default file is `assets/track.toml` ([`DEFAULT_TOML`]).
use serde::{Deserialize, Serialize};

/// The commented default configuration, as shipped.
pub const DEFAULT_TOML: &str = include_str!("../../assets/track.toml");

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML did not parse or a key had the wrong type.
    #[error("{file}: {message}")]
    Parse {
        /// File name (or `<string>`).
        file: String,
        /// What the TOML parser said, including line and key.
        message: String,
    },
    /// A key parsed but its value is unusable.
    #[error("{file}: key `{key}`: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// Dotted key.
        key: &'static str,
        /// Why.
        message: String,
    },
}

/// Which motion model the tracker filters with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MotionKind {
    /// Nearly-constant velocity only.
    Cv,
    /// IMM of nearly-constant velocity and coordinated turn.
    Imm,
}

/// All tracker settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackerConfig {
    /// Site id, prefixed to track ids (`"ka-ho-17"`); empty gives bare numbers (`"17"`).
    pub site: String,
    /// Origin of the local frame; the first detection's position when absent.
    pub origin_lat_deg: Option<f64>,
    /// See `origin_lat_deg`.
    pub origin_lon_deg: Option<f64>,
    /// Motion models.
    pub filter: FilterConfig,
    /// Gating and association.
    pub association: AssociationConfig,
    /// Confirmation.
    pub confirm: ConfirmConfig,
    /// Deletion.
    pub delete: DeleteConfig,
    /// Measurement defaults and sanity limits.
    pub sensors: SensorConfig,
    /// Out-of-sequence measurements.
    pub oosm: OosmConfig,
    /// Duplicate-track merging.
    pub merge: MergeConfig,
    /// What the batch runner writes.
    pub output: OutputConfig,
}

/// Motion model settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FilterConfig {
    /// `cv` or `imm`.
    pub model: MotionKind,
    /// CV white acceleration spectral density, m²/s³.
    pub cv_accel_noise_m2ps3: f64,
    /// CT white acceleration spectral density, m²/s³.
    pub ct_accel_noise_m2ps3: f64,
    /// CT turn-rate random walk, rad²/s³.
    pub ct_turn_rate_noise_rad2ps3: f64,
    /// 1-σ turn rate handed to CT when a turn starts, degrees/s.
    pub turn_rate_sigma_degps: f64,
    /// Mean time in straight running before a turn, s.
    pub cv_sojourn_s: f64,
    /// Mean duration of a turn, s.
    pub ct_sojourn_s: f64,
    /// 1-σ of each velocity component of a new track with no velocity measurement, m/s.
    pub initial_speed_sigma_mps: f64,
}

/// Gating and association settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssociationConfig {
    /// Probability that the true detection falls inside the gate.
    pub gate_probability: f64,
    /// Cell size of the spatial gating grid, m.
    pub grid_cell_m: f64,
    /// Detection probability of radar/IR (used in the assignment costs).
    pub detection_probability: f64,
    /// Expected clutter (false plots) per km² per radar scan.
    pub clutter_per_km2: f64,
    /// Expected false IR detections per radian of bearing per km of range per frame.
    pub ir_clutter_per_rad_km: f64,
}

/// Confirmation by track score (sequential log-likelihood ratio, Blackman & Popoli §6.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfirmConfig {
    /// Track score (log-likelihood ratio target vs clutter, nats) at which a tentative track is
    /// confirmed. Each detection adds `ln(Pd · N(ν; 0, S) / λ)`, each counted miss `ln(1 − Pd)`.
    pub confirm_llr: f64,
    /// Fewest detections (the first included) before confirmation, whatever the score.
    pub min_hits: u32,
}

/// Deletion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeleteConfig {
    /// A confirmed track is deleted when its score falls this far below its best, nats.
    pub confirmed_llr_drop: f64,
    /// A tentative track is deleted when its score falls below this, nats.
    pub tentative_llr: f64,
    /// Longest a tentative track may go without an update, s.
    pub tentative_max_coast_s: f64,
    /// Longest coast without any update for a radar/IR track, s.
    pub max_coast_s: f64,
    /// Longest gap between reports for an AIS-only track, s.
    pub ais_timeout_s: f64,
    /// A track whose 1-σ position error (major axis) grows past this is deleted, m.
    pub max_position_sigma_m: f64,
}

/// Measurement defaults and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SensorConfig {
    /// 1-σ position error used when a line has no `sigma_m`, m.
    pub default_sigma_m: f64,
    /// Lines with a larger `sigma_m` (or polar sigmas giving one) are rejected as absurd, m.
    pub max_sigma_m: f64,
    /// AIS 1-σ speed over ground, knots.
    pub ais_sigma_sog_kn: f64,
    /// AIS 1-σ course over ground, degrees.
    pub ais_sigma_cog_deg: f64,
    /// Range assumed for a bearing-only IR detection when starting a track, m.
    pub ir_range_prior_m: f64,
    /// 1-σ of that prior, m.
    pub ir_range_prior_sigma_m: f64,
    /// 1-σ bearing error of an IR detection that carries only a position and a circular error
    /// (the JSONL contract's `sigma_m` is then the range error), degrees.
    pub ir_sigma_bearing_deg: f64,
    /// Treat an IR detection from sensor `ir-<site>` of a known site (the built-in `sites.toml`)
    /// as a bearing and range from that mast: a thermal camera's error is a thin wedge along the
    /// line of sight (0.05° across, kilometres along), and a circle as wide as its range error
    /// throws the bearing away.
    pub ir_masts_from_sites: bool,
    /// Allowed sensor ids; empty accepts any non-empty id.
    pub allowed: Vec<String>,
}

/// Merging of duplicate tracks (one vessel, two tracks: e.g. one started by an IR camera and one
/// by a radar before either saw the other's detections).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MergeConfig {
    /// Two tracks closer than this may be merged, m.
    pub max_distance_m: f64,
    /// ... and only if their position/velocity difference is this likely under "same vessel":
    /// chi-square (4 dof) probability of the gate.
    pub gate_probability: f64,
    /// ... and their velocities differ by at most this, m/s (tentative tracks know little of
    /// their velocity, so the statistical test alone would merge crossing vessels).
    pub max_speed_difference_mps: f64,
    /// Two confirmed tracks, one with AIS and one that never had it, both confirmed at least this
    /// long, are never merged: a dark boat alongside a transponder vessel (a rendezvous at sea)
    /// is two vessels, s (0, the default, turns the exception off: measured on the rendezvous
    /// scenario it lets the rendezvous rule fire — at t+446 s on the dark craft with the rule's
    /// 60 s for a dark track, any value from 10 to 60 s — but raises ID switches 7 → 26, the two
    /// boats 15–60 m apart swapping tracks; 120 s is too late to fire and still 26).
    pub keep_dark_beside_ais_after_s: f64,
}

/// What `seawarden track` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// A confirmed track is written only while its 1-σ position error (major axis) is at most
    /// this, m. GOSPA (c = 100 m, α = 2) charges c/2 for a missed vessel but up to c for a track
    /// further off than c, so a report whose error is likely beyond ~c/2 costs more than it
    /// gives. The track lives on inside the tracker (same id) and reappears once localised.
    pub max_position_sigma_m: f64,
    /// Where radars see the sea (recent radar plots within ~2 km, see
    /// [`Tracker::radar_covers`](super::Tracker::radar_covers)), write only tracks a radar has
    /// detected. An AIS-only track
    /// there that no radar confirms is a spoofed or stale position, and an IR-only track there
    /// is often a ghost (the crossing of two cameras' bearings on two different vessels); both
    /// cost GOSPA a full false track. Outside radar coverage IR and AIS tracks are written.
    pub radar_verified_in_coverage: bool,
}

/// Out-of-sequence measurement handling (retrodiction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OosmConfig {
    /// Late measurements older than this behind the tracker's time are dropped, s.
    pub max_lag_s: f64,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        TrackerConfig {
            site: String::new(),
            origin_lat_deg: None,
            origin_lon_deg: None,
            filter: FilterConfig::default(),
            association: AssociationConfig::default(),
            confirm: ConfirmConfig::default(),
            delete: DeleteConfig::default(),
            sensors: SensorConfig::default(),
            oosm: OosmConfig::default(),
            merge: MergeConfig::default(),
            output: OutputConfig::default(),
        }
    }
}

impl Default for FilterConfig {
    fn default() -> Self {
        FilterConfig {
            model: MotionKind::Imm,
            cv_accel_noise_m2ps3: 0.01,
            ct_accel_noise_m2ps3: 3.0,
            ct_turn_rate_noise_rad2ps3: 1e-2,
            turn_rate_sigma_degps: 3.0,
            cv_sojourn_s: 120.0,
            ct_sojourn_s: 20.0,
            initial_speed_sigma_mps: 10.0,
        }
    }
}

impl Default for AssociationConfig {
    fn default() -> Self {
        AssociationConfig {
            gate_probability: 0.999,
            grid_cell_m: 500.0,
            detection_probability: 0.6,
            clutter_per_km2: 0.5,
            ir_clutter_per_rad_km: 0.01,
        }
    }
}

impl Default for ConfirmConfig {
    fn default() -> Self {
        ConfirmConfig { confirm_llr: 12.0, min_hits: 3 }
    }
}

impl Default for DeleteConfig {
    fn default() -> Self {
        DeleteConfig {
            confirmed_llr_drop: 20.0,
            tentative_llr: -4.0,
            tentative_max_coast_s: 10.0,
            max_coast_s: 30.0,
            ais_timeout_s: 180.0,
            max_position_sigma_m: 500.0,
        }
    }
}

impl Default for SensorConfig {
    fn default() -> Self {
        SensorConfig {
            default_sigma_m: 25.0,
            max_sigma_m: 5000.0,
            ais_sigma_sog_kn: 0.5,
            ais_sigma_cog_deg: 5.0,
            ir_range_prior_m: 3000.0,
            ir_range_prior_sigma_m: 2000.0,
            ir_sigma_bearing_deg: 0.05,
            ir_masts_from_sites: true,
            allowed: Vec::new(),
        }
    }
}

impl Default for MergeConfig {
    fn default() -> Self {
        MergeConfig {
            max_distance_m: 200.0,
            gate_probability: 0.999,
            max_speed_difference_mps: 3.0,
            keep_dark_beside_ais_after_s: 0.0,
        }
    }
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig { max_position_sigma_m: 60.0, radar_verified_in_coverage: true }
    }
}

impl Default for OosmConfig {
    fn default() -> Self {
        OosmConfig { max_lag_s: 30.0 }
    }
}

impl TrackerConfig {
    /// Parse a TOML document; `file` names it in errors.
    ///
    /// # Errors
    /// [`ConfigError::Parse`] for syntax, unknown keys or wrong types; [`ConfigError::Invalid`]
    /// for values out of range.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, ConfigError> {
        let cfg: TrackerConfig =
            toml::from_str(text).map_err(|e| ConfigError::Parse { file: file.into(), message: e.to_string() })?;
        cfg.validate(file)?;
        Ok(cfg)
    }

    /// Check every value is usable.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the first bad key.
    pub fn validate(&self, file: &str) -> Result<(), ConfigError> {
        let bad = |key: &'static str, message: &str| {
            Err(ConfigError::Invalid { file: file.into(), key, message: message.into() })
        };
        let pos = |v: f64| v.is_finite() && v > 0.0;
        let a = &self.association;
        if !(a.gate_probability > 0.5 && a.gate_probability < 1.0) {
            return bad("association.gate_probability", "must be in (0.5, 1)");
        }
        if !(a.detection_probability > 0.0 && a.detection_probability < 1.0) {
            return bad("association.detection_probability", "must be in (0, 1)");
        }
        if !pos(a.grid_cell_m) {
            return bad("association.grid_cell_m", "must be > 0");
        }
        if !pos(a.clutter_per_km2) {
            return bad("association.clutter_per_km2", "must be > 0");
        }
        if !pos(a.ir_clutter_per_rad_km) {
            return bad("association.ir_clutter_per_rad_km", "must be > 0");
        }
        let c = &self.confirm;
        if !(c.confirm_llr.is_finite() && c.confirm_llr >= 0.0) {
            return bad("confirm.confirm_llr", "must be a finite number >= 0");
        }
        if c.min_hits == 0 {
            return bad("confirm.min_hits", "must be >= 1");
        }
        let d = &self.delete;
        if !(d.tentative_llr.is_finite() && d.tentative_llr < c.confirm_llr) {
            return bad("delete.tentative_llr", "must be finite and below confirm.confirm_llr");
        }
        if !(self.merge.gate_probability > 0.0 && self.merge.gate_probability < 1.0) {
            return bad("merge.gate_probability", "must be in (0, 1)");
        }
        if !(self.merge.max_distance_m.is_finite() && self.merge.max_distance_m >= 0.0) {
            return bad("merge.max_distance_m", "must be >= 0 (0 turns merging off)");
        }
        let f = &self.filter;
        for (k, v) in [
            ("filter.cv_accel_noise_m2ps3", f.cv_accel_noise_m2ps3),
            ("filter.ct_accel_noise_m2ps3", f.ct_accel_noise_m2ps3),
            ("filter.ct_turn_rate_noise_rad2ps3", f.ct_turn_rate_noise_rad2ps3),
            ("filter.turn_rate_sigma_degps", f.turn_rate_sigma_degps),
            ("filter.cv_sojourn_s", f.cv_sojourn_s),
            ("filter.ct_sojourn_s", f.ct_sojourn_s),
            ("filter.initial_speed_sigma_mps", f.initial_speed_sigma_mps),
            ("delete.max_coast_s", self.delete.max_coast_s),
            ("delete.confirmed_llr_drop", self.delete.confirmed_llr_drop),
            ("delete.tentative_max_coast_s", self.delete.tentative_max_coast_s),
            ("merge.max_speed_difference_mps", self.merge.max_speed_difference_mps),
            ("output.max_position_sigma_m", self.output.max_position_sigma_m),
            ("delete.ais_timeout_s", self.delete.ais_timeout_s),
            ("delete.max_position_sigma_m", self.delete.max_position_sigma_m),
            ("sensors.default_sigma_m", self.sensors.default_sigma_m),
            ("sensors.max_sigma_m", self.sensors.max_sigma_m),
            ("sensors.ais_sigma_sog_kn", self.sensors.ais_sigma_sog_kn),
            ("sensors.ais_sigma_cog_deg", self.sensors.ais_sigma_cog_deg),
            ("sensors.ir_range_prior_m", self.sensors.ir_range_prior_m),
            ("sensors.ir_range_prior_sigma_m", self.sensors.ir_range_prior_sigma_m),
            ("sensors.ir_sigma_bearing_deg", self.sensors.ir_sigma_bearing_deg),
        ] {
            if !pos(v) {
                return bad(k, "must be a finite number > 0");
            }
        }
        let k = self.merge.keep_dark_beside_ais_after_s;
        if !(k.is_finite() && k >= 0.0) {
            return bad("merge.keep_dark_beside_ais_after_s", "must be >= 0 (0 turns the exception off)");
        }
        if !(self.oosm.max_lag_s.is_finite() && self.oosm.max_lag_s >= 0.0) {
            return bad("oosm.max_lag_s", "must be >= 0");
        }
        match (self.origin_lat_deg, self.origin_lon_deg) {
            (None, None) => {}
            (Some(la), Some(lo)) if la.abs() <= 90.0 && lo.abs() <= 180.0 => {}
            _ => return bad("origin_lat_deg", "give both origin_lat_deg and origin_lon_deg, in range"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_default_file_equals_the_built_in_defaults() {
        let parsed = TrackerConfig::from_toml(DEFAULT_TOML, "assets/track.toml").unwrap();
        assert_eq!(parsed, TrackerConfig::default());
    }

    #[test]
    fn unknown_key_is_an_error_naming_the_file() {
        let e = TrackerConfig::from_toml("[confirm]\nmm = 3\n", "x.toml").unwrap_err();
        assert!(e.to_string().contains("x.toml"), "{e}");
    }

    #[test]
    fn impossible_confirmation_is_rejected_with_its_key() {
        let e = TrackerConfig::from_toml("[confirm]\nmin_hits = 0\n", "x.toml").unwrap_err();
        assert!(e.to_string().contains("confirm.min_hits"), "{e}");
    }
}
