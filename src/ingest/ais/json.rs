//! gpsd-compatible JSON: one object per message, with `gpsdecode -s` field names, scaling and
//! number formats, so downstream tools written for gpsd read Seawarden's output unchanged.
//!
//! Unavailable values (`None` in the typed structs) are written back as the sentinel gpsd
//! prints (lat 91, lon 181, heading 511, `"nan"` turn, …).
//!
//! # References
//! gpsd 3.22 `gpsd_json.c` (`json_aivdm_dump`, scaled branch); ITU-R M.1371-5 Annex 8.

use std::io::Write as _;

use super::binary::BinaryPayload;
use super::binary::imo::{BERTH_SERVICES, TargetId};
use super::binary::inland::IsrsLocation;
use super::channel_management::ChannelTarget;
use super::static_data::Part;
use super::{Message, RawBits, position};

const NAV_STATUS: [&str; 16] = [
    "Under way using engine",
    "At anchor",
    "Not under command",
    "Restricted manoeuverability",
    "Constrained by her draught",
    "Moored",
    "Aground",
    "Engaged in fishing",
    "Under way sailing",
    "Reserved for HSC",
    "Reserved for WIG",
    "Reserved",
    "Reserved",
    "Reserved",
    "Reserved",
    "Not defined",
];
const TRENDS: [&str; 4] = ["steady", "increasing", "decreasing", "N/A"];
const PRECIP: [&str; 8] = ["reserved", "rain", "thunderstorm", "freezing rain", "mixed/ice", "snow", "reserved", "N/A"];
const ICE: [&str; 4] = ["no", "yes", "reserved", "N/A"];

struct J<'a> {
    out: &'a mut Vec<u8>,
}

impl J<'_> {
    fn key(&mut self, k: &str) {
        self.out.push(b',');
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.extend_from_slice(b"\":");
    }
    fn u(&mut self, k: &str, v: impl Into<u64>) {
        self.key(k);
        let mut b = itoa::Buffer::new();
        self.out.extend_from_slice(b.format(v.into()).as_bytes());
    }
    fn b(&mut self, k: &str, v: bool) {
        self.key(k);
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
    }
    fn raw(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out.extend_from_slice(v.as_bytes());
    }
    /// `%.Nf`.
    fn f(&mut self, k: &str, v: f64, prec: usize) {
        self.key(k);
        let _ = write!(self.out, "{v:.prec$}");
    }
    /// `"%f"` (gpsd quotes the corner coordinates of messages 22 and 23).
    fn fq(&mut self, k: &str, v: f64) {
        self.key(k);
        let _ = write!(self.out, "\"{v:.6}\"");
    }
    fn s(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out.push(b'"');
        for &c in v.as_bytes() {
            match c {
                b'"' => self.out.extend_from_slice(b"\\\""),
                b'\\' => self.out.extend_from_slice(b"\\\\"),
                c if c < 0x20 => {
                    let _ = write!(self.out, "\\u{c:04x}");
                }
                c => self.out.push(c),
            }
        }
        self.out.push(b'"');
    }
    fn data(&mut self, d: &RawBits) {
        self.key("data");
        let _ = write!(self.out, "\"{}:", d.len_bits);
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for &b in d.as_bytes() {
            self.out.push(HEX[usize::from(b >> 4)]);
            self.out.push(HEX[usize::from(b & 15)]);
        }
        self.out.push(b'"');
    }
}

fn ll(v: Option<i32>, na: i32) -> f64 {
    f64::from(v.unwrap_or(na))
}

