//! The records a simulation produces, as values: measurement lines (the tracker batch
//! contract), truth lines, episodes and raw NMEA, and how each is written as one JSON line.

use std::fmt::Write as _;

use crate::detection::SensorKind;

/// A sensor's identity in the output: `radar-<site>`, `ir-<site>` or `ais`.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorInfo {
    /// The `sensor` value of measurement lines.
    pub name: String,
    /// Sensor family.
    pub kind: SensorKind,
    /// Index of its site in [`World::sites`](super::World), `None` for the AIS network.
    pub site: Option<usize>,
}

/// Polar form of a radar or IR measurement, for trackers that want it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Polar {
    /// Measured range, metres.
    pub range_m: f64,
    /// Measured true bearing, degrees.
    pub bearing_deg: f64,
    /// 1-σ range error, metres.
    pub sigma_range_m: f64,
    /// 1-σ bearing error, degrees.
    pub sigma_bearing_deg: f64,
}

/// What an AIS report claims (as a decoder reads it back from the NMEA).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AisClaim {
    /// The MMSI transmitted (a spoofer's may not be its own).
    pub mmsi: u32,
    /// SOG, knots (0.1 kn resolution).
    pub sog_kn: f64,
    /// COG, degrees (0.1° resolution).
    pub cog_deg: f64,
}

/// One line of measurements.jsonl: a detection, or the marker of an empty scan.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Seconds since the start of the scenario (the line's `time` adds the start epoch).
    pub t_s: f64,
    /// Index into the run's sensor table.
    pub sensor: usize,
    /// True for `{"scan_only": true}` lines (no position).
    pub scan_only: bool,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Conservative circular 1-σ error, metres.
    pub sigma_m: f64,
    /// Radar/IR polar form.
    pub polar: Option<Polar>,
    /// AIS claims.
    pub ais: Option<AisClaim>,
    /// Which truth vessel caused it (`None`: clutter or scan marker). Never written to the
    /// measurement file; kept in memory for tests and scoring.
    pub source: Option<usize>,
    /// Where that vessel truly was at `t_s` (not written either).
    pub truth: Option<crate::geodesy::LatLon>,
}

/// Round to `d` decimals, so lines stay short and stable.
#[inline]
pub(crate) fn round(v: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (v * k).round() / k
}

/// Round up to `d` decimals (ignoring float noise below 1e-6 of the last digit), for error
/// sizes: a written 1-σ must never be smaller than the one the noise was drawn with, nor than
/// `range_m × sigma_bearing` computed from the (rounded) written range.
#[inline]
pub(crate) fn round_up(v: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (v * k - 1e-6).ceil() / k
}

/// Time as written: start epoch plus offset, to the millisecond.
#[inline]
pub(crate) fn epoch_time(start_epoch_s: f64, t_s: f64) -> f64 {
    start_epoch_s + round(t_s, 3)
}

