//! Slew-to-cue: where to point a PTZ head so that a moving target is centred when it gets there.
//!
//! A track picked on the console, or an alert, gives a target's bearing, range and velocity
//! from the mast. [`SlewToCue::aim`] turns that into head pan, tilt and zoom, leading the target
//! by the time the head needs to slew there (which itself depends on the angle to cover, so the
//! two are solved together by fixed-point iteration), and [`Cue::commands`] gives the Pelco-D
//! absolute-position commands to send. [`OnTarget`] then watches the head's position reports and
//! says when the head has arrived.
//!
//! Everything here is pure arithmetic; a transport ([`crate::transport`]) moves the commands.
//!
//! # Model
//! - The head slews every axis at once at its top rate, with no acceleration ramp (as
//!   [`crate::head::Head`] does, and close to a heavy thermal PTZ over tens of degrees), after a
//!   fixed command latency. Pan takes the short way round.
//! - The target moves in a straight line at constant velocity on a flat local plane (a few
//!   kilometres and tens of seconds: the curvature error is centimetres).
//! - Tilt aims at the target's waterline, below the horizontal by the sea depression at its
//!   range from the mast's height (with standard refraction, see `calibration::SeaSurface`).
//! - Zoom: the lens's horizontal field of view is taken to vary geometrically with the zoom
//!   fraction, from `hfov_wide_deg` at 0 to `hfov_tele_deg` at 1; the zoom is chosen so a target
//!   of `target_length_m` spans `fill_fraction` of the picture, within the lens's range.

use calibration::{SeaSurface, SitePose};

use crate::head::{HeadConfig, HeadPose};
use crate::pelco_d::{Command, PanPosition, PelcoError, TiltPosition, ZoomPosition, encode};

/// Why a cue could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum CueError {
    /// A configuration value is out of range.
    #[error("cue config {field} = {value}: expected {expected}")]
    InvalidConfig {
        /// The field's name.
        field: &'static str,
        /// The value given.
        value: f64,
        /// The valid range, in words.
        expected: &'static str,
    },
    /// An input is NaN or infinite.
    #[error("{name} is not a finite number")]
    NotFinite {
        /// The input's name.
        name: &'static str,
    },
    /// The target moves across the sky faster than the head can slew, so no lead converges.
    #[error("no intercept: the target outruns the head's slew (last lead {lead_s} s)")]
    NoIntercept {
        /// The lead time of the last iteration, seconds.
        lead_s: f64,
    },
    /// A value could not be encoded as a Pelco-D position.
    #[error(transparent)]
    Pelco(#[from] PelcoError),
}

/// How a head and its lens move, and what "centred" means: the inputs of [`SlewToCue`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CueConfig {
    /// Top pan rate of absolute slews, degrees per second.
    pub pan_rate_dps: f64,
    /// Top tilt rate of absolute slews, degrees per second.
    pub tilt_rate_dps: f64,
    /// Time from sending a command to the head starting to move, seconds.
    pub latency_s: f64,
    /// Horizontal field of view fully wide (zoom 0), degrees.
    pub hfov_wide_deg: f64,
    /// Horizontal field of view fully tele (zoom 1), degrees.
    pub hfov_tele_deg: f64,
    /// Length of the target to frame, metres.
    pub target_length_m: f64,
    /// Fraction of the picture's width the target should span, `(0, 1]`.
    pub fill_fraction: f64,
    /// The head is on target when pan and tilt are both within this fraction of the chosen
    /// field of view of the aim.
    pub on_target_fraction: f64,
}

impl Default for CueConfig {
    /// The default [`HeadConfig`]'s rates (60°/s pan, 30°/s tilt), no latency, the 24°–1.8°
    /// thermal lens of `assets/sites.toml`, a 20 m boat spanning a quarter of the picture, on
    /// target within 5 % of the field of view.
    fn default() -> CueConfig {
        CueConfig::for_head(&HeadConfig::default())
    }
}