/// Write one message as gpsd's scaled JSON object (no trailing newline), appending to `out`.
///
/// The `class`, `device`, `scaled` envelope and the `*_text` legends are written for the common
/// types, so output can be diffed against `gpsdecode -s` directly.
pub fn write_gpsd_json(msg: &Message, out: &mut Vec<u8>) {
    let h = msg.header();
    out.extend_from_slice(b"{\"class\":\"AIS\"");
    let mut j = J { out };
    j.u("type", h.msg_type);
    j.u("repeat", h.repeat);
    j.u("mmsi", h.mmsi);
    j.b("scaled", true);
    const D: f64 = position::LATLON_DIV;
    match msg {
        Message::Position(m) => {
            j.u("status", m.status);
            j.s("status_text", NAV_STATUS[usize::from(m.status & 15)]);
            match m.turn {
                None => j.raw("turn", "\"nan\""),
                Some(-127) => j.raw("turn", "\"fastleft\""),
                Some(127) => j.raw("turn", "\"fastright\""),
                Some(t) => {
                    let r = f64::from(t) / 4.733;
                    j.f("turn", r * r, 0);
                }
            }
            match m.speed_dkn {
                None => j.raw("speed", "\"nan\""),
                Some(1022) => j.raw("speed", "\"fast\""),
                Some(s) => j.f("speed", f64::from(s) / 10.0, 1),
            }
            j.b("accuracy", m.accuracy);
            j.f("lon", ll(m.lon, position::LON_NA) / D, 6);
            j.f("lat", ll(m.lat, position::LAT_NA) / D, 6);
            j.f("course", f64::from(m.course_ddeg.unwrap_or(3600)) / 10.0, 1);
            j.u("heading", m.heading_deg.unwrap_or(511));
            j.u("second", m.second);
            j.u("maneuver", m.maneuver);
            j.b("raim", m.raim);
            j.u("radio", m.radio);
        }
        Message::BaseStation(m) => {
            j.key("timestamp");
            let _ = write!(
                j.out,
                "\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z\"",
                m.year, m.month, m.day, m.hour, m.minute, m.second
            );
            j.b("accuracy", m.accuracy);
            j.f("lon", ll(m.lon, position::LON_NA) / D, 6);
            j.f("lat", ll(m.lat, position::LAT_NA) / D, 6);
            j.u("epfd", m.epfd);
            j.b("raim", m.raim);
            j.u("radio", m.radio);
        }
        Message::StaticVoyage(m) => {
            j.u("imo", m.imo);
            j.u("ais_version", m.ais_version);
            j.s("callsign", m.callsign.as_str());
            j.s("shipname", m.shipname.as_str());
            j.u("shiptype", m.shiptype);
            j.u("to_bow", m.to_bow);
            j.u("to_stern", m.to_stern);
            j.u("to_port", m.to_port);
            j.u("to_starboard", m.to_starboard);
            j.u("epfd", m.epfd);
            j.key("eta");
            let _ = write!(j.out, "\"{:02}-{:02}T{:02}:{:02}Z\"", m.month, m.day, m.hour, m.minute);
            j.f("draught", f64::from(m.draught_dm) / 10.0, 1);
            j.s("destination", m.destination.as_str());
            j.u("dte", m.dte);
        }
        Message::Binary(m) => {
            if let Some(a) = m.addressed {
                j.u("seqno", a.seqno);
                j.u("dest_mmsi", a.dest_mmsi);
                j.b("retransmit", a.retransmit);
            }
            j.u("dac", m.dac);
            j.u("fid", m.fid);
            write_binary_payload(&mut j, &m.payload);
        }
        Message::Ack(m) => {
            for (k, key) in ["mmsi1", "mmsi2", "mmsi3", "mmsi4"].iter().enumerate() {
                j.u(key, m.mmsi[k]);
            }
        }
        Message::Sar(m) => {
            match m.alt_m {
                None => j.raw("alt", "\"nan\""),
                Some(4094) => j.raw("alt", "\"high\""),
                Some(a) => j.u("alt", a),
            }
            match m.speed_kn {
                None => j.raw("speed", "\"nan\""),
                Some(1022) => j.raw("speed", "\"fast\""),
                Some(s) => j.u("speed", s),
            }
            j.b("accuracy", m.accuracy);
            j.f("lon", ll(m.lon, position::LON_NA) / D, 6);
            j.f("lat", ll(m.lat, position::LAT_NA) / D, 6);
            j.f("course", f64::from(m.course_ddeg.unwrap_or(3600)) / 10.0, 1);
            j.u("second", m.second);
            j.u("regional", m.regional);
            j.u("dte", m.dte);
            j.b("raim", m.raim);
            j.u("radio", m.radio);
        }
        Message::UtcInquiry(m) => j.u("dest_mmsi", m.dest_mmsi),
        Message::Safety(m) => {
            if h.msg_type == 12 {
                j.u("seqno", m.seqno);
                j.u("dest_mmsi", m.dest_mmsi);
                j.b("retransmit", m.retransmit);
            }
            j.s("text", m.text.as_str());
        }
        Message::Interrogation(m) => {
            j.u("mmsi1", m.mmsi1);
            j.u("type1_1", m.type1_1);
            j.u("offset1_1", m.offset1_1);
            j.u("type1_2", m.type1_2);
            j.u("offset1_2", m.offset1_2);
            j.u("mmsi2", m.mmsi2);
            j.u("type2_1", m.type2_1);
            j.u("offset2_1", m.offset2_1);
        }
        Message::AssignedMode(m) => {
            j.u("mmsi1", m.mmsi1);
            j.u("offset1", m.offset1);
            j.u("increment1", m.increment1);
            j.u("mmsi2", m.mmsi2);
            j.u("offset2", m.offset2);
            j.u("increment2", m.increment2);
        }
        Message::Dgnss(m) => {
            j.f("lon", f64::from(m.lon) / 600.0, 1);
            j.f("lat", f64::from(m.lat) / 600.0, 1);
            j.data(&m.data);
        }
        Message::ClassB(m) => {
            j.u("reserved", m.reserved);
            j.f("speed", f64::from(m.speed_dkn.unwrap_or(1023)) / 10.0, 1);
            j.b("accuracy", m.accuracy);
            j.f("lon", ll(m.lon, position::LON_NA) / D, 6);
            j.f("lat", ll(m.lat, position::LAT_NA) / D, 6);
            j.f("course", f64::from(m.course_ddeg.unwrap_or(3600)) / 10.0, 1);
            j.u("heading", m.heading_deg.unwrap_or(511));
            j.u("second", m.second);
            j.u("regional", m.regional);
            match &m.extended {
                None => {
                    j.b("cs", m.cs);
                    j.b("display", m.display);
                    j.b("dsc", m.dsc);
                    j.b("band", m.band);
                    j.b("msg22", m.msg22);
                    j.b("raim", m.raim);
                    j.u("radio", m.radio);
                }
                Some(x) => {
                    j.s("shipname", x.shipname.as_str());
                    j.u("shiptype", x.shiptype);
                    j.u("to_bow", x.to_bow);
                    j.u("to_stern", x.to_stern);
                    j.u("to_port", x.to_port);
                    j.u("to_starboard", x.to_starboard);
                    j.u("epfd", x.epfd);
                    j.b("raim", m.raim);
                    j.u("dte", u8::from(x.dte));
                    j.b("assigned", m.assigned);
                }
            }
        }
        Message::DataLink(m) => {
            for (k, r) in m.reservations.iter().enumerate() {
                let n = k + 1;
                j.u(&format_key("offset", n), r.offset);
                j.u(&format_key("number", n), r.number);
                j.u(&format_key("timeout", n), r.timeout);
                j.u(&format_key("increment", n), r.increment);
            }
        }
        Message::AidToNavigation(m) => {
            j.u("aid_type", m.aid_type);
            j.s("name", m.name.as_str());
            j.f("lon", ll(m.lon, position::LON_NA) / D, 6);
            j.f("lat", ll(m.lat, position::LAT_NA) / D, 6);
            j.b("accuracy", m.accuracy);
            j.u("to_bow", m.to_bow);
            j.u("to_stern", m.to_stern);
            j.u("to_port", m.to_port);
            j.u("to_starboard", m.to_starboard);
            j.u("epfd", m.epfd);
            j.u("second", m.second);
            j.u("regional", m.regional);
            j.b("off_position", m.off_position);
            j.b("raim", m.raim);
            j.b("virtual_aid", m.virtual_aid);
        }
        Message::ChannelManagement(m) => {
            j.u("channel_a", m.channel_a);
            j.u("channel_b", m.channel_b);
            j.u("txrx", m.txrx);
            j.b("power", m.power);
            match m.target {
                ChannelTarget::Addressed { dest1, dest2 } => {
                    j.u("dest1", dest1);
                    j.u("dest2", dest2);
                }
                ChannelTarget::Area { ne_lon, ne_lat, sw_lon, sw_lat } => {
                    j.fq("ne_lon", f64::from(ne_lon) / 600.0);
                    j.fq("ne_lat", f64::from(ne_lat) / 600.0);
                    j.fq("sw_lon", f64::from(sw_lon) / 600.0);
                    j.fq("sw_lat", f64::from(sw_lat) / 600.0);
                }
            }
            j.b("addressed", matches!(m.target, ChannelTarget::Addressed { .. }));
            j.b("band_a", m.band_a);
            j.b("band_b", m.band_b);
            j.u("zonesize", m.zonesize);
        }
        Message::GroupAssignment(m) => {
            j.fq("ne_lon", f64::from(m.ne_lon) / 600.0);
            j.fq("ne_lat", f64::from(m.ne_lat) / 600.0);
            j.fq("sw_lon", f64::from(m.sw_lon) / 600.0);
            j.fq("sw_lat", f64::from(m.sw_lat) / 600.0);
            j.u("stationtype", m.stationtype);
            j.u("shiptype", m.shiptype);
            j.u("interval", m.interval);
            j.u("quiet", m.quiet);
        }
        Message::StaticData(m) => {
            match m.part {
                Part::A => j.s("part", "A"),
                Part::B => j.s("part", "B"),
                Part::Both => {}
            }
            if m.part != Part::B {
                j.s("shipname", m.shipname.as_str());
            }
            if m.part != Part::A {
                let b = &m.b;
                j.u("shiptype", b.shiptype);
                j.s("vendorid", b.vendorid.as_str());
                j.u("model", b.model);
                j.u("serial", b.serial);
                j.s("callsign", b.callsign.as_str());
                match b.mothership_mmsi {
                    Some(mm) => j.u("mothership_mmsi", mm),
                    None => {
                        j.u("to_bow", b.to_bow);
                        j.u("to_stern", b.to_stern);
                        j.u("to_port", b.to_port);
                        j.u("to_starboard", b.to_starboard);
                    }
                }
            }
        }
        Message::BinarySlot(m) => {
            j.b("addressed", m.addressed);
            j.b("structured", m.structured);
            j.u("dest_mmsi", m.dest_mmsi);
            j.u("app_id", m.app_id);
            j.data(&m.data);
            if h.msg_type == 26 {
                // gpsd 3.22 never fills the type-26 radio field.
                j.u("radio", 0u32);
            }
        }
        Message::LongRange(m) => {
            j.s("status", NAV_STATUS[usize::from(m.status & 15)]);
            j.b("accuracy", m.accuracy);
            j.f("lon", f64::from(m.lon.unwrap_or(super::long_range::LON_NA)) / 600.0, 1);
            j.f("lat", f64::from(m.lat.unwrap_or(super::long_range::LAT_NA)) / 600.0, 1);
            j.u("speed", m.speed_kn.unwrap_or(63));
            j.u("course", m.course_deg.unwrap_or(511));
            j.b("raim", m.raim);
            j.b("gnss", m.gnss);
        }
    }
    j.out.push(b'}');
}

