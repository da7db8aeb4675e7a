//! The radar decoder: lines in, detections out, own-ship state kept in between.

use super::common::{Reference, TargetStatus};
use super::config::RadarConfig;
use super::error::{RadarError, SentenceKind};
use super::own_ship::{OwnShip, OwnShipState, Stamped};
use super::polar::{destination, plus_isotropic, polar_covariance_en, range_bearing};
use super::{Gga, Hdt, Osd, Rmc, Tll, Ttm};
use crate::detection::{Detection, Identity, Position, SensorKind, Velocity};
use crate::ingest::nmea::{Checksum, NmeaError, parse_line};

/// Counts of what a decoder has seen, by outcome, so a node can report a feed's health
/// ("40 % checksum errors: check the cable") without logging every bad line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RadarStats {
    /// Detections emitted (geodetic and polar).
    pub detections: u64,
    /// Of those, detections left polar because no own or fixed position was known.
    pub polar_detections: u64,
    /// Own-ship sentences (OSD, GGA, RMC, HDT) that updated state.
    pub own_ship_updates: u64,
    /// Targets reported lost (status `L`), dropped by design.
    pub lost_targets: u64,
    /// Rejected: checksum mismatch, or absent when required.
    pub checksum: u64,
    /// Rejected: other framing faults (no start, bad tag block, too long, non-printable).
    pub framing: u64,
    /// Rejected: a required field missing or malformed.
    pub bad_field: u64,
    /// Rejected: relative bearing without a known heading.
    pub no_heading: u64,
    /// Own-ship sentences reporting no valid fix (the own position or heading is now unknown).
    pub no_own_fix: u64,
    /// Rejected: a sentence type this decoder does not handle.
    pub unsupported: u64,
}

impl RadarStats {
    /// All lines that produced neither a detection nor an own-ship update nor a lost-target drop.
    pub fn rejected(&self) -> u64 {
        self.checksum + self.framing + self.bad_field + self.no_heading + self.no_own_fix + self.unsupported
    }

    fn record(&mut self, r: &Result<Option<Detection>, RadarError>) {
        match r {
            Ok(Some(_)) => self.detections += 1,
            Ok(None) => {}
            Err(RadarError::Framing(NmeaError::Checksum { .. }) | RadarError::MissingChecksum) => self.checksum += 1,
            Err(RadarError::Framing(_)) => self.framing += 1,
            Err(RadarError::BadField { .. }) => self.bad_field += 1,
            Err(RadarError::NoHeading { .. }) => self.no_heading += 1,
            Err(RadarError::NoOwnFix { .. }) => self.no_own_fix += 1,
            Err(RadarError::Unsupported(_)) => self.unsupported += 1,
        }
    }
}

/// Turns one radar feed's sentences into [`Detection`]s.
///
/// Own-ship sentences (OSD, GGA, RMC, HDT) update state and yield `Ok(None)`; target sentences
/// (TTM, TLL) yield a detection, converted to WGS-84 with a range/bearing-shaped covariance when
/// the radar's position is known, else left [`Position::Polar`].
///
/// # Time
/// A detection's `time_s` is, in order of preference:
/// 1. the tag block's `c:` time (stamped by the receiver that logged or relayed the line);
/// 2. the sentence's UTC time of day combined with the date of the last RMC (across midnight
///    correctly, see [`OwnShip::date`]);
/// 3. the caller's receive time: `received_s` of [`push_line_at`](Self::push_line_at), or the
///    system clock for [`push_line`](Self::push_line).
///
/// Own-ship staleness ([`RadarConfig::max_own_ship_age_s`]) is always measured on the receive
/// clock, because own-ship sentences (HDT) often carry no time of their own.
///
/// # Relative vectors
/// A relative bearing (`R`) is added to the current heading. A relative course (`R`) is read as
/// the relative-motion vector, its direction measured from the heading like a relative bearing;
/// adding own ground velocity gives the target's true velocity. Without own velocity the
/// detection carries no velocity rather than a wrong one.
#[derive(Debug, Clone)]
pub struct RadarDecoder {
    cfg: RadarConfig,
    own: OwnShipState,
    stats: RadarStats,
}

impl RadarDecoder {
    /// A decoder with no own-ship state yet.
    pub fn new(cfg: RadarConfig) -> Self {
        RadarDecoder { cfg, own: OwnShipState::default(), stats: RadarStats::default() }
    }