impl CueConfig {
    /// The default lens and framing, with the slew rates of `head`.
    pub fn for_head(head: &HeadConfig) -> CueConfig {
        CueConfig {
            pan_rate_dps: head.pan_rate_dps,
            tilt_rate_dps: head.tilt_rate_dps,
            latency_s: 0.0,
            hfov_wide_deg: 24.0,
            hfov_tele_deg: 1.8,
            target_length_m: 20.0,
            fill_fraction: 0.25,
            on_target_fraction: 0.05,
        }
    }

    fn validate(&self) -> Result<(), CueError> {
        let bad = |field, value, expected| Err(CueError::InvalidConfig { field, value, expected });
        let positive = [
            ("pan_rate_dps", self.pan_rate_dps),
            ("tilt_rate_dps", self.tilt_rate_dps),
            ("hfov_tele_deg", self.hfov_tele_deg),
            ("target_length_m", self.target_length_m),
            ("fill_fraction", self.fill_fraction),
            ("on_target_fraction", self.on_target_fraction),
        ];
        for (field, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return bad(field, value, "a positive finite number");
            }
        }
        if !(self.latency_s.is_finite() && self.latency_s >= 0.0) {
            return bad("latency_s", self.latency_s, "a non-negative finite number");
        }
        if !(self.hfov_wide_deg.is_finite() && self.hfov_wide_deg >= self.hfov_tele_deg && self.hfov_wide_deg < 180.0) {
            return bad("hfov_wide_deg", self.hfov_wide_deg, "in [hfov_tele_deg, 180)");
        }
        if self.fill_fraction > 1.0 {
            return bad("fill_fraction", self.fill_fraction, "at most 1");
        }
        Ok(())
    }

    /// Field of view at zoom fraction `zoom` (geometric between wide and tele), degrees.
    pub fn hfov_deg(&self, zoom: f64) -> f64 {
        self.hfov_wide_deg * (self.hfov_tele_deg / self.hfov_wide_deg).powf(zoom.clamp(0.0, 1.0))
    }

    /// Zoom fraction that gives a field of view of `hfov_deg`, clamped to the lens's range.
    pub fn zoom_for_hfov(&self, hfov_deg: f64) -> f64 {
        let ratio = self.hfov_tele_deg / self.hfov_wide_deg;
        if ratio >= 1.0 {
            return 0.0; // a fixed lens
        }
        ((hfov_deg / self.hfov_wide_deg).ln() / ratio.ln()).clamp(0.0, 1.0)
    }
}

/// A target to cue on: where it is now, from the mast, and how it moves.
///
/// # Units
/// `bearing_deg` true degrees, `range_m` metres over the sea from the mast, velocities metres
/// per second east and north.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// True bearing from the mast now, degrees clockwise from north.
    pub bearing_deg: f64,
    /// Range from the foot of the mast now, metres.
    pub range_m: f64,
    /// Eastward velocity, metres per second.
    pub east_mps: f64,
    /// Northward velocity, metres per second.
    pub north_mps: f64,
}

impl Target {
    /// A target from its bearing and range, and its speed and course over ground.
    ///
    /// # Units
    /// Degrees, metres, metres per second (a track's `sog_kn` × 0.514 444).
    pub fn from_course(bearing_deg: f64, range_m: f64, speed_mps: f64, course_deg: f64) -> Target {
        let (s, c) = course_deg.to_radians().sin_cos();
        Target { bearing_deg, range_m, east_mps: speed_mps * s, north_mps: speed_mps * c }
    }

    /// A target at `lat`/`lon` seen from the mast of `site`, on the local tangent plane with
    /// the WGS-84 radii of curvature at the mid-latitude (within a metre and 0.01° of the
    /// geodesic out to 10 km; the main crate's geodesy is the exact route).
    ///
    /// # Units
    /// WGS-84 degrees, metres per second, true degrees.
    pub fn from_lat_lon(site: &SitePose, lat: f64, lon: f64, speed_mps: f64, course_deg: f64) -> Target {
        const A_M: f64 = 6_378_137.0;
        const F: f64 = 1.0 / 298.257_223_563;
        let e2 = F * (2.0 - F);
        let sin_mid = (0.5 * (lat + site.lat)).to_radians().sin();
        let w2 = 1.0 - e2 * sin_mid * sin_mid;
        let meridian_m = A_M * (1.0 - e2) / (w2 * w2.sqrt());
        let prime_vertical_m = A_M / w2.sqrt();
        let north_m = (lat - site.lat).to_radians() * meridian_m;
        let east_m = (lon - site.lon).to_radians() * prime_vertical_m * (0.5 * (lat + site.lat)).to_radians().cos();
        let bearing_deg = east_m.atan2(north_m).to_degrees().rem_euclid(360.0);
        Target::from_course(bearing_deg, east_m.hypot(north_m), speed_mps, course_deg)
    }

