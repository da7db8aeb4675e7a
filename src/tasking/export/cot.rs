//! Cursor-on-Target events for ATAK/WinTAK teams: the target track (`a-u-S`, unknown surface
//! vessel, with course and speed), one route waypoint event per waypoint (`b-m-p-w`) and the
//! route itself (`b-m-r`, linking the waypoints in order). One `<event>` per line, the framing a
//! TAK server stream and `nc` both carry.
//!
//! # References
//! MITRE "Cursor-on-Target Message Router User's Guide" and the CoT base schema (event 2.0:
//! `uid`, `type`, `time`, `start`, `stale`, `how`, `point lat lon hae ce le`); ATAK route
//! conventions (`b-m-r` with `link` children of type `b-m-p-w`).

use std::io;

use quick_xml::events::BytesText;
use quick_xml::Writer;

use super::{iso8601_utc, ExportError, MissionWriter};
use crate::geodesy::LatLon;
use crate::tasking::mission::Mission;

/// Writes Cursor-on-Target events.
#[derive(Debug, Clone, PartialEq)]
pub struct Cot {
    /// Prefix of every event uid, so several consoles never collide.
    pub uid_prefix: String,
    /// How long the mission events stay valid on the TAK map, seconds.
    pub stale_s: f64,
    /// How long the target event stays valid, seconds (a track goes stale quickly).
    pub track_stale_s: f64,
}

impl Default for Cot {
    fn default() -> Self {
        Cot { uid_prefix: "seawarden".into(), stale_s: 3600.0, track_stale_s: 300.0 }
    }
}

/// A uid-safe version of a name: letters, digits, `-` and `_` only.
fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

struct Ev<'a> {
    uid: String,
    kind: &'a str,
    how: &'a str,
    time_s: f64,
    stale_s: f64,
    at: LatLon,
    hae_m: f64,
}

fn event<F>(out: &mut dyn io::Write, e: &Ev<'_>, detail: F) -> io::Result<()>
where
    F: FnOnce(&mut Writer<&mut dyn io::Write>) -> io::Result<()>,
{
    let mut w = Writer::new(out);
    let (time, stale) = (iso8601_utc(e.time_s), iso8601_utc(e.time_s + e.stale_s));
    w.create_element("event")
        .with_attributes([
            ("version", "2.0"),
            ("uid", e.uid.as_str()),
            ("type", e.kind),
            ("how", e.how),
            ("time", time.as_str()),
            ("start", time.as_str()),
            ("stale", stale.as_str()),
        ])
        .write_inner_content(|w| {
            let (lat, lon, hae) =
                (format!("{:.7}", e.at.lat_deg), format!("{:.7}", e.at.lon_deg), format!("{:.1}", e.hae_m));
            // ce/le: circular and linear 1-σ error, metres; 9999999 = unknown.
            w.create_element("point")
                .with_attributes([
                    ("lat", lat.as_str()),
                    ("lon", lon.as_str()),
                    ("hae", hae.as_str()),
                    ("ce", "9999999"),
                    ("le", "9999999"),
                ])
                .write_empty()?;
            w.create_element("detail").write_inner_content(detail)?;
            Ok(())
        })?;
    w.into_inner().write_all(b"\n")
}

fn contact(w: &mut Writer<&mut dyn io::Write>, callsign: &str) -> io::Result<()> {
    w.create_element("contact").with_attribute(("callsign", callsign)).write_empty()?;
    Ok(())
}

impl MissionWriter for Cot {
    fn write(&self, m: &Mission, out: &mut dyn io::Write) -> Result<(), ExportError> {
        let base = format!("{}.{}", self.uid_prefix, slug(&m.name));
        if let Some(t) = &m.target {
            let id = t.track_id.clone().unwrap_or_else(|| "datum".into());
            let ev = Ev {
                uid: format!("{}.track.{}", self.uid_prefix, slug(&id)),
                kind: if t.track_id.is_some() { "a-u-S" } else { "b-m-p-s-p-i" },
                how: if t.track_id.is_some() { "m-f" } else { "h-e" },
                time_s: if t.time_s > 0.0 { t.time_s } else { m.created_s },
                stale_s: self.track_stale_s,
                at: t.position,
                hae_m: 0.0,
            };
            event(out, &ev, |w| {
                contact(w, &t.track_id.as_deref().map_or("Datum".to_string(), |i| format!("Track {i}")))?;
                // CoT track: course degrees true, speed metres per second.
                let (course, speed) = (format!("{:.1}", t.cog_deg), format!("{:.2}", t.sog_mps));
                w.create_element("track").with_attributes([("course", course.as_str()), ("speed", speed.as_str())]).write_empty()?;
                w.create_element("remarks").write_text_content(BytesText::new(&format!("target of mission {}", m.name)))?;
                Ok(())
            })?;
        }
        let wp_uid = |i: usize| format!("{base}.wp{}", i + 1);
        for (i, x) in m.waypoints.iter().enumerate() {
            let ev = Ev {
                uid: wp_uid(i),
                kind: "b-m-p-w",
                how: "h-e",
                time_s: m.created_s,
                stale_s: self.stale_s,
                at: x.position,
                hae_m: x.alt_m,
            };
            event(out, &ev, |w| {
                contact(w, &format!("WP {}", i + 1))?;
                w.create_element("link")
                    .with_attributes([("uid", base.as_str()), ("type", "b-m-r"), ("relation", "p-p")])
                    .write_empty()?;
                Ok(())
            })?;
        }
        let ev = Ev {
            uid: format!("{base}.route"),
            kind: "b-m-r",
            how: "h-e",
            time_s: m.created_s,
            stale_s: self.stale_s,
            at: m.launch,
            hae_m: 0.0,
        };
        event(out, &ev, |w| {
            contact(w, &m.name)?;
            w.create_element("link_attr")
                .with_attributes([
                    ("method", "Flying"),
                    ("direction", "Infil"),
                    ("routetype", "Primary"),
                    ("order", "Ascending Check Points"),
                    ("prefix", "WP"),
                ])
                .write_empty()?;
            for (i, x) in m.waypoints.iter().enumerate() {
                let point = format!("{:.7},{:.7},{:.1}", x.position.lat_deg, x.position.lon_deg, x.alt_m);
                let (uid, cs) = (wp_uid(i), format!("WP {}", i + 1));
                w.create_element("link")
                    .with_attributes([
                        ("uid", uid.as_str()),
                        ("type", "b-m-p-w"),
                        ("callsign", cs.as_str()),
                        ("point", point.as_str()),
                        ("relation", "c"),
                    ])
                    .write_empty()?;
            }
            w.create_element("remarks")
                .write_text_content(BytesText::new(&format!("Seawarden {} mission, {:.1} m/s", m.pattern, m.speed_mps)))?;
            Ok(())
        })?;
        Ok(())
    }

    fn extension(&self) -> &'static str {
        "cot"
    }
}