    /// Decode one line, using the system clock as the fallback time (see [`RadarDecoder`]).
    ///
    /// # Errors
    /// See [`push_line_at`](Self::push_line_at).
    pub fn push_line(&mut self, line: &[u8]) -> Result<Option<Detection>, RadarError> {
        let now_s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
        self.push_line_at(line, now_s)
    }

    /// Decode one line received at `received_s` (seconds since the Unix epoch, UTC), the time
    /// used when the line itself carries none and the clock for own-ship staleness.
    ///
    /// # Errors
    /// A [`RadarError`] saying why the line gave nothing; every outcome is also counted in
    /// [`stats`](Self::stats). Never panics, whatever the bytes.
    pub fn push_line_at(&mut self, line: &[u8], received_s: f64) -> Result<Option<Detection>, RadarError> {
        let r = self.decode(line, received_s);
        self.stats.record(&r);
        r
    }

    /// Outcome counts since construction.
    pub fn stats(&self) -> RadarStats {
        self.stats
    }

    /// Own-ship state as last reported.
    pub fn own_ship(&self) -> OwnShip {
        self.own.snapshot()
    }

    /// The configuration this decoder runs with.
    pub fn config(&self) -> &RadarConfig {
        &self.cfg
    }

    fn decode(&mut self, line: &[u8], received_s: f64) -> Result<Option<Detection>, RadarError> {
        let s = parse_line(line)?;
        if self.cfg.require_checksum && s.checksum == Checksum::Absent {
            return Err(RadarError::MissingChecksum);
        }
        // IEC 61162-1 addresses are two talker letters and three formatter letters; `P…` is
        // proprietary (`PGRMC` is not an RMC) and `!` sentences are encapsulated (AIS).
        let formatter = s.formatter();
        if s.start != b'$' || s.address.len() != 5 || s.address[0] == b'P' {
            return Err(unsupported(formatter));
        }
        let tag_time_s = s.tag_block.and_then(|t| t.unix_time_s);
        match formatter {
            b"TTM" => self.ttm(&Ttm::parse(&s)?, tag_time_s, received_s),
            b"TLL" => self.tll(&Tll::parse(&s)?, tag_time_s, received_s),
            b"OSD" => self.osd(&Osd::parse(&s)?, received_s),
            b"GGA" => self.gga(&Gga::parse(&s)?, received_s),
            b"RMC" => self.rmc(&Rmc::parse(&s)?, received_s),
            b"HDT" => {
                let h = Hdt::parse(&s)?;
                self.own.heading_deg = Some(Stamped { value: h.heading_deg, received_s });
                self.own_updated()
            }
            other => Err(unsupported(other)),
        }
    }

    fn own_updated(&mut self) -> Result<Option<Detection>, RadarError> {
        self.stats.own_ship_updates += 1;
        Ok(None)
    }

    fn time(&self, tag_time_s: Option<f64>, utc_s: Option<f64>, received_s: f64) -> f64 {
        tag_time_s.or_else(|| utc_s.and_then(|t| self.own.epoch_from_time_of_day(t))).unwrap_or(received_s)
    }

    fn heading(&self, received_s: f64) -> Option<f64> {
        self.cfg
            .fixed_heading_deg
            .or_else(|| Stamped::fresh(self.own.heading_deg, received_s, self.cfg.max_own_ship_age_s))
    }

    /// The radar's position and the 1-σ error of that position, if known and fresh.
    fn sensor_position(&self, received_s: f64) -> Option<((f64, f64), f64)> {
        match self.cfg.fixed_position {
            Some(p) => Some((p, 0.0)),
            None => Stamped::fresh(self.own.position, received_s, self.cfg.max_own_ship_age_s)
                .map(|p| (p, self.cfg.sigma_own_position_m)),
        }
    }