    /// The same target `t_s` seconds later (dead-reckoned along its velocity): brings a fix
    /// of some age up to now before aiming, so the lead starts from where the target is.
    pub fn advanced(&self, t_s: f64) -> Target {
        let (bearing_deg, range_m) = self.at(t_s);
        Target { bearing_deg, range_m, ..*self }
    }

    /// Bearing (degrees, `[0, 360)`) and range (metres) after `t_s` seconds.
    pub fn at(&self, t_s: f64) -> (f64, f64) {
        let (s, c) = self.bearing_deg.to_radians().sin_cos();
        let east = self.range_m * s + self.east_mps * t_s;
        let north = self.range_m * c + self.north_mps * t_s;
        (east.atan2(north).to_degrees().rem_euclid(360.0), east.hypot(north))
    }
}

/// Where to point the head for a target, and when it gets there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cue {
    /// Pan to command, degrees from the head's zero, `[0, 360)`.
    pub pan_deg: f64,
    /// Tilt to command, degrees of elevation in the head's frame.
    pub tilt_deg: f64,
    /// Zoom to command, fraction of travel from wide (0) to tele (1).
    pub zoom: f64,
    /// Field of view at that zoom, degrees.
    pub hfov_deg: f64,
    /// Lead: time from sending the commands to the head arriving, seconds; the aim is where
    /// the target will be then.
    pub lead_s: f64,
    /// True bearing of the aim point, degrees.
    pub bearing_deg: f64,
    /// Range of the aim point, metres.
    pub range_m: f64,
    /// Fixed-point iterations used to solve lead against slew time.
    pub iterations: usize,
}

impl Cue {
    /// The Pelco-D absolute commands for this cue: set pan, set tilt, set zoom.
    ///
    /// # Errors
    /// [`CueError::Pelco`] only for non-finite angles, which [`SlewToCue::aim`] never returns.
    pub fn commands(&self) -> Result<[Command; 3], CueError> {
        Ok([
            Command::SetPan(PanPosition::from_degrees(self.pan_deg)?),
            Command::SetTilt(TiltPosition::from_degrees(self.tilt_deg)?),
            Command::SetZoom(ZoomPosition::from_fraction(self.zoom)),
        ])
    }

    /// The commands as bytes for the head at `address`, ready to write.
    ///
    /// # Errors
    /// As [`Cue::commands`].
    pub fn to_bytes(&self, address: u8) -> Result<Vec<u8>, CueError> {
        Ok(self.commands()?.iter().flat_map(|c| encode(address, *c)).collect())
    }
}

/// Computes cues for one head at one site.
///
/// # Examples
/// ```
/// # use calibration::SitePose;
/// # use firmware_bridge::cue::{CueConfig, SlewToCue, Target};
/// # use firmware_bridge::head::HeadPose;
/// let site = SitePose { lat: 22.17, lon: 113.54, mast_height_m: 25.0,
///     heading_offset_deg: 10.0, tilt_offset_deg: 0.0, roll_deg: 0.0 };
/// let cuer = SlewToCue::try_new(site, CueConfig::default())?;
/// // A boat 3 km due east, running north at 15 m/s; the head looks at pan 0 (true 010°).
/// let target = Target::from_course(90.0, 3_000.0, 15.0, 0.0);
/// let here = HeadPose { pan_deg: 0.0, tilt_deg: 0.0, zoom: 0.0 };
/// let cue = cuer.aim(here, &target)?;
/// // 80° of pan at 60°/s is about 1.33 s, in which the boat moves ~20 m north: ~0.4° of lead.
/// assert!((cue.lead_s - 1.32).abs() < 0.02);
/// assert!(cue.bearing_deg < 90.0 && cue.bearing_deg > 89.5);
/// assert!((cue.pan_deg - (cue.bearing_deg - 10.0)).abs() < 1e-9);
/// # Ok::<(), firmware_bridge::cue::CueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlewToCue {
    site: SitePose,
    sea: SeaSurface,
    config: CueConfig,
}

