//! How one radar is decoded: its name, its accuracy and where it stands.

/// Settings for one radar feed. Build with `..Default::default()` and override what the site
/// survey knows.
#[derive(Debug, Clone, PartialEq)]
pub struct RadarConfig {
    /// Sensor id put on every detection, e.g. `radar-ka-ho`. Default `"radar"`.
    pub sensor: String,
    /// 1-σ range error, metres. Default 30 m, the order of an X-band ARPA's tracked-target range
    /// accuracy (IMO MSC.192(79) asks for 30 m or 1 % of range at 95 %).
    pub sigma_range_m: f64,
    /// 1-σ bearing error, degrees. Default 1°, the order of the same standard's bearing figure.
    pub sigma_bearing_deg: f64,
    /// Surveyed antenna position `(lat_deg, lon_deg)` of a shore radar. When set, GGA/RMC
    /// positions are ignored for conversion and no own-position error is added. Default `None`.
    pub fixed_position: Option<(f64, f64)>,
    /// Heading of a fixed antenna's zero mark, degrees true, for shore radars that report
    /// relative (`R`) bearings. When set, HDT/OSD headings are ignored. Default `None`.
    pub fixed_heading_deg: Option<f64>,
    /// 1-σ error of a GNSS own position (GGA/RMC), metres, added isotropically to every
    /// converted target. Default 5 m (uncorrected single-frequency GNSS).
    pub sigma_own_position_m: f64,
    /// 1-σ circular error for a TLL target when the radar's own position is unknown, so the
    /// range-dependent covariance cannot be formed, metres. Default 50 m.
    pub tll_default_sigma_m: f64,
    /// How long an own position, heading or velocity stays usable without an update, seconds
    /// on the caller's receive clock. Default 10 s: a ship at 30 kn moves 150 m in that time.
    pub max_own_ship_age_s: f64,
    /// Reject sentences without a `*hh` checksum. Default `false`: several radars omit it, and
    /// serial links are short; turn it on for feeds that cross networks.
    pub require_checksum: bool,
}

impl Default for RadarConfig {
    fn default() -> Self {
        RadarConfig {
            sensor: "radar".to_owned(),
            sigma_range_m: 30.0,
            sigma_bearing_deg: 1.0,
            fixed_position: None,
            fixed_heading_deg: None,
            sigma_own_position_m: 5.0,
            tll_default_sigma_m: 50.0,
            max_own_ship_age_s: 10.0,
            require_checksum: false,
        }
    }
}
