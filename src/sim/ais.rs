//! The AIS sensor model: when each transponder reports (ITU-R M.1371 rates), what it claims
//! (GNSS noise, spoofing), what the shore receivers lose (slot collisions), and the NMEA lines.
//!
//! # References
//! ITU-R M.1371-5 Annex 1 §4.3.2, Table 1 (Class A reporting intervals) and Table 2 (Class B
//! "CS"); the message layouts are in [`super::ais_encode`].

use rand::Rng;
use rand_distr::StandardNormal;
use rand_pcg::Pcg64;

use super::ais_encode::{self, Dimensions, PositionA, PositionB, StaticA, StaticB};
use super::record::{AisClaim, Measurement};
use crate::coast::Plane;
use crate::geodesy::LatLon;

/// Transponder class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AisClass {
    /// SOLAS ships and ferries: message 1 at speed-dependent rates, message 5 static data.
    A,
    /// Small craft, carrier-sense: message 18 every 30 s (3 min when slow), message 24.
    B,
}

/// A transponder that lies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spoof {
    /// Reports its position shifted by this much (east, north), metres.
    Offset {
        /// East shift, metres.
        east_m: f64,
        /// North shift, metres.
        north_m: f64,
    },
    /// Transmits another vessel's MMSI.
    Mmsi(u32),
}

/// A vessel's AIS fit.
#[derive(Debug, Clone, PartialEq)]
pub struct AisFit {
    /// Class A or B.
    pub class: AisClass,
    /// Its own MMSI.
    pub mmsi: u32,
    /// Name for static reports.
    pub name: String,
    /// Ship and cargo type code for static reports.
    pub shiptype: u8,
    /// Lying, if at all.
    pub spoof: Option<Spoof>,
}

/// Class A report interval, seconds (ITU-R M.1371-5 Table 1). "Changing course" is a rate of
/// turn of at least [`TURNING_DEG_S`].
///
/// | state | interval |
/// |---|---|
/// | at anchor or moored, ≤ 3 kn | 3 min |
/// | at anchor or moored, > 3 kn | 10 s |
/// | 0–14 kn | 10 s; 3⅓ s changing course |
/// | 14–23 kn | 6 s; 2 s changing course |
/// | > 23 kn | 2 s |
pub fn class_a_interval_s(sog_kn: f64, turning: bool, anchored: bool) -> f64 {
    if anchored {
        return if sog_kn <= 3.0 { 180.0 } else { 10.0 };
    }
    match (sog_kn, turning) {
        (s, false) if s <= 14.0 => 10.0,
        (s, true) if s <= 14.0 => 10.0 / 3.0,
        (s, false) if s <= 23.0 => 6.0,
        (s, true) if s <= 23.0 => 2.0,
        _ => 2.0,
    }
}

/// Class B "CS" report interval, seconds (ITU-R M.1371-5 Table 2): 30 s above 2 kn, 3 min at
/// or below.
pub fn class_b_interval_s(sog_kn: f64) -> f64 {
    if sog_kn > 2.0 { 30.0 } else { 180.0 }
}

/// Rate of turn counted as "changing course" for the Class A rates, degrees per second.
pub const TURNING_DEG_S: f64 = 0.5;
/// Static and voyage data interval, seconds (6 min, both classes).
pub const STATIC_INTERVAL_S: f64 = 360.0;

/// Per-vessel reporting schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Schedule {
    last_pos_s: Option<f64>,
    next_pos_s: f64,
    next_static_s: f64,
}

impl Schedule {
    /// A schedule whose first reports fall at random within their first interval, so a fleet
    /// does not report in lockstep.
    pub(crate) fn new(rng: &mut Pcg64, start_s: f64) -> Self {
        Schedule { last_pos_s: None, next_pos_s: start_s + rng.random::<f64>() * 2.0, next_static_s: start_s + rng.random::<f64>() * 30.0 }
    }
}

/// What the model needs to know about a transmitting vessel at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AisState {
    pub(crate) xy: [f64; 2],
    pub(crate) sog_kn: f64,
    pub(crate) cog_deg: f64,
    pub(crate) heading_deg: f64,
    pub(crate) turn_deg_s: f64,
    pub(crate) nav_status: u8,
}