/// `offset1` … without allocating: keys are short and fixed.
fn format_key(base: &str, n: usize) -> KeyBuf {
    let mut k = KeyBuf { len: 0, buf: [0; 16] };
    for &c in base.as_bytes().iter().chain(std::iter::once(&(b'0' + n as u8))) {
        k.buf[k.len] = c;
        k.len += 1;
    }
    k
}

struct KeyBuf {
    len: usize,
    buf: [u8; 16],
}

impl std::ops::Deref for KeyBuf {
    type Target = str;
    fn deref(&self) -> &str {
        // Built only from ASCII literals and a digit above.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

fn write_binary_payload(j: &mut J<'_>, p: &BinaryPayload) {
    const D: f64 = position::LATLON_DIV;
    match p {
        BinaryPayload::Raw(d) => j.data(d),
        BinaryPayload::MeteoHydro(m) => {
            j.f("lat", f64::from(m.lat) / 60_000.0, 4);
            j.f("lon", f64::from(m.lon) / 60_000.0, 4);
            if m.imo289 {
                j.b("accuracy", m.accuracy);
            }
            j.key("timestamp");
            let _ = write!(j.out, "\"{:02}T{:02}:{:02}Z\"", m.day, m.hour, m.minute);
            j.u("wspeed", m.wspeed);
            j.u("wgust", m.wgust);
            j.u("wdir", m.wdir);
            j.u("wgustdir", m.wgustdir);
            j.u("humidity", m.humidity);
            if m.imo289 {
                j.f("airtemp", f64::from(m.airtemp) / 10.0, 1);
                j.f("dewpoint", f64::from(m.dewpoint) / 10.0, 1);
                j.u("pressure", u32::from(m.pressure) + 799);
                j.s("pressuretend", TRENDS[usize::from(m.pressuretend & 3)]);
                j.b("visgreater", m.visgreater);
                j.f("visibility", f64::from(m.visibility) / 10.0, 1);
                // gpsd subtracts the offset in unsigned arithmetic, so levels under 0 m wrap.
                j.f("waterlevel", f64::from(u32::from(m.waterlevel).wrapping_sub(1000)) / 100.0, 1);
            } else {
                j.f("airtemp", f64::from(m.airtemp - 600) / 10.0, 1);
                j.f("dewpoint", f64::from(m.dewpoint - 200) / 10.0, 1);
                j.u("pressure", u32::from(m.pressure) + 800);
                j.s("pressuretend", TRENDS[usize::from(m.pressuretend & 3)]);
                j.f("visibility", f64::from(m.visibility) / 10.0, 1);
                j.f("waterlevel", (f64::from(m.waterlevel) - 100.0) / 10.0, 1);
            }
            j.s("leveltrend", TRENDS[usize::from(m.leveltrend & 3)]);
            j.f("cspeed", f64::from(m.cspeed) / 10.0, 1);
            j.u("cdir", m.cdir);
            j.f("cspeed2", f64::from(m.cspeed2) / 10.0, 1);
            j.u("cdir2", m.cdir2);
            j.u("cdepth2", m.cdepth2);
            j.f("cspeed3", f64::from(m.cspeed3) / 10.0, 1);
            j.u("cdir3", m.cdir3);
            j.u("cdepth3", m.cdepth3);
            j.f("waveheight", f64::from(m.waveheight) / 10.0, 1);
            j.u("waveperiod", m.waveperiod);
            j.u("wavedir", m.wavedir);
            j.f("swellheight", f64::from(m.swellheight) / 10.0, 1);
            j.u("swellperiod", m.swellperiod);
            j.u("swelldir", m.swelldir);
            j.u("seastate", m.seastate);
            if m.imo289 {
                j.f("watertemp", f64::from(m.watertemp) / 10.0, 1);
                j.s("preciptype", PRECIP[usize::from(m.preciptype & 7)]);
                j.f("salinity", f64::from(m.salinity) / 10.0, 1);
                j.s("ice", ICE[usize::from(m.ice & 3)]);
            } else {
                j.f("watertemp", f64::from(m.watertemp - 100) / 10.0, 1);
                j.u("preciptype", m.preciptype);
                j.f("salinity", f64::from(m.salinity) / 10.0, 1);
                j.u("ice", m.ice);
            }
        }
        BinaryPayload::TidalWindow(w) => {
            j.u("month", w.month);
            j.u("day", w.day);
            j.key("tidals");
            j.out.push(b'[');
            for (k, t) in w.tidals[..usize::from(w.count)].iter().enumerate() {
                if k > 0 {
                    j.out.push(b',');
                }
                let _ = write!(
                    j.out,
                    "{{\"lon\":{:.4},\"lat\":{:.4}",
                    f64::from(t.lon) / 60_000.0,
                    f64::from(t.lat) / 60_000.0
                );
                j.u("from_hour", t.from_hour);
                j.u("from_min", t.from_min);
                j.u("to_hour", t.to_hour);
                j.u("to_min", t.to_min);
                j.u("cdir", t.cdir);
                j.f("cspeed", f64::from(t.cspeed) / 10.0, 1);
                j.out.push(b'}');
            }
            j.out.push(b']');
        }
        BinaryPayload::DangerousCargo(c) => {
            j.s("lastport", c.lastport.as_str());
            j.key("departure");
            let _ = write!(j.out, "\"{:02}-{:02}T{:02}:{:02}Z\"", c.lmonth, c.lday, c.lhour, c.lminute);
            j.s("nextport", c.nextport.as_str());
            j.key("eta");
            let _ = write!(j.out, "\"{:02}-{:02}T{:02}:{:02}Z\"", c.nmonth, c.nday, c.nhour, c.nminute);
            j.s("dangerous", c.dangerous.as_str());
            j.s("imdcat", c.imdcat.as_str());
            j.u("unid", c.unid);
            j.u("amount", c.amount);
            j.u("unit", c.unit);
        }
        BinaryPayload::Clearance(c) => {
            j.u("linkage", c.linkage);
            j.key("arrival");
            let _ = write!(j.out, "\"{:02}-{:02}T{:02}:{:02}Z\"", c.month, c.day, c.hour, c.minute);
            j.s("portname", c.portname.as_str());
            j.s("destination", c.destination.as_str());
            j.f("lon", f64::from(c.lon) / 60_000.0, 4);
            j.f("lat", f64::from(c.lat) / 60_000.0, 4);
        }
        BinaryPayload::Text { linkage, text } => {
            j.u("linkage", *linkage);
            j.s("text", text.as_str());
        }
        BinaryPayload::AirDraught(a) => j.u("airdraught", *a),
        BinaryPayload::Persons(p) => j.u("persons", *p),
        BinaryPayload::AtonMonitoring(a) => {
            j.b("off_pos", a.off_pos);
            j.b("alarm", a.alarm);
            j.u("stat_ext", a.stat_ext);
            for (k, v) in [("ana_int", a.ana_int), ("ana_ext1", a.ana_ext1), ("ana_ext2", a.ana_ext2)] {
                if v != 0 {
                    j.f(k, f64::from(v) * 0.05, 2);
                } else {
                    j.u(k, v);
                }
            }
            j.u("racon", a.racon);
            j.u("light", a.light);
        }
        BinaryPayload::InlandStatic(s) => {
            j.s("vin", s.vin.as_str());
            j.u("length", s.length);
            j.u("beam", s.beam);
            j.u("shiptype", s.shiptype);
            j.u("hazard", s.hazard);
            j.u("draught", s.draught);
            j.u("loaded", s.loaded);
            j.b("speed_q", s.speed_q);
            j.b("course_q", s.course_q);
            j.b("heading_q", s.heading_q);
        }
        BinaryPayload::InlandPersons { crew, passengers, personnel } => {
            j.u("crew", *crew);
            j.u("passengers", *passengers);
            j.u("personnel", *personnel);
        }
        BinaryPayload::FairwayClosed(f) => {
            j.s("reason", f.reason.as_str());
            j.s("closefrom", f.closefrom.as_str());
            j.s("closeto", f.closeto.as_str());
            j.u("radius", f.radius);
            j.u("extunit", f.extunit);
            j.key("from");
            let _ = write!(j.out, "\"{:02}-{:02}T{:02}:{:02}\"", f.fmonth, f.fday, f.fhour, f.fminute);
            j.key("to");
            let _ = write!(j.out, "\"{:02}-{:02}T{:02}:{:02}\"", f.tmonth, f.tday, f.thour, f.tminute);
        }
        BinaryPayload::VtsTargets(v) => {
            j.key("targets");
            j.out.push(b'[');
            for (k, t) in v.as_slice().iter().enumerate() {
                if k > 0 {
                    j.out.push(b',');
                }
                let _ = write!(j.out, "{{\"idtype\":{}", t.id.idtype());
                match &t.id {
                    // gpsd prints numeric identifiers as strings.
                    TargetId::Mmsi(m) => {
                        j.key("mmsi");
                        let _ = write!(j.out, "\"{m}\"");
                    }
                    TargetId::Imo(m) => {
                        j.key("imo");
                        let _ = write!(j.out, "\"{m}\"");
                    }
                    TargetId::Callsign(c) => j.s("callsign", c.as_str()),
                    TargetId::Other(c) => j.s("other", c.as_str()),
                }
                j.f("lat", f64::from(t.lat) / 60_000.0, 4);
                j.f("lon", f64::from(t.lon) / 60_000.0, 4);
                j.u("course", t.course);
                j.u("second", t.second);
                j.u("speed", t.speed);
                j.out.push(b'}');
            }
            j.out.push(b']');
        }
        BinaryPayload::TrafficSignal(t) => {
            // gpsd 3.22 omits the comma after "nextsignal" (invalid JSON); we print the same
            // fields as valid JSON.
            j.u("linkage", t.linkage);
            j.s("station", t.station.as_str());
            j.f("lon", f64::from(t.lon) / 60_000.0, 4);
            j.f("lat", f64::from(t.lat) / 60_000.0, 4);
            j.u("status", t.status);
            j.u("signal", t.signal);
            j.u("hour", t.hour);
            j.u("minute", t.minute);
            j.u("nextsignal", t.nextsignal);
        }
        BinaryPayload::Berthing(b) => {
            j.u("linkage", b.linkage);
            j.u("berth_length", b.berth_length);
            j.u("position", b.position);
            j.key("arrival");
            // Unpadded, as gpsd prints it.
            let _ = write!(j.out, "\"{}-{}T{}:{}\"", b.month, b.day, b.hour, b.minute);
            j.u("availability", u8::from(b.availability));
            for (name, v) in BERTH_SERVICES.iter().zip(b.services) {
                j.u(name, v);
            }
            j.s("berth_name", b.berth_name.as_str());
            j.f("berth_lon", f64::from(b.berth_lon) / 60_000.0, 4);
            j.f("berth_lat", f64::from(b.berth_lat) / 60_000.0, 4);
            j.f("berth_depth", f64::from(b.berth_depth) * 0.1, 1);
        }
        BinaryPayload::CargoList(c) => {
            j.u("unit", c.unit);
            j.u("amount", c.amount);
            j.key("cargos");
            j.out.push(b'[');
            for (k, g) in c.as_slice().iter().enumerate() {
                if k > 0 {
                    j.out.push(b',');
                }
                let _ = write!(j.out, "{{\"code\":{},\"subtype\":{}}}", g.code, g.subtype);
            }
            j.out.push(b']');
        }
        BinaryPayload::Route(w) => {
            j.u("linkage", w.linkage);
            j.u("sender", w.sender);
            j.u("rtype", w.rtype);
            j.key("start");
            let _ = write!(j.out, "\"{:02}-{:02}T{:02}:{:02}Z\"", w.month, w.day, w.hour, w.minute);
            j.u("duration", w.duration);
            j.key("waypoints");
            j.out.push(b'[');
            for (k, p) in w.as_slice().iter().enumerate() {
                if k > 0 {
                    j.out.push(b',');
                }
                let (lon, lat) = (f64::from(p.lon) / D, f64::from(p.lat) / D);
                let _ = write!(j.out, "{{\"lon\":{lon:.6},\"lat\":{lat:.6}}}");
            }
            j.out.push(b']');
        }
        BinaryPayload::InlandEta(e) => {
            write_isrs(j, &e.location);
            j.key("eta");
            let _ = write!(j.out, "\"{}-{}T{}:{}\"", e.month, e.day, e.hour, e.minute);
            j.u("tugs", e.tugs);
            j.u("airdraught", e.airdraught);
        }
        BinaryPayload::InlandRta(e) => {
            write_isrs(j, &e.location);
            j.key("eta");
            let _ = write!(j.out, "\"{}-{}T{}:{}\"", e.month, e.day, e.hour, e.minute);
            j.u("status", e.status);
        }
        BinaryPayload::EmmaWarning(e) => {
            // gpsd 3.22 passes the start fields as (year, month, hour, minute, day) to a
            // year-month-dayThour:minute format; kept so "start" reads the same.
            j.key("start");
            let _ = write!(
                j.out,
                "\"{:4}-{:02}-{:02}T{:02}:{:02}\"",
                u32::from(e.start_year) + 2000,
                e.start_month,
                e.start_hour,
                e.start_minute,
                e.start_day
            );
            j.key("end");
            let _ = write!(
                j.out,
                "\"{:4}-{:02}-{:02}T{:02}:{:02}\"",
                u32::from(e.end_year) + 2000,
                e.end_month,
                e.end_day,
                e.end_hour,
                e.end_minute
            );
            j.f("start_lon", f64::from(e.start_lon) / D, 6);
            j.f("start_lat", f64::from(e.start_lat) / D, 6);
            j.f("end_lon", f64::from(e.end_lon) / D, 6);
            j.f("end_lat", f64::from(e.end_lat) / D, 6);
            // gpsd names these "type" and "class", repeating keys of the envelope: a JSON
            // parser keeps the last value, so readers see the weather type and classification.
            // We repeat the keys too, so any parser sees exactly what it sees in gpsd's output.
            j.u("type", e.kind);
            j.key("min");
            let _ = write!(j.out, "{}", e.min);
            j.key("max");
            let _ = write!(j.out, "{}", e.max);
            j.u("class", e.intensity);
            j.u("wind", e.wind);
        }
        BinaryPayload::WaterLevels(w) => {
            j.s("country", w.country.as_str());
            j.key("gauges");
            j.out.push(b'[');
            for (k, g) in w.gauges.iter().enumerate() {
                if k > 0 {
                    j.out.push(b',');
                }
                let _ = write!(j.out, "{{\"id\":{},\"level\":{}}}", g.id, g.level);
            }
            j.out.push(b']');
        }
        BinaryPayload::SignalStatus(s) => {
            j.f("lon", f64::from(s.lon) / D, 6);
            j.f("lat", f64::from(s.lat) / D, 6);
            j.u("form", s.form);
            j.u("facing", s.facing);
            j.u("direction", s.direction);
            j.u("status", s.status);
        }
    }
}

/// The ISRS location fields of inland ETA/RTA messages.
fn write_isrs(j: &mut J<'_>, l: &IsrsLocation) {
    j.s("country", l.country.as_str());
    j.s("locode", l.locode.as_str());
    j.s("section", l.section.as_str());
    j.s("terminal", l.terminal.as_str());
    j.s("hectometre", l.hectometre.as_str());
}