impl SlewToCue {
    /// A cue computer for a head mounted as `site` says, moving as `config` says.
    ///
    /// # Errors
    /// [`CueError::InvalidConfig`] for a bad config value or a mast height that is not positive.
    pub fn try_new(site: SitePose, config: CueConfig) -> Result<SlewToCue, CueError> {
        config.validate()?;
        let sea = SeaSurface::try_new(site.mast_height_m).map_err(|_| CueError::InvalidConfig {
            field: "mast_height_m",
            value: site.mast_height_m,
            expected: "a positive finite height",
        })?;
        Ok(SlewToCue { site, sea, config })
    }

    /// The configuration.
    pub fn config(&self) -> &CueConfig {
        &self.config
    }

    /// The mast's pose: where bearings are measured from (for [`Target::from_lat_lon`]).
    pub fn site(&self) -> &SitePose {
        &self.site
    }

    /// Head pan and tilt (degrees) that look at the sea point at `bearing_deg`, `range_m`.
    pub fn head_angles(&self, bearing_deg: f64, range_m: f64) -> (f64, f64) {
        // Beyond the horizon the hull is hidden; aim at the horizon, where the superstructure is.
        let depression_deg = self.sea.depression_deg(range_m).unwrap_or_else(|_| self.sea.horizon_dip_deg());
        ((bearing_deg - self.site.heading_offset_deg).rem_euclid(360.0), -depression_deg - self.site.tilt_offset_deg)
    }

    /// Time for a head at `from` to reach `pan_deg`, `tilt_deg` (latency included), seconds.
    pub fn slew_s(&self, from: HeadPose, pan_deg: f64, tilt_deg: f64) -> f64 {
        let pan = ((pan_deg - from.pan_deg + 540.0).rem_euclid(360.0) - 180.0).abs();
        let tilt = (tilt_deg - from.tilt_deg).abs();
        self.config.latency_s + (pan / self.config.pan_rate_dps).max(tilt / self.config.tilt_rate_dps)
    }

    /// Pan, tilt and zoom that centre `target` when the head, starting at `from`, arrives.
    ///
    /// # Errors
    /// [`CueError::NotFinite`] for a non-finite input; [`CueError::NoIntercept`] when the lead
    /// does not converge (the target's angular rate is close to or above the head's).
    pub fn aim(&self, from: HeadPose, target: &Target) -> Result<Cue, CueError> {
        for (name, v) in [
            ("bearing_deg", target.bearing_deg),
            ("range_m", target.range_m),
            ("east_mps", target.east_mps),
            ("north_mps", target.north_mps),
            ("pan_deg", from.pan_deg),
            ("tilt_deg", from.tilt_deg),
        ] {
            if !v.is_finite() {
                return Err(CueError::NotFinite { name });
            }
        }
        // Fixed point lead = slew(aim(lead)): a contraction while the target's angular rate is
        // below the head's, so it converges in a few steps for any boat at sea.
        const TOLERANCE_S: f64 = 1e-4;
        const MAX_ITERATIONS: usize = 50;
        let mut lead_s = 0.0;
        for iteration in 1..=MAX_ITERATIONS {
            let (bearing_deg, range_m) = target.at(lead_s);
            let (pan_deg, tilt_deg) = self.head_angles(bearing_deg, range_m);
            let next_s = self.slew_s(from, pan_deg, tilt_deg);
            if (next_s - lead_s).abs() < TOLERANCE_S {
                let (bearing_deg, range_m) = target.at(next_s);
                let (pan_deg, tilt_deg) = self.head_angles(bearing_deg, range_m);
                let span_deg = 2.0 * (0.5 * self.config.target_length_m / range_m.max(1.0)).atan().to_degrees();
                let zoom = self.config.zoom_for_hfov(span_deg / self.config.fill_fraction);
                return Ok(Cue {
                    pan_deg,
                    tilt_deg,
                    zoom,
                    hfov_deg: self.config.hfov_deg(zoom),
                    lead_s: next_s,
                    bearing_deg,
                    range_m,
                    iterations: iteration,
                });
            }
            lead_s = next_s;
        }
        Err(CueError::NoIntercept { lead_s })
    }