    fn ttm(&mut self, t: &Ttm<'_>, tag_time_s: Option<f64>, received_s: f64) -> Result<Option<Detection>, RadarError> {
        if t.status == TargetStatus::Lost {
            self.stats.lost_targets += 1;
            return Ok(None);
        }
        let heading = self.heading(received_s);
        let bearing_deg = match t.bearing_ref {
            Reference::True => t.bearing_deg,
            Reference::Relative => {
                let h = heading.ok_or(RadarError::NoHeading { sentence: SentenceKind::Ttm })?;
                (h + t.bearing_deg).rem_euclid(360.0)
            }
        };
        let range_m = t.range_m();
        let (sr, sb) = (self.cfg.sigma_range_m, self.cfg.sigma_bearing_deg);
        let position = match self.sensor_position(received_s) {
            Some(((lat, lon), sigma_own_m)) => {
                let (lat_deg, lon_deg) = destination(lat, lon, bearing_deg, range_m);
                let cov = polar_covariance_en(range_m, bearing_deg, sr, sb);
                Position::Geodetic { lat_deg, lon_deg, cov_en_m2: plus_isotropic(cov, sigma_own_m) }
            }
            None => {
                self.stats.polar_detections += 1;
                Position::Polar { bearing_deg, range_m, sigma_bearing_deg: sb, sigma_range_m: sr }
            }
        };
        let velocity = match (t.speed_kn(), t.course_deg, t.course_ref) {
            (Some(sog_kn), Some(cog_deg), Some(Reference::True)) => Some(Velocity { sog_kn, cog_deg }),
            (Some(rel_kn), Some(rel_deg), Some(Reference::Relative)) => {
                let own = Stamped::fresh(self.own.velocity, received_s, self.cfg.max_own_ship_age_s);
                match (heading, own) {
                    (Some(h), Some(own)) => Some(add_velocities(own, rel_kn, h + rel_deg)),
                    _ => None,
                }
            }
            _ => None,
        };
        Ok(Some(Detection {
            time_s: self.time(tag_time_s, t.utc_s, received_s),
            sensor: self.cfg.sensor.clone(),
            kind: SensorKind::Radar,
            position,
            velocity,
            identity: Identity {
                name: t.name.map(str::to_owned),
                target_number: Some(t.target_number),
                ..Identity::default()
            },
            length_m: None,
        }))
    }

    fn tll(&mut self, t: &Tll<'_>, tag_time_s: Option<f64>, received_s: f64) -> Result<Option<Detection>, RadarError> {
        if t.status == TargetStatus::Lost {
            self.stats.lost_targets += 1;
            return Ok(None);
        }
        // The radar computed this position from its own range and bearing, so its error has
        // the same shape as a TTM's; only without our own position do we fall back to a circle.
        let cov_en_m2 = match self.sensor_position(received_s) {
            Some((own, sigma_own_m)) => {
                let (range_m, bearing_deg) = range_bearing(own, (t.lat_deg, t.lon_deg));
                let cov = polar_covariance_en(range_m, bearing_deg, self.cfg.sigma_range_m, self.cfg.sigma_bearing_deg);
                plus_isotropic(cov, sigma_own_m)
            }
            None => plus_isotropic([[0.0; 2]; 2], self.cfg.tll_default_sigma_m),
        };
        Ok(Some(Detection {
            time_s: self.time(tag_time_s, t.utc_s, received_s),
            sensor: self.cfg.sensor.clone(),
            kind: SensorKind::Radar,
            position: Position::Geodetic { lat_deg: t.lat_deg, lon_deg: t.lon_deg, cov_en_m2 },
            velocity: None,
            identity: Identity {
                name: t.name.map(str::to_owned),
                target_number: Some(t.target_number),
                ..Identity::default()
            },
            length_m: None,
        }))
    }

    fn osd(&mut self, o: &Osd, received_s: f64) -> Result<Option<Detection>, RadarError> {
        let velocity = o.ground_velocity();
        if let Some(h) = o.heading_deg {
            self.own.heading_deg = Some(Stamped { value: h, received_s });
        }
        if let Some(v) = velocity {
            self.own.velocity = Some(Stamped { value: v, received_s });
        }
        if o.heading_deg.is_none() && velocity.is_none() {
            return Err(RadarError::NoOwnFix { sentence: SentenceKind::Osd });
        }
        self.own_updated()
    }

    fn gga(&mut self, g: &Gga, received_s: f64) -> Result<Option<Detection>, RadarError> {
        match g.position {
            Some(p) => {
                self.own.position = Some(Stamped { value: p, received_s });
                self.own_updated()
            }
            None => {
                // A receiver that says it lost the fix is believed at once; waiting for the old
                // position to age out would place targets from where the ship used to be.
                self.own.position = None;
                Err(RadarError::NoOwnFix { sentence: SentenceKind::Gga })
            }
        }
    }