/// The shore AIS network: every site has a receiver; each report is heard by the nearest.
#[derive(Debug)]
pub struct AisNetwork {
    rng: Pcg64,
    /// Probability a report is lost (slot collision, fading).
    pub drop_p: f64,
    /// GNSS position noise per axis, metres.
    pub gnss_sigma_m: f64,
    receivers: Vec<(String, [f64; 2])>,
    channel_b: bool,
    seq: u8,
    group: u32,
}

impl AisNetwork {
    /// A network with receivers at `receivers` (site id, plane position).
    pub fn new(rng: Pcg64, drop_p: f64, receivers: Vec<(String, [f64; 2])>) -> Self {
        AisNetwork { rng, drop_p, gnss_sigma_m: 3.0, receivers, channel_b: false, seq: 0, group: 0 }
    }

    fn receiver(&self, xy: [f64; 2]) -> &str {
        self.receivers
            .iter()
            .min_by(|a, b| {
                let da = (a.1[0] - xy[0]).hypot(a.1[1] - xy[1]);
                let db = (b.1[0] - xy[0]).hypot(b.1[1] - xy[1]);
                da.total_cmp(&db)
            })
            .map_or("ais", |r| r.0.as_str())
    }

    fn channel(&mut self) -> char {
        self.channel_b = !self.channel_b;
        if self.channel_b { 'B' } else { 'A' }
    }

    /// Run one simulation step `[t_s, t_s + dt_s)` for one vessel: emit the position report
    /// (as a measurement and NMEA) and static data that fall due. `vessel` is the truth index.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn step(
        &mut self,
        fit: &AisFit,
        sched: &mut Schedule,
        s: AisState,
        vel: [f64; 2],
        vessel: usize,
        t_s: f64,
        dt_s: f64,
        start_epoch_s: f64,
        plane: &Plane,
        sensor: usize,
        meas: &mut Vec<Measurement>,
        nmea: &mut Vec<(f64, String)>,
    ) {
        let turning = s.turn_deg_s.abs() >= TURNING_DEG_S;
        let interval = match fit.class {
            AisClass::A => class_a_interval_s(s.sog_kn, turning, s.nav_status == 1 || s.nav_status == 5),
            AisClass::B => class_b_interval_s(s.sog_kn),
        };
        // A change of state shortens the wait at once (SOTDMA re-reserves slots).
        if let Some(last) = sched.last_pos_s {
            sched.next_pos_s = sched.next_pos_s.min(last + interval).max(t_s);
        }
        let mmsi = match fit.spoof {
            Some(Spoof::Mmsi(m)) => m,
            _ => fit.mmsi,
        };
        if sched.next_pos_s < t_s + dt_s {
            let te = sched.next_pos_s;
            sched.last_pos_s = Some(te);
            sched.next_pos_s = te + interval;
            let lost = self.rng.random::<f64>() < self.drop_p;
            let ne = self.gnss_sigma_m * self.rng.sample::<f64, _>(StandardNormal);
            let nn = self.gnss_sigma_m * self.rng.sample::<f64, _>(StandardNormal);
            if !lost {
                let true_xy = [s.xy[0] + vel[0] * (te - t_s), s.xy[1] + vel[1] * (te - t_s)];
                let mut xy = [true_xy[0] + ne, true_xy[1] + nn];
                if let Some(Spoof::Offset { east_m, north_m }) = fit.spoof {
                    xy = [xy[0] + east_m, xy[1] + north_m];
                }
                let p = plane.to_latlon(xy);
                let unix = (start_epoch_s + te).floor();
                let second = (unix as u64 % 60) as u8;
                let heading = Some(s.heading_deg.round() as u16 % 360);
                let payload = match fit.class {
                    AisClass::A => PositionA {
                        mmsi,
                        status: s.nav_status,
                        rot_deg_per_min: Some(s.turn_deg_s * 60.0),
                        sog_kn: Some(s.sog_kn),
                        accurate: true,
                        lat: p.lat_deg,
                        lon: p.lon_deg,
                        cog_deg: Some(s.cog_deg),
                        heading_deg: heading,
                        second,
                    }
                    .encode(),
                    AisClass::B => PositionB {
                        mmsi,
                        sog_kn: Some(s.sog_kn),
                        accurate: false,
                        lat: p.lat_deg,
                        lon: p.lon_deg,
                        cog_deg: Some(s.cog_deg),
                        heading_deg: heading,
                        second,
                    }
                    .encode(),
                };
                // The measurement carries exactly what a decoder reads back.
                let q = |v: f64| f64::from(ais_encode::latlon_raw(v)) / 600_000.0;
                meas.push(Measurement {
                    t_s: te,
                    sensor,
                    scan_only: false,
                    lat: q(p.lat_deg),
                    lon: q(p.lon_deg),
                    sigma_m: if fit.class == AisClass::A { 10.0 } else { 15.0 },
                    polar: None,
                    ais: Some(AisClaim {
                        mmsi,
                        sog_kn: f64::from(ais_encode::sog_raw(Some(s.sog_kn))) / 10.0,
                        cog_deg: f64::from(ais_encode::cog_raw(Some(s.cog_deg))) / 10.0,
                    }),
                    source: Some(vessel),
                    truth: Some(plane.to_latlon(true_xy)),
                });
                let rx = self.receiver(s.xy).to_owned();
                let ch = self.channel();
                self.push_nmea(nmea, te, &rx, unix as u64, ch, &[payload]);
            }
        }
        if sched.next_static_s < t_s + dt_s {
            let te = sched.next_static_s;
            sched.next_static_s = te + STATIC_INTERVAL_S;
            if self.rng.random::<f64>() >= self.drop_p {
                let unix = (start_epoch_s + te).floor() as u64;
                let dims = Dimensions { to_bow_m: 10, to_stern_m: 5, to_port_m: 2, to_starboard_m: 2 };
                let callsign = format!("S{}", mmsi % 100_000);
                let payloads = match fit.class {
                    AisClass::A => vec![
                        StaticA {
                            mmsi,
                            imo: 0,
                            callsign,
                            shipname: fit.name.clone(),
                            shiptype: fit.shiptype,
                            dims,
                            draught_m: 3.0,
                            destination: "MACAU".into(),
                        }
                        .encode(),
                    ],
                    AisClass::B => {
                        let m = StaticB { mmsi, shipname: fit.name.clone(), shiptype: fit.shiptype, vendor: "SWD".into(), callsign, dims };
                        vec![m.encode_part_a(), m.encode_part_b()]
                    }
                };
                let rx = self.receiver(s.xy).to_owned();
                let ch = self.channel();
                self.push_nmea(nmea, te, &rx, unix, ch, &payloads);
            }
        }
    }

    fn push_nmea(&mut self, nmea: &mut Vec<(f64, String)>, te: f64, rx: &str, unix: u64, ch: char, payloads: &[ais_encode::BitWriter]) {
        for p in payloads {
            let seq = self.seq;
            let lines = ais_encode::vdm_sentences(p, ch, seq);
            if lines.len() > 1 {
                self.seq = (self.seq + 1) % 10;
                self.group = self.group % 9999 + 1;
                let n = lines.len();
                for (i, l) in lines.iter().enumerate() {
                    nmea.push((te, ais_encode::with_tag_block(l, rx, unix, Some((i + 1, n, self.group)))));
                }
            } else {
                for l in &lines {
                    nmea.push((te, ais_encode::with_tag_block(l, rx, unix, None)));
                }
            }
        }
    }
}

