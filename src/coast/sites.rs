//! [`Sites`]: the coastal monitoring points of `assets/sites.toml`, typed and checked.

use std::path::Path;

use serde::Deserialize;

use super::CoastError;
use crate::geodesy::{LatLon, angle_diff_deg};

/// The embedded illustrative Macau sites (see `assets/GEODATA-SOURCES.md`).
pub const MACAU_SITES_TOML: &str = include_str!("../../assets/sites.toml");

/// The arc of true bearings a site faces, clockwise from `from_deg` to `to_deg` (it may wrap
/// through north; `from == to` means all round). Sensors outside it see the land behind the mast.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    /// Start of the arc, degrees true.
    pub from_deg: f64,
    /// End of the arc (clockwise), degrees true.
    pub to_deg: f64,
}

impl Sector {
    /// Whether a true bearing lies in the arc.
    ///
    /// # Units
    /// Degrees.
    pub fn contains(&self, bearing_deg: f64) -> bool {
        let width = self.width_deg();
        width >= 360.0 || (bearing_deg - self.from_deg).rem_euclid(360.0) <= width
    }

    /// Angular width of the arc, degrees in `(0, 360]`.
    pub fn width_deg(&self) -> f64 {
        let w = (self.to_deg - self.from_deg).rem_euclid(360.0);
        if w == 0.0 { 360.0 } else { w }
    }

    /// The bearing in the middle of the arc, degrees true.
    pub fn centre_deg(&self) -> f64 {
        (self.from_deg + self.width_deg() / 2.0).rem_euclid(360.0)
    }

    /// How far outside the arc a bearing is (0 inside).
    pub fn outside_by_deg(&self, bearing_deg: f64) -> f64 {
        if self.contains(bearing_deg) {
            0.0
        } else {
            angle_diff_deg(bearing_deg, self.from_deg).abs().min(angle_diff_deg(bearing_deg, self.to_deg).abs())
        }
    }
}

/// Horizontal field-of-view zoom range of a site's thermal PTZ camera.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Camera {
    /// Narrowest FOV (full zoom), degrees.
    pub hfov_min_deg: f64,
    /// Widest FOV, degrees.
    pub hfov_max_deg: f64,
}

/// One coastal monitoring point: where its mast is, what it faces and which sensors it has.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Stable id (`radar-<id>`, `ir-<id>` sensor names, MQTT topics).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Mast latitude, degrees north.
    pub lat: f64,
    /// Mast longitude, degrees east.
    pub lon: f64,
    /// Sensor height above sea level, metres (radar horizon, IR range on the sea surface).
    pub mast_height_m: f64,
    /// Facing sector.
    pub sector: Sector,
    /// Whether a surface-search radar is fitted.
    pub radar: bool,
    /// The thermal camera (every site has one).
    pub camera: Camera,
    /// Hotspot ids this site is meant to watch.
    #[serde(default)]
    pub covers: Vec<String>,
    /// Free-text note.
    #[serde(default)]
    pub note: Option<String>,
}

impl Site {
    /// The mast position.
    pub fn position(&self) -> LatLon {
        LatLon::new(self.lat, self.lon)
    }
}

/// `[meta]` of sites.toml.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct Meta {
    #[serde(default)]
    illustrative: bool,
    #[serde(default)]
    coast: Option<String>,
    #[serde(default)]
    hotspots: Option<String>,
    #[serde(default)]
    ir_nominal_range_km: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    meta: Meta,
    sites: Vec<Site>,
}

/// All monitoring points of a deployment, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sites {
    sites: Vec<Site>,
    /// Nominal IR detection range for small craft from `[meta]`, km.
    pub ir_nominal_range_km: Option<f64>,
    /// Whether the file says its positions are illustrative.
    pub illustrative: bool,
}

impl Sites {
    /// The embedded Macau sites.
    pub fn macau() -> Self {
        // Parsed and validated by this module's tests, so failure is a broken build asset.
        Self::from_toml_str(MACAU_SITES_TOML, "assets/sites.toml").expect("embedded sites.toml is valid")
    }