    /// An [`OnTarget`] watcher for `cue`, with this config's tolerance.
    pub fn watch(&self, cue: &Cue) -> OnTarget {
        OnTarget::new(cue, self.config.on_target_fraction * cue.hfov_deg)
    }
}

/// Says when a head has arrived on a cue, from its position reports.
///
/// Feed it every message the head sends ([`OnTarget::observe`]); it keeps the latest pan and
/// tilt and compares them with the aim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnTarget {
    pan_deg: f64,
    tilt_deg: f64,
    tolerance_deg: f64,
    reported_pan_deg: Option<f64>,
    reported_tilt_deg: Option<f64>,
}

impl OnTarget {
    /// Watches for the head reaching `cue` within `tolerance_deg` on both axes.
    pub fn new(cue: &Cue, tolerance_deg: f64) -> OnTarget {
        OnTarget {
            pan_deg: cue.pan_deg,
            tilt_deg: cue.tilt_deg,
            tolerance_deg,
            reported_pan_deg: None,
            reported_tilt_deg: None,
        }
    }

    /// Takes one received command; pan and tilt reports update the state, others are ignored.
    /// Returns whether the head is on target now.
    pub fn observe(&mut self, command: &Command) -> bool {
        match command {
            Command::PanReport(p) => self.reported_pan_deg = Some(p.degrees()),
            Command::TiltReport(t) => self.reported_tilt_deg = Some(t.degrees()),
            _ => {}
        }
        self.is_on_target()
    }

    /// Pan and tilt errors of the latest reports (reported − aim, pan the short way), degrees;
    /// `None` until both axes have reported.
    pub fn error_deg(&self) -> Option<(f64, f64)> {
        let pan = self.reported_pan_deg?;
        let tilt = self.reported_tilt_deg?;
        Some(((pan - self.pan_deg + 540.0).rem_euclid(360.0) - 180.0, tilt - self.tilt_deg))
    }

    /// Whether the latest pan and tilt reports are both within tolerance of the aim.
    pub fn is_on_target(&self) -> bool {
        self.error_deg().is_some_and(|(p, t)| p.abs() <= self.tolerance_deg && t.abs() <= self.tolerance_deg)
    }

