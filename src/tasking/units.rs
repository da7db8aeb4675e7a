//! The units that can be tasked: patrol boats and drone teams, with their base, speed and
//! endurance (from `assets/units.toml`) and their live position (from
//! `seawarden/v1/unit/{unit}/position`).

use std::path::Path;

use serde::Deserialize;

use crate::geodesy::{LatLon, MPS_PER_KNOT};

/// The reference Macau units shipped in `assets/` (ILLUSTRATIVE, see the file's header).
pub const MACAU_UNITS_TOML: &str = include_str!("../../assets/units.toml");

/// What kind of unit: decides how it moves (boats route around land, drones fly straight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    /// A customs patrol boat: moves over water only.
    PatrolBoat,
    /// A drone team: launches from its base and flies straight (the mission planner applies the
    /// no-fly zones).
    DroneTeam,
}

/// A unit's availability, as the console tracks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitStatus {
    /// Free to be tasked.
    #[default]
    Available,
    /// Working a task; not proposed for another.
    Tasked,
    /// Off duty, refuelling, under repair.
    Unavailable,
}

/// One patrol boat or drone team.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Stable id, used as the MQTT topic level (`task/patrol/{id}`).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Boat or drone team.
    pub kind: UnitKind,
    /// Site id of its base (from `sites.toml`).
    pub base: String,
    /// Mooring (boats, on water) or launch point (drones), degrees.
    pub base_lat: f64,
    /// Mooring or launch point longitude, degrees.
    pub base_lon: f64,
    /// Top speed, knots (drones: cruise speed).
    pub max_speed_kn: f64,
    /// Time it can stay out, hours (fuel or batteries): an intercept beyond it is not proposed.
    pub endurance_h: f64,
    /// Availability.
    #[serde(default)]
    pub status: UnitStatus,
    /// Last reported position; the base until the first report.
    #[serde(skip)]
    pub position: Option<LatLon>,
    /// Time of the last position report, seconds since the Unix epoch.
    #[serde(skip)]
    pub position_time_s: Option<f64>,
}

impl Unit {
    /// The base position.
    pub fn base(&self) -> LatLon {
        LatLon::new(self.base_lat, self.base_lon)
    }

    /// Where the unit is now: the last report, or the base.
    pub fn current_position(&self) -> LatLon {
        self.position.unwrap_or_else(|| self.base())
    }

    /// Top speed, metres per second.
    pub fn max_speed_mps(&self) -> f64 {
        self.max_speed_kn * MPS_PER_KNOT
    }

    /// Endurance, seconds.
    pub fn endurance_s(&self) -> f64 {
        self.endurance_h * 3600.0
    }

    /// Applies a live position report; older reports than the one held are ignored.
    pub fn report_position(&mut self, time_s: f64, p: LatLon) {
        if self.position_time_s.is_none_or(|t| time_s >= t) {
            self.position = Some(p);
            self.position_time_s = Some(time_s);
        }
    }
}

/// Why `units.toml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum UnitsError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Syntax, a missing or unknown key, or a wrong type (the message names key and line).
    #[error("{what}: {message}")]
    Toml {
        /// The source.
        what: String,
        /// The parser's message.
        message: String,
    },
    /// A value out of range.
    #[error("{what}: unit {unit}: key `{key}`: {reason}")]
    Invalid {
        /// The source.
        what: String,
        /// The unit id.
        unit: String,
        /// The offending key.
        key: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    #[allow(dead_code)]
    meta: Option<toml::Value>,
    units: Vec<Unit>,
}

/// The fleet: every unit, in file order.
#[derive(Debug, Clone, Default)]
pub struct Units {
    /// The units.
    pub units: Vec<Unit>,
}

impl Units {
    /// The reference Macau fleet from `assets/units.toml`.
    pub fn macau() -> Self {
        // The embedded asset is checked by the unit tests; it cannot fail at run time.
        Self::from_toml_str(MACAU_UNITS_TOML, "assets/units.toml").unwrap_or_default()
    }