    /// Read and check a sites file.
    ///
    /// # Errors
    /// [`CoastError::Io`], or as [`Sites::from_toml_str`].
    pub fn from_path(path: &Path) -> Result<Self, CoastError> {
        let text = std::fs::read_to_string(path).map_err(|source| CoastError::Io { path: path.to_owned(), source })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// Parse and check sites TOML; `what` names the source in errors.
    ///
    /// # Errors
    /// [`CoastError::Toml`] for syntax, a missing or unknown key or a wrong type (the message
    /// names the key and line); [`CoastError::InvalidSite`] naming the site and key for values out
    /// of range (latitude, longitude, bearings, FOV, mast height) or a duplicate id.
    pub fn from_toml_str(text: &str, what: &str) -> Result<Self, CoastError> {
        let file: File =
            toml::from_str(text).map_err(|e| CoastError::Toml { what: what.to_owned(), message: e.to_string() })?;
        let invalid = |site: &str, key: &'static str, reason: String| CoastError::InvalidSite {
            what: what.to_owned(),
            site: site.to_owned(),
            key,
            reason,
        };
        let mut seen = std::collections::BTreeSet::new();
        for s in &file.sites {
            if s.id.is_empty() {
                return Err(invalid(&s.name, "id", "empty".into()));
            }
            if !seen.insert(s.id.as_str()) {
                return Err(invalid(&s.id, "id", "duplicate site id".into()));
            }
            if !(-90.0..=90.0).contains(&s.lat) {
                return Err(invalid(&s.id, "lat", format!("{} is not a latitude", s.lat)));
            }
            if !(-180.0..=180.0).contains(&s.lon) {
                return Err(invalid(&s.id, "lon", format!("{} is not a longitude", s.lon)));
            }
            if !(0.0..=1000.0).contains(&s.mast_height_m) {
                return Err(invalid(&s.id, "mast_height_m", format!("{} m is out of range", s.mast_height_m)));
            }
            for (key, v) in [("sector.from_deg", s.sector.from_deg), ("sector.to_deg", s.sector.to_deg)] {
                if !(0.0..=360.0).contains(&v) {
                    return Err(invalid(&s.id, key, format!("{v} is not a bearing in [0, 360]")));
                }
            }
            let c = s.camera;
            if !(c.hfov_min_deg > 0.0 && c.hfov_min_deg <= c.hfov_max_deg && c.hfov_max_deg <= 360.0) {
                return Err(invalid(
                    &s.id,
                    "camera",
                    format!("need 0 < hfov_min_deg ≤ hfov_max_deg ≤ 360, got {}..{}", c.hfov_min_deg, c.hfov_max_deg),
                ));
            }
        }
        let _ = (&file.meta.coast, &file.meta.hotspots);
        Ok(Sites { sites: file.sites, ir_nominal_range_km: file.meta.ir_nominal_range_km, illustrative: file.meta.illustrative })
    }

    /// The sites in file order.
    pub fn iter(&self) -> std::slice::Iter<'_, Site> {
        self.sites.iter()
    }

    /// All sites as a slice.
    pub fn as_slice(&self) -> &[Site] {
        &self.sites
    }

    /// The site with this id.
    pub fn get(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }

    /// Number of sites.
    pub fn len(&self) -> usize {
        self.sites.len()
    }

    /// True when there are no sites.
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod from_toml_str {
        use super::*;

        #[test]
        fn the_macau_file_has_13_sites_8_with_radar() {
            let s = Sites::macau();
            assert_eq!(s.len(), 13);
            assert_eq!(s.iter().filter(|s| s.radar).count(), 8);
            let oh = s.get("outer-harbour").unwrap();
            assert_eq!(oh.sector, Sector { from_deg: 80.0, to_deg: 244.0 });
            assert_eq!(oh.mast_height_m, 25.0);
            assert_eq!(s.ir_nominal_range_km, Some(6.0));
        }

        #[test]
        fn a_missing_key_is_named() {
            let text = MACAU_SITES_TOML.replacen("lat = 22.210731\n", "", 1);
            let e = Sites::from_toml_str(&text, "t.toml").unwrap_err().to_string();
            assert!(e.contains("lat") && e.contains("t.toml"), "{e}");
        }

        #[test]
        fn an_out_of_range_bearing_names_site_and_key() {
            let text = MACAU_SITES_TOML.replacen("from_deg = 80,", "from_deg = 480,", 1);
            let e = Sites::from_toml_str(&text, "t.toml").unwrap_err().to_string();
            assert!(e.contains("outer-harbour") && e.contains("sector.from_deg"), "{e}");
        }

        #[test]
        fn a_duplicate_id_is_refused() {
            let text = MACAU_SITES_TOML.replacen("id = \"zone-a-north\"", "id = \"areia-preta-border\"", 1);
            let e = Sites::from_toml_str(&text, "t.toml").unwrap_err().to_string();
            assert!(e.contains("duplicate"), "{e}");
        }
    }

    mod sector {
        use super::*;

        #[test]
        fn wrapping_through_north() {
            let s = Sector { from_deg: 351.0, to_deg: 156.0 };
            assert!(s.contains(0.0) && s.contains(355.0) && s.contains(156.0) && !s.contains(200.0));
            assert_eq!(s.width_deg(), 165.0);
            assert!((s.outside_by_deg(170.0) - 14.0).abs() < 1e-9);
        }

        #[test]
        fn equal_ends_mean_all_round() {
            assert!(Sector { from_deg: 10.0, to_deg: 10.0 }.contains(200.0));
        }
    }
}