/// A position as the AIS would encode it, for tests.
pub fn quantise(p: LatLon) -> LatLon {
    let q = |v: f64| f64::from(ais_encode::latlon_raw(v)) / 600_000.0;
    LatLon::new(q(p.lat_deg), q(p.lon_deg))
}

#[cfg(test)]
mod tests {
    use super::*;

    mod class_a_interval_s {
        use super::*;

        #[test]
        fn follows_itu_table_1() {
            assert_eq!(class_a_interval_s(0.0, false, true), 180.0);
            assert_eq!(class_a_interval_s(5.0, false, true), 10.0);
            assert_eq!(class_a_interval_s(10.0, false, false), 10.0);
            assert!((class_a_interval_s(10.0, true, false) - 10.0 / 3.0).abs() < 1e-12);
            assert_eq!(class_a_interval_s(18.0, false, false), 6.0);
            assert_eq!(class_a_interval_s(18.0, true, false), 2.0);
            assert_eq!(class_a_interval_s(30.0, false, false), 2.0);
        }
    }

    mod class_b_interval_s {
        use super::*;

        #[test]
        fn thirty_seconds_moving_three_minutes_slow() {
            assert_eq!(class_b_interval_s(6.0), 30.0);
            assert_eq!(class_b_interval_s(1.0), 180.0);
        }
    }
}