    fn rmc(&mut self, r: &Rmc, received_s: f64) -> Result<Option<Detection>, RadarError> {
        if let (Some(days), Some(utc_s)) = (r.date_days, r.utc_s) {
            self.own.date = Some((days, utc_s));
        }
        match r.position {
            Some(p) => {
                self.own.position = Some(Stamped { value: p, received_s });
                if let Some(v) = r.velocity {
                    self.own.velocity = Some(Stamped { value: v, received_s });
                }
                self.own_updated()
            }
            None => {
                self.own.position = None;
                self.own.velocity = None;
                Err(RadarError::NoOwnFix { sentence: SentenceKind::Rmc })
            }
        }
    }
}

fn unsupported(formatter: &[u8]) -> RadarError {
    let mut f = [b' '; 3];
    f[3 - formatter.len().min(3)..].copy_from_slice(&formatter[formatter.len().saturating_sub(3)..]);
    RadarError::Unsupported(f)
}

/// Own ground velocity plus a relative-motion vector of `rel_kn` towards `rel_true_deg`.
fn add_velocities(own: Velocity, rel_kn: f64, rel_true_deg: f64) -> Velocity {
    let (so, co) = own.cog_deg.to_radians().sin_cos();
    let (sr, cr) = rel_true_deg.to_radians().sin_cos();
    let e = own.sog_kn * so + rel_kn * sr;
    let n = own.sog_kn * co + rel_kn * cr;
    Velocity { sog_kn: e.hypot(n), cog_deg: e.atan2(n).to_degrees().rem_euclid(360.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::nmea::checksum;
    use crate::ingest::radar::Units;

    /// Ka-Ho-ish surveyed mast.
    const MAST: (f64, f64) = (22.1234, 113.5712);
    /// A receive clock well after any sentence time, to tell the time sources apart.
    const NOW: f64 = 2_000_000_000.0;

    fn line(body: &str) -> String {
        format!("${body}*{:02X}", checksum(body.as_bytes()))
    }

    fn shore() -> RadarDecoder {
        RadarDecoder::new(RadarConfig {
            sensor: "radar-ka-ho".into(),
            fixed_position: Some(MAST),
            ..Default::default()
        })
    }

    fn push(d: &mut RadarDecoder, body: &str) -> Result<Option<Detection>, RadarError> {
        d.push_line_at(line(body).as_bytes(), NOW)
    }

    fn geodetic(det: &Detection) -> ((f64, f64), [[f64; 2]; 2]) {
        match det.position {
            Position::Geodetic { lat_deg, lon_deg, cov_en_m2 } => ((lat_deg, lon_deg), cov_en_m2),
            Position::Polar { .. } => panic!("expected geodetic: {det:?}"),
        }
    }

    fn assert_near_deg(a: f64, b: f64, tol: f64) {
        let d = (a - b).rem_euclid(360.0);
        assert!(d.min(360.0 - d) < tol, "{a} vs {b}");
    }

    mod ttm {
        use super::*;

        #[test]
        fn shore_radar_places_a_true_bearing_target_at_its_range() {
            let mut d = shore();
            let det = d
                .push_line_at(
                    b"\\c:1700000000*5F\\$RATTM,07,2.0,045.0,T,12.4,271.0,T,0.5,-3.4,N,PILOT,T,,104512.50,A",
                    NOW,
                )
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap();
            let (pos, cov) = geodetic(&det);
            let (r, b) = range_bearing(MAST, pos);
            assert!((r - 3704.0).abs() < 1e-3, "{r}");
            assert_near_deg(b, 45.0, 1e-9);
            assert_eq!(cov, polar_covariance_en(3704.0, 45.0, 30.0, 1.0), "fixed masts add no own-position error");
            assert_eq!(det.time_s, 1_700_000_000.0);
            assert_eq!(det.sensor, "radar-ka-ho");
            assert_eq!(det.velocity, Some(Velocity { sog_kn: 12.4, cog_deg: 271.0 }));
            assert_eq!(det.identity.target_number, Some(7));
            assert_eq!(det.identity.name.as_deref(), Some("PILOT"));
        }

        #[test]
        fn without_any_position_the_detection_stays_polar() {
            let mut d = RadarDecoder::new(RadarConfig::default());
            let det = push(&mut d, "RATTM,01,1.5,090.0,T,,,,,,K,,T,,,").unwrap().unwrap();
            assert_eq!(
                det.position,
                Position::Polar { bearing_deg: 90.0, range_m: 1500.0, sigma_bearing_deg: 1.0, sigma_range_m: 30.0 }
            );
            assert_eq!(det.velocity, None);
            assert_eq!(d.stats().polar_detections, 1);
        }

        #[test]
        fn ship_radar_adds_relative_bearing_to_heading_and_own_gnss_error() {
            let mut d = RadarDecoder::new(RadarConfig::default());
            push(&mut d, "GPGGA,104512.00,2211.4000,N,11333.0000,E,1,08,0.9,12.0,M,-3.0,M,,").unwrap();
            push(&mut d, "HEHDT,300.0,T").unwrap();
            let det = push(&mut d, "RATTM,02,1.0,090.0,R,,,,,,S,,T,,,").unwrap().unwrap();
            let (pos, cov) = geodetic(&det);
            let (r, b) = range_bearing((22.19, 113.55), pos);
            assert!((r - 1609.344).abs() < 1e-3, "statute mile: {r}");
            assert_near_deg(b, 30.0, 1e-9);
            let expect = plus_isotropic(polar_covariance_en(1609.344, 30.0, 30.0, 1.0), 5.0);
            for (row, exp_row) in cov.iter().zip(expect) {
                for (v, e) in row.iter().zip(exp_row) {
                    assert!((v - e).abs() < 1e-6, "{cov:?} vs {expect:?}");
                }
            }
            assert_eq!(d.stats().own_ship_updates, 2);
        }

        #[test]
        fn relative_bearing_without_heading_is_rejected_and_counted() {
            let mut d = shore();
            assert_eq!(
                push(&mut d, "RATTM,02,1.0,090.0,R,,,,,,N,,T,,,"),
                Err(RadarError::NoHeading { sentence: SentenceKind::Ttm })
            );
            assert_eq!(d.stats().no_heading, 1);
        }

        #[test]
        fn fixed_heading_turns_relative_bearings_true() {
            let mut d = RadarDecoder::new(RadarConfig {
                fixed_position: Some(MAST),
                fixed_heading_deg: Some(180.0),
                ..Default::default()
            });
            let det = push(&mut d, "RATTM,02,1.0,270.0,R,,,,,,N,,T,,,").unwrap().unwrap();
            assert_near_deg(range_bearing(MAST, geodetic(&det).0).1, 90.0, 1e-9);
        }

        #[test]
        fn lost_targets_give_nothing_and_are_counted() {
            let mut d = shore();
            assert_eq!(push(&mut d, "RATTM,03,1.0,010.0,T,,,,,,N,,L,,,"), Ok(None));
            assert_eq!(d.stats().lost_targets, 1);
            assert_eq!(d.stats().rejected(), 0);
        }

        #[test]
        fn relative_motion_plus_own_velocity_gives_true_velocity() {
            let mut d = RadarDecoder::new(RadarConfig::default());
            // Own ship heading and moving north at 10 kn.
            push(&mut d, "RAOSD,000.0,A,000.0,P,10.0,P,,,N").unwrap();
            // Target closing from ahead at 20 kn relative (relative course 180° from heading):
            // it moves south at 10 kn over ground.
            let det = push(&mut d, "RATTM,04,3.0,000.0,R,20.0,180.0,R,,,N,,T,,,").unwrap().unwrap();
            let v = det.velocity.unwrap();
            assert!((v.sog_kn - 10.0).abs() < 1e-9);
            assert_near_deg(v.cog_deg, 180.0, 1e-9);
        }

        #[test]
        fn relative_motion_without_own_velocity_gives_no_velocity() {
            let mut d = RadarDecoder::new(RadarConfig { fixed_heading_deg: Some(0.0), ..Default::default() });
            let det = push(&mut d, "RATTM,04,3.0,000.0,R,20.0,180.0,R,,,N,,T,,,").unwrap().unwrap();
            assert_eq!(det.velocity, None);
        }

        #[test]
        fn kilometre_speeds_become_knots() {
            let mut d = shore();
            let det = push(&mut d, "RATTM,05,1.0,000.0,T,18.52,090.0,T,,,K,,T,,,").unwrap().unwrap();
            assert!((det.velocity.unwrap().sog_kn - 10.0).abs() < 1e-9);
            assert_eq!(Units::Kilometres.metres(), 1000.0);
        }
    }

    mod time {
        use super::*;

        #[test]
        fn sentence_utc_uses_the_last_rmc_date() {
            let mut d = shore();
            let _ = push(&mut d, "GPRMC,235950.00,V,,,,,,,141123,,,N");
            let det = push(&mut d, "RATTM,01,1.0,000.0,T,,,,,,N,,T,,000010.00,A").unwrap().unwrap();
            // 2023-11-15T00:00:10Z: the target is just past midnight.
            assert_eq!(det.time_s, 1_700_006_410.0);
        }

        #[test]
        fn without_tag_or_date_the_receive_clock_is_used() {
            let mut d = shore();
            let det = push(&mut d, "RATTM,01,1.0,000.0,T,,,,,,N,,T,,104512.50,A").unwrap().unwrap();
            assert_eq!(det.time_s, NOW);
        }

        #[test]
        fn a_stale_own_position_is_not_used() {
            let mut d = RadarDecoder::new(RadarConfig::default());
            let gga = line("GPGGA,104512.00,2211.4000,N,11333.0000,E,1,08,0.9,12.0,M,-3.0,M,,");
            d.push_line_at(gga.as_bytes(), NOW).unwrap();
            let ttm = line("RATTM,01,1.0,000.0,T,,,,,,N,,T,,,");
            let fresh = d.push_line_at(ttm.as_bytes(), NOW + 10.0).unwrap().unwrap();
            assert!(matches!(fresh.position, Position::Geodetic { .. }));
            let stale = d.push_line_at(ttm.as_bytes(), NOW + 10.5).unwrap().unwrap();
            assert!(matches!(stale.position, Position::Polar { .. }));
        }
    }

    mod tll {
        use super::*;

        #[test]
        fn covariance_has_the_radar_shape_when_own_position_is_known() {
            let mut d = shore();
            let target = destination(MAST.0, MAST.1, 90.0, 10_000.0);
            let t = Tll {
                target_number: 9,
                lat_deg: target.0,
                lon_deg: target.1,
                name: None,
                utc_s: None,
                status: TargetStatus::Tracking,
                reference_target: false,
            };
            let det = d.push_line_at(t.to_sentence("RA").as_bytes(), NOW).unwrap().unwrap();
            let (_, cov) = geodetic(&det);
            // Due east: range error east–west (30 m), bearing error north–south (~175 m).
            assert!((cov[0][0] - 900.0).abs() < 1.0, "{cov:?}");
            assert!((cov[1][1].sqrt() - 10_000.0 * 1f64.to_radians()).abs() < 0.5, "{cov:?}");
            assert_eq!(det.velocity, None);
            assert_eq!(det.identity.target_number, Some(9));
        }

        #[test]
        fn without_own_position_the_default_circle_is_used() {
            let mut d = RadarDecoder::new(RadarConfig::default());
            let det = push(&mut d, "RATLL,03,2211.4000,N,11333.0000,E,FERRY,104512.50,T,").unwrap().unwrap();
            assert_eq!(geodetic(&det).1, [[2500.0, 0.0], [0.0, 2500.0]]);
            assert_eq!(det.identity.name.as_deref(), Some("FERRY"));
        }

        #[test]
        fn lost_tll_gives_nothing() {
            let mut d = shore();
            assert_eq!(push(&mut d, "RATLL,04,2211.4000,N,11333.0000,E,,,L,"), Ok(None));
        }
    }

    mod own_ship {
        use super::*;

        #[test]
        fn void_fixes_clear_the_position_and_are_counted() {
            let mut d = RadarDecoder::new(RadarConfig::default());
            push(&mut d, "GPRMC,104512.00,A,2211.4000,N,11333.0000,E,11.8,092.5,141123,,,A").unwrap();
            assert!(d.own_ship().position.is_some() && d.own_ship().velocity.is_some());
            assert_eq!(
                push(&mut d, "GPGGA,104513.00,,,,,0,00,,,,,,,"),
                Err(RadarError::NoOwnFix { sentence: SentenceKind::Gga })
            );
            assert_eq!(d.own_ship().position, None);
            assert_eq!(d.own_ship().date, Some((19_675, 38_712.0)));
            assert_eq!(d.stats().no_own_fix, 1);
        }
    }

    mod rejections {
        use super::*;

        #[test]
        fn checksum_framing_unsupported_and_bad_fields_are_counted_apart() {
            let mut d = shore();
            let _ = d.push_line_at(b"$RATTM,01,1.0,000.0,T,,,,,,N,,T,,,*00", NOW);
            let _ = d.push_line_at(b"garbage", NOW);
            let _ = d.push_line_at(b"!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C", NOW);
            let _ = push(&mut d, "PGRMC,1,2");
            let _ = push(&mut d, "GPVTG,1,T");
            let _ = push(&mut d, "RATTM,xx,1.0,000.0,T,,,,,,N,,T,,,");
            let s = d.stats();
            assert_eq!((s.checksum, s.framing, s.unsupported, s.bad_field), (1, 1, 3, 1));
            assert_eq!(s.rejected(), 6);
            assert_eq!(s.detections, 0);
        }

        #[test]
        fn unsupported_names_the_formatter() {
            let mut d = shore();
            assert_eq!(push(&mut d, "GPVTG,1,T"), Err(RadarError::Unsupported(*b"VTG")));
            assert_eq!(RadarError::Unsupported(*b"VTG").to_string(), "unsupported sentence formatter VTG");
        }

        #[test]
        fn a_required_checksum_rejects_bare_sentences() {
            let mut d = RadarDecoder::new(RadarConfig { require_checksum: true, ..Default::default() });
            assert_eq!(d.push_line_at(b"$HEHDT,1.0,T", NOW), Err(RadarError::MissingChecksum));
            assert_eq!(d.stats().checksum, 1);
        }
    }

    #[test]
    fn absurd_ranges_and_a_nan_mast_do_not_panic() {
        let _ = push(&mut shore(), "RATTM,01,999999999999,359.9,T,,,,,,N,,T,,,");
        let mut nan = RadarDecoder::new(RadarConfig { fixed_position: Some((f64::NAN, 400.0)), ..Default::default() });
        let _ = push(&mut nan, "RATTM,01,1.0,10.0,T,,,,,,N,,T,,,");
        let _ = push(&mut nan, "RATLL,03,2211.4000,N,11333.0000,E,,,T,");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let mut d = shore();
            let _ = d.push_line_at(&bytes, NOW);
        }

        #[test]
        fn checksummed_field_soup_never_panics(
            formatter in proptest::sample::select(vec!["TTM", "TLL", "OSD", "GGA", "RMC", "HDT"]),
            fields in proptest::collection::vec("[0-9A-Z.+-]{0,12}", 0..18),
        ) {
            // Both with and without a position, so the geodesic conversion sees the soup too.
            for mut d in [RadarDecoder::new(RadarConfig::default()), shore()] {
                let _ = push(&mut d, "HEHDT,10.0,T");
                let _ = push(&mut d, &format!("RA{formatter},{}", fields.join(",")));
            }
        }

        #[test]
        fn a_ttm_round_trips_to_a_position_at_its_range_and_bearing(
            lat in -70.0f64..70.0,
            lon in -180.0f64..180.0,
            range_m in 1.0f64..100_000.0,
            bearing_deg in 0.0f64..360.0,
            units in proptest::sample::select(vec![Units::NauticalMiles, Units::Kilometres, Units::StatuteMiles]),
        ) {
            let mut d = RadarDecoder::new(RadarConfig { fixed_position: Some((lat, lon)), ..Default::default() });
            let ttm = Ttm {
                target_number: 1,
                distance: range_m / units.metres(),
                bearing_deg,
                bearing_ref: Reference::True,
                speed: None,
                course_deg: None,
                course_ref: None,
                cpa: None,
                tcpa_min: None,
                units,
                name: None,
                status: TargetStatus::Tracking,
                reference_target: false,
                utc_s: None,
                acquisition: None,
            };
            let det = d.push_line_at(ttm.to_sentence("RA").as_bytes(), NOW).unwrap().unwrap();
            let (pos, _) = geodetic(&det);
            let (r, b) = range_bearing((lat, lon), pos);
            proptest::prop_assert!((r - range_m).abs() < 1.0, "range {} vs {}", r, range_m);
            let db = (b - bearing_deg).rem_euclid(360.0);
            let cross_m = db.min(360.0 - db).to_radians() * range_m;
            proptest::prop_assert!(cross_m < 1.0, "bearing {} vs {}", b, bearing_deg);
        }
    }
}