    /// Reads a `units.toml`.
    ///
    /// # Errors
    /// [`UnitsError`] naming the file and, for bad values, the unit and key.
    pub fn from_path(path: &Path) -> Result<Self, UnitsError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| UnitsError::Io { path: path.display().to_string(), source })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses `units.toml` text; `what` names the source in errors.
    ///
    /// # Errors
    /// [`UnitsError::Toml`] for syntax or keys, [`UnitsError::Invalid`] for values out of range
    /// or duplicate ids.
    pub fn from_toml_str(text: &str, what: &str) -> Result<Self, UnitsError> {
        let file: File =
            toml::from_str(text).map_err(|e| UnitsError::Toml { what: what.into(), message: e.to_string() })?;
        let bad = |u: &Unit, key, reason| UnitsError::Invalid { what: what.into(), unit: u.id.clone(), key, reason };
        for (i, u) in file.units.iter().enumerate() {
            if u.id.is_empty() || u.id.contains(['/', '+', '#']) {
                return Err(bad(u, "id", "must be a non-empty MQTT topic level (no '/', '+', '#')"));
            }
            if file.units[..i].iter().any(|o| o.id == u.id) {
                return Err(bad(u, "id", "duplicate id"));
            }
            if !(u.base_lat.is_finite() && (-90.0..=90.0).contains(&u.base_lat)) {
                return Err(bad(u, "base_lat", "must be a latitude in degrees"));
            }
            if !(u.base_lon.is_finite() && (-180.0..=180.0).contains(&u.base_lon)) {
                return Err(bad(u, "base_lon", "must be a longitude in degrees"));
            }
            if !(u.max_speed_kn.is_finite() && u.max_speed_kn > 0.0) {
                return Err(bad(u, "max_speed_kn", "must be positive"));
            }
            if !(u.endurance_h.is_finite() && u.endurance_h > 0.0) {
                return Err(bad(u, "endurance_h", "must be positive"));
            }
        }
        Ok(Units { units: file.units })
    }

    /// The unit with this id.
    pub fn get(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// The unit with this id, to update.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Unit> {
        self.units.iter_mut().find(|u| u.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod from_toml_str {
        use super::*;

        #[test]
        fn the_macau_fleet_loads_with_boats_and_drone_teams() {
            let u = Units::from_toml_str(MACAU_UNITS_TOML, "units.toml").unwrap();
            assert!(u.units.iter().filter(|x| x.kind == UnitKind::PatrolBoat).count() >= 4);
            assert!(u.units.iter().any(|x| x.kind == UnitKind::DroneTeam));
        }

        #[test]
        fn every_base_is_a_site_in_sites_toml() {
            let sites = crate::coast::Sites::macau();
            for u in Units::macau().units {
                assert!(sites.get(&u.base).is_some(), "{} base {}", u.id, u.base);
            }
        }

        #[test]
        fn a_negative_speed_is_refused_naming_unit_and_key() {
            let text = r#"[[units]]
id = "x"
name = "X"
kind = "patrol-boat"
base = "outer-harbour"
base_lat = 22.19
base_lon = 113.56
max_speed_kn = -3
endurance_h = 4
"#;
            let e = Units::from_toml_str(text, "t.toml").unwrap_err().to_string();
            assert!(e.contains("unit x") && e.contains("max_speed_kn"), "{e}");
        }

        #[test]
        fn an_unknown_key_is_refused() {
            let text = "[[units]]\nid = \"x\"\nspeed = 3\n";
            assert!(matches!(Units::from_toml_str(text, "t.toml"), Err(UnitsError::Toml { .. })));
        }
    }

    mod report_position {
        use super::*;

        #[test]
        fn an_older_report_does_not_overwrite_a_newer_one() {
            let mut u = Units::macau().units.remove(0);
            u.report_position(10.0, LatLon::new(22.1, 113.5));
            u.report_position(5.0, LatLon::new(22.2, 113.6));
            assert_eq!(u.current_position(), LatLon::new(22.1, 113.5));
        }
    }
}