impl Measurement {
    /// Append this measurement as one JSON line (with `\n`).
    ///
    /// Keys: `time`, `sensor`, then either `scan_only: true`, or `lat`, `lon`, `sigma_m`,
    /// `kind`, and for radar/IR `range_m`, `bearing_deg`, `sigma_range_m`,
    /// `sigma_bearing_deg`, `site`; for AIS `mmsi`, `sog_kn`, `cog_deg`.
    pub fn write_json(&self, out: &mut String, start_epoch_s: f64, sensors: &[SensorInfo], site_ids: &[String]) {
        let s = &sensors[self.sensor];
        let time = epoch_time(start_epoch_s, self.t_s);
        if self.scan_only {
            let _ = writeln!(out, r#"{{"time":{time},"sensor":"{}","scan_only":true}}"#, s.name);
            return;
        }
        let kind = match s.kind {
            SensorKind::Ais => "ais",
            SensorKind::Radar => "radar",
            SensorKind::Ir => "ir",
        };
        let _ = write!(
            out,
            r#"{{"time":{time},"sensor":"{}","lat":{},"lon":{},"sigma_m":{},"kind":"{kind}""#,
            s.name,
            round(self.lat, 7),
            round(self.lon, 7),
            round_up(self.sigma_m, 1)
        );
        if let Some(p) = self.polar {
            let _ = write!(
                out,
                r#","range_m":{},"bearing_deg":{},"sigma_range_m":{},"sigma_bearing_deg":{}"#,
                round(p.range_m, 1),
                round(p.bearing_deg, 2),
                round(p.sigma_range_m, 1),
                p.sigma_bearing_deg
            );
            if let Some(site) = s.site {
                let _ = write!(out, r#","site":"{}""#, site_ids[site]);
            }
        }
        if let Some(a) = self.ais {
            let _ =
                write!(out, r#","mmsi":{},"sog_kn":{},"cog_deg":{}"#, a.mmsi, round(a.sog_kn, 1), round(a.cog_deg, 1));
        }
        out.push_str("}\n");
    }
}

/// One line of truth.jsonl: where a vessel really is, each second.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthRecord {
    /// Seconds since the scenario start.
    pub t_s: f64,
    /// Vessel index (`"id": "v<index>"`).
    pub vessel: usize,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog_kn: f64,
    /// Course over ground, degrees true.
    pub cog_deg: f64,
    /// Vessel class (`ferry`, `cargo`, `fishing`, `pleasure`, `fast_craft`).
    pub class: &'static str,
    /// Whether its AIS transponder is transmitting.
    pub ais: bool,
    /// Its own MMSI, if it has a transponder.
    pub mmsi: Option<u32>,
    /// Current behaviour label.
    pub behaviour: &'static str,
}

impl TruthRecord {
    /// Append as one JSON line: `{"time","id","lat","lon","sog_kn","cog_deg","class","ais",
    /// "mmsi"?,"behaviour"}`.
    pub fn write_json(&self, out: &mut String, start_epoch_s: f64) {
        let _ = write!(
            out,
            r#"{{"time":{},"id":"v{}","lat":{},"lon":{},"sog_kn":{},"cog_deg":{},"class":"{}","ais":{}"#,
            epoch_time(start_epoch_s, self.t_s),
            self.vessel,
            round(self.lat, 7),
            round(self.lon, 7),
            round(self.sog_kn, 2),
            round(self.cog_deg, 2),
            self.class,
            self.ais
        );
        if let Some(m) = self.mmsi {
            let _ = write!(out, r#","mmsi":{m}"#);
        }
        let _ = writeln!(out, r#","behaviour":"{}"}}"#, self.behaviour);
    }
}

/// A labelled stretch of behaviour (episodes.jsonl), for scoring the anomaly rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// Vessel index.
    pub vessel: usize,
    /// Behaviour label.
    pub behaviour: &'static str,
    /// Start, seconds since the scenario start.
    pub start_s: f64,
    /// End, seconds since the scenario start (the scenario end if still going).
    pub end_s: f64,
    /// Hotspot or area id.
    pub zone: Option<String>,
    /// Other vessel involved (rendezvous partner), as its index.
    pub partner: Option<String>,
    /// Free text (e.g. what a spoofer transmits).
    pub detail: Option<String>,
}

impl Episode {
    /// Append as one JSON line: `{"vessel","behaviour","start","end","zone"?,"partner"?,
    /// "detail"?}` with epoch times.
    pub fn write_json(&self, out: &mut String, start_epoch_s: f64) {
        let _ = write!(
            out,
            r#"{{"vessel":"v{}","behaviour":"{}","start":{},"end":{}"#,
            self.vessel,
            self.behaviour,
            epoch_time(start_epoch_s, self.start_s),
            epoch_time(start_epoch_s, self.end_s)
        );
        if let Some(z) = &self.zone {
            let _ = write!(out, r#","zone":"{}""#, json_escape(z));
        }
        if let Some(p) = &self.partner {
            let _ = write!(out, r#","partner":"{}""#, json_escape(p));
        }
        if let Some(d) = &self.detail {
            let _ = write!(out, r#","detail":"{}""#, json_escape(d));
        }
        out.push_str("}\n");
    }
}

fn json_escape(s: &str) -> String {
    serde_json::to_string(s).map(|q| q[1..q.len() - 1].to_owned()).unwrap_or_default()
}