    /// The tolerance on each axis, degrees.
    pub fn tolerance_deg(&self) -> f64 {
        self.tolerance_deg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::Head;
    use crate::pelco_d::Message;

    fn site() -> SitePose {
        SitePose {
            lat: 22.17,
            lon: 113.54,
            mast_height_m: 25.0,
            heading_offset_deg: 30.0,
            tilt_offset_deg: 0.2,
            roll_deg: 0.0,
        }
    }

    fn still() -> HeadPose {
        HeadPose { pan_deg: 0.0, tilt_deg: 0.0, zoom: 0.0 }
    }

    mod aim {
        use super::*;

        #[test]
        fn a_still_target_needs_no_lead_beyond_the_slew() {
            let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
            let cue = cuer.aim(still(), &Target::from_course(120.0, 2_000.0, 0.0, 0.0)).unwrap();
            assert!((cue.bearing_deg - 120.0).abs() < 1e-9);
            assert!((cue.pan_deg - 90.0).abs() < 1e-9);
            assert!((cue.lead_s - 1.5).abs() < 1e-9);
            assert!(cue.tilt_deg < -0.2, "waterline below level: {}", cue.tilt_deg);
        }

        #[test]
        fn the_aim_is_where_the_target_is_when_the_head_arrives() {
            let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
            let target = Target::from_course(200.0, 1_500.0, 20.0, 290.0);
            let cue = cuer.aim(still(), &target).unwrap();
            let (b, r) = target.at(cue.lead_s);
            assert!((b - cue.bearing_deg).abs() < 1e-6 && (r - cue.range_m).abs() < 1e-3);
            let slew = cuer.slew_s(still(), cue.pan_deg, cue.tilt_deg);
            assert!((slew - cue.lead_s).abs() < 1e-3, "{slew} vs {cue:?}");
            assert!(cue.iterations > 1);
        }

        /// A boat 2 km due east running north at 20 m/s, the head looking 150° away: the aim
        /// point is the boat's position now plus velocity × lead, and the lead is the slew time
        /// to that aim. Tolerance: the iteration stops when the lead moves < 1e-4 s, i.e. the aim
        /// is within 20 m/s × 1e-4 s = 2 mm of exact; 5 mm allows for rounding.
        #[test]
        fn the_aim_leads_a_moving_boat_by_velocity_times_slew_time() {
            let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
            let from = HeadPose { pan_deg: 270.0, ..still() };
            let target = Target::from_course(90.0, 2_000.0, 20.0, 0.0);
            let cue = cuer.aim(from, &target).unwrap();
            let (s, c) = cue.bearing_deg.to_radians().sin_cos();
            let (east, north) = (cue.range_m * s, cue.range_m * c);
            assert!((east - 2_000.0).abs() < 0.005, "{cue:?}");
            assert!((north - 20.0 * cue.lead_s).abs() < 0.005, "{cue:?}");
            // Slew: pan from 270° to true bearing − 30° offset, the short way, at 60°/s.
            let pan_deg = ((cue.pan_deg - 270.0 + 540.0).rem_euclid(360.0) - 180.0).abs();
            assert!((cue.lead_s - pan_deg / 60.0).abs() < 1e-3, "{cue:?}");
            // ~2.5 s of slew (149°): ~50 m, 1.4° ahead of where the boat is now; a still aim misses.
            assert!(cue.lead_s > 2.4 && 90.0 - cue.bearing_deg > 1.3, "{cue:?}");
        }

        #[test]
        fn advancing_a_target_moves_it_along_its_velocity() {
            let t = Target::from_course(90.0, 1_000.0, 10.0, 180.0);
            let later = t.advanced(30.0);
            // 300 m south of a point 1 km east: atan(300/1000) past east.
            assert!((later.bearing_deg - (90.0 + 16.699_244)).abs() < 1e-5, "{later:?}");
            assert!((later.range_m - 1_044.030_650).abs() < 1e-5, "{later:?}");
            assert_eq!((later.east_mps, later.north_mps), (t.east_mps, t.north_mps));
            // Advancing then looking ahead equals looking further ahead.
            let (b1, r1) = later.at(5.0);
            let (b2, r2) = t.at(35.0);
            assert!((b1 - b2).abs() < 1e-9 && (r1 - r2).abs() < 1e-9);
        }

        #[test]
        fn pan_takes_the_short_way_through_zero() {
            let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
            let from = HeadPose { pan_deg: 350.0, ..still() };
            // True 40° is pan 10°: 20° from 350° through zero.
            let cue = cuer.aim(from, &Target::from_course(40.0, 2_000.0, 0.0, 0.0)).unwrap();
            assert!((cue.lead_s - 20.0 / 60.0).abs() < 1e-6, "{cue:?}");
        }

        #[test]
        fn zoom_frames_a_far_boat_tighter_than_a_near_one() {
            let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
            let near = cuer.aim(still(), &Target::from_course(90.0, 100.0, 0.0, 0.0)).unwrap();
            let mid = cuer.aim(still(), &Target::from_course(90.0, 1_500.0, 0.0, 0.0)).unwrap();
            let far = cuer.aim(still(), &Target::from_course(90.0, 6_000.0, 0.0, 0.0)).unwrap();
            assert_eq!(near.zoom, 0.0); // 20 m at 100 m wants ~46°: fully wide
            assert!(mid.zoom > 0.5 && mid.zoom < 1.0, "{mid:?}");
            // 20 m at 1.5 km is 0.764°; a quarter of the picture is 3.056°.
            assert!((mid.hfov_deg - 4.0 * 0.7639).abs() < 0.01, "{mid:?}");
            assert_eq!(far.zoom, 1.0); // would want 0.76°: fully tele
        }

        #[test]
        fn a_target_outrunning_the_head_has_no_intercept() {
            let config = CueConfig { pan_rate_dps: 1.0, ..CueConfig::default() };
            let cuer = SlewToCue::try_new(site(), config).unwrap();
            // 100 m/s crossing at 1 km is ~5.7°/s, faster than the head's 1°/s.
            let target = Target::from_course(120.0, 1_000.0, 100.0, 30.0);
            let err = cuer.aim(still(), &target).unwrap_err();
            assert!(matches!(err, CueError::NoIntercept { .. }), "{err}");
        }

        #[test]
        fn nan_inputs_are_refused() {
            let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
            let err = cuer.aim(still(), &Target::from_course(f64::NAN, 1.0, 0.0, 0.0)).unwrap_err();
            assert_eq!(err, CueError::NotFinite { name: "bearing_deg" });
        }

        #[test]
        fn bad_config_names_the_field() {
            let config = CueConfig { fill_fraction: 0.0, ..CueConfig::default() };
            let err = SlewToCue::try_new(site(), config).unwrap_err();
            assert!(matches!(err, CueError::InvalidConfig { field: "fill_fraction", .. }));
        }
    }

    mod target {
        use super::*;

        #[test]
        fn from_lat_lon_matches_a_known_offset() {
            // 0.01° of latitude north at 22.175° N is 1 107.33 m on WGS-84.
            let t = Target::from_lat_lon(&site(), 22.18, 113.54, 0.0, 0.0);
            assert!(t.bearing_deg.abs() < 1e-9 || (t.bearing_deg - 360.0).abs() < 1e-9);
            assert!((t.range_m - 1_107.33).abs() < 0.05, "{t:?}");
        }
    }

    mod on_target {
        use super::*;

        /// The simulated head, stepped on its own clock, arrives on the cue at the lead time
        /// and not before.
        #[test]
        fn the_simulated_head_arrives_at_the_lead_time() {
            let mut head = Head::try_new(HeadConfig::default()).unwrap();
            let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
            let target = Target::from_course(75.0, 2_500.0, 12.0, 180.0);
            let cue = cuer.aim(head.pose(), &target).unwrap();
            let mut watch = cuer.watch(&cue);
            let mut replies = Vec::new();
            head.receive(&cue.to_bytes(1).unwrap(), &mut replies);
            let dt_s = 0.01;
            let mut t_s = 0.0;
            let arrived_s = loop {
                head.step(dt_s);
                t_s += dt_s;
                let mut on = false;
                for q in [Command::QueryPan, Command::QueryTilt] {
                    let reply = head.handle(&Message { address: 1, command: q }).unwrap();
                    on = watch.observe(&reply.command);
                }
                if on {
                    break t_s;
                }
                assert!(t_s < 10.0, "never on target: {:?}", watch.error_deg());
            };
            assert!(arrived_s <= cue.lead_s + dt_s + 1e-9, "{arrived_s} vs {}", cue.lead_s);
            assert!(arrived_s >= cue.lead_s - 0.05, "{arrived_s} vs {}", cue.lead_s);
            // Where the target is when the head arrives: within the tolerance of the aim.
            let (b, _) = target.at(arrived_s);
            let pan_then = (b - site().heading_offset_deg).rem_euclid(360.0);
            assert!((pan_then - head.pose().pan_deg).abs() < watch.tolerance_deg());
        }

        #[test]
        fn needs_both_axes_reported() {
            let cuer = SlewToCue::try_new(site(), CueConfig::default()).unwrap();
            let cue = cuer.aim(still(), &Target::from_course(30.0, 2_000.0, 0.0, 0.0)).unwrap();
            let mut watch = cuer.watch(&cue);
            assert!(!watch.observe(&Command::PanReport(PanPosition::ZERO)));
            assert!(watch.error_deg().is_none());
            let tilt = TiltPosition::from_degrees(cue.tilt_deg).unwrap();
            assert!(watch.observe(&Command::TiltReport(tilt)));
        }
    }
}
