//! The console's track picture: every node's latest track batch merged into one store, with
//! history trails, a display symbol (which sensors see it, whether it is dark) and the filters.
//!
//! Track ids are site-scoped, so the key is (site, track id). A batch replaces its site's
//! tracks: one missing from a newer batch has been dropped by its node. `sources`, `class` and
//! the covariance come from the [`TrackReport`] when the node fills them and are inferred
//! otherwise; fields the contract does not carry — `name`, length, AIS static data, an IR
//! snapshot — are read leniently from the same JSON when present.

use std::collections::{BTreeMap, VecDeque};

use serde::Deserialize;

use crate::anomaly::zones::{ZoneKind, Zones};
use crate::bus::msg::{TrackReport, TracksMsg};
use crate::geodesy::LatLon;

/// (site, track id): a track's identity on the console.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackKey {
    /// The reporting site.
    pub site: String,
    /// The site-scoped track id.
    pub id: String,
}

impl std::fmt::Display for TrackKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.site, self.id)
    }
}

/// What sees a track, which decides its symbol's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// AIS only: a circle.
    Ais,
    /// Radar only: a square.
    Radar,
    /// Infrared only: a diamond.
    Ir,
    /// Two or more sensor kinds: a hexagon.
    Fused,
}

/// What a track is, which decides its symbol's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VesselClass {
    /// Speedboat, sampan: the smuggling threat.
    SmallCraft,
    /// Ship, ferry.
    Vessel,
    /// Not yet known.
    Unknown,
}

impl VesselClass {
    /// All classes, for the filter.
    pub const ALL: [VesselClass; 3] = [VesselClass::SmallCraft, VesselClass::Vessel, VesselClass::Unknown];

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            VesselClass::SmallCraft => "small craft",
            VesselClass::Vessel => "vessel",
            VesselClass::Unknown => "unknown",
        }
    }

    fn parse(s: &str) -> VesselClass {
        match s.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "small_craft" | "smallcraft" | "small" | "speedboat" => VesselClass::SmallCraft,
            "vessel" | "ship" | "large" => VesselClass::Vessel,
            _ => VesselClass::Unknown,
        }
    }
}

/// AIS static and voyage data, when the node forwards it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AisStatic {
    /// Vessel name.
    #[serde(default)]
    pub name: Option<String>,
    /// Call sign.
    #[serde(default)]
    pub callsign: Option<String>,
    /// IMO number.
    #[serde(default)]
    pub imo: Option<u32>,
    /// Ship type code (ITU-R M.1371).
    #[serde(default)]
    pub ship_type: Option<u32>,
    /// Length overall, metres.
    #[serde(default)]
    pub length_m: Option<f64>,
    /// Destination.
    #[serde(default)]
    pub destination: Option<String>,
}

/// Optional per-track fields beyond the contract, read leniently.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TrackExtras {
    /// Vessel name.
    #[serde(default)]
    pub name: Option<String>,
    /// Estimated length, metres (the tracker's `length_m`).
    #[serde(default)]
    pub length_m: Option<f64>,
    /// AIS static data.
    #[serde(default)]
    pub ais: Option<AisStatic>,
    /// Path or URL of the last IR snapshot.
    #[serde(default)]
    pub ir_snapshot: Option<String>,
}

#[derive(Deserialize)]
struct LenientTrack {
    track_id: String,
    #[serde(flatten)]
    extras: TrackExtras,
}

#[derive(Deserialize)]
struct LenientBatch {
    tracks: Vec<LenientTrack>,
}

/// The extras of each track in a raw tracks payload, by track id (empty when unreadable).
pub fn extras_of(payload: &[u8]) -> BTreeMap<String, TrackExtras> {
    serde_json::from_slice::<LenientBatch>(payload)
        .map(|b| b.tracks.into_iter().map(|t| (t.track_id, t.extras)).collect())
        .unwrap_or_default()
}

/// One trail point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrailPoint {
    /// Time, seconds since the epoch.
    pub time: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
}

/// One track as the console shows it.
#[derive(Debug, Clone)]
pub struct TrackState {
    /// Identity.
    pub key: TrackKey,
    /// Latest report.
    pub report: TrackReport,
    /// Extras from the latest report.
    pub extras: TrackExtras,
    /// Symbol shape.
    pub source: SourceKind,
    /// Dark: seen by radar/IR but no AIS identity.
    pub dark: bool,
    /// Symbol size and filter.
    pub class: VesselClass,
    /// Past positions, oldest first (bounded).
    pub trail: VecDeque<TrailPoint>,
    /// Ids of the zones it is in (hotspots, waters), computed on update.
    pub zones: Vec<String>,
}

impl TrackState {
    /// Its position.
    pub fn position(&self) -> LatLon {
        LatLon::new(self.report.lat, self.report.lon)
    }

    /// The label the map shows: name, else MMSI, else the key; then speed.
    pub fn label(&self) -> String {
        let who = self
            .extras
            .name
            .clone()
            .or_else(|| self.extras.ais.as_ref().and_then(|a| a.name.clone()))
            .or_else(|| self.report.mmsi.map(|m| m.to_string()))
            .unwrap_or_else(|| self.key.to_string());
        format!("{who} {:.0} kn", self.report.sog_kn)
    }
}

/// Which sensor kinds a source name stands for.
fn kind_of(name: &str) -> Option<SourceKind> {
    let n = name.to_ascii_lowercase();
    if n.starts_with("ais") {
        Some(SourceKind::Ais)
    } else if n.starts_with("radar") {
        Some(SourceKind::Radar)
    } else if n.starts_with("ir") || n.starts_with("thermal") || n.starts_with("eo") {
        Some(SourceKind::Ir)
    } else {
        None
    }
}

/// The symbol shape and darkness of a track: from its `sources` when given, else inferred (an
/// MMSI means AIS; otherwise the site's radar if it has one, else its camera).
pub fn classify(report: &TrackReport, site_has_radar: bool) -> (SourceKind, bool) {
    let mut kinds: Vec<SourceKind> = report.sources.iter().filter_map(|s| kind_of(s)).collect();
    kinds.sort();
    kinds.dedup();
    let has_ais = report.mmsi.is_some() || kinds.contains(&SourceKind::Ais);
    if kinds.is_empty() {
        kinds.push(if report.mmsi.is_some() {
            SourceKind::Ais
        } else if site_has_radar {
            SourceKind::Radar
        } else {
            SourceKind::Ir
        });
    }
    let source = if kinds.len() > 1 { SourceKind::Fused } else { kinds[0] };
    (source, !has_ais)
}

/// A track's class: given, else guessed from length, else unknown.
pub fn class_of(report: &TrackReport, extras: &TrackExtras) -> VesselClass {
    if let Some(c) = &report.class {
        return VesselClass::parse(c);
    }
    match extras.length_m.or_else(|| extras.ais.as_ref().and_then(|a| a.length_m)) {
        Some(l) if l < 20.0 => VesselClass::SmallCraft,
        Some(_) => VesselClass::Vessel,
        None => VesselClass::Unknown,
    }
}

/// What the operator wants to see.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackFilter {
    /// Classes shown.
    pub classes: [bool; 3],
    /// Minimum speed, knots.
    pub min_kn: f64,
    /// Maximum speed, knots.
    pub max_kn: f64,
    /// Only tracks inside this zone id (a hotspot or the waters), if set.
    pub zone: Option<String>,
    /// Only dark targets.
    pub dark_only: bool,
}

impl Default for TrackFilter {
    fn default() -> Self {
        TrackFilter { classes: [true; 3], min_kn: 0.0, max_kn: 80.0, zone: None, dark_only: false }
    }
}

impl TrackFilter {
    /// Whether a track passes.
    pub fn passes(&self, t: &TrackState) -> bool {
        let ci = VesselClass::ALL.iter().position(|c| *c == t.class).unwrap_or(2);
        self.classes[ci]
            && t.report.sog_kn >= self.min_kn
            && (self.max_kn >= 80.0 || t.report.sog_kn <= self.max_kn)
            && (!self.dark_only || t.dark)
            && self.zone.as_ref().is_none_or(|z| t.zones.iter().any(|id| id == z))
    }
}

/// Every track on the console.
#[derive(Debug, Clone)]
pub struct TrackStore {
    tracks: BTreeMap<TrackKey, TrackState>,
    /// Trail length kept per track, points.
    pub trail_len: usize,
    /// Sites with a radar (for symbol inference).
    radar_sites: Vec<String>,
    zones: Option<Zones>,
}

impl TrackStore {
    /// An empty store; `radar_sites` feed the symbol inference, `zones` the zone filter.
    pub fn new(radar_sites: Vec<String>, zones: Option<Zones>) -> Self {
        TrackStore { tracks: BTreeMap::new(), trail_len: 30, radar_sites, zones }
    }

    /// Apply one site's batch (the raw payload supplies the extras). Tracks of that site missing
    /// from the batch are removed; each kept track's previous position joins its trail.
    pub fn apply(&mut self, msg: &TracksMsg, payload: &[u8]) {
        let mut extras = extras_of(payload);
        let site = msg.site.clone();
        let has_radar = self.radar_sites.contains(&site);
        let mut seen = std::collections::HashSet::new();
        for r in &msg.tracks {
            let key = TrackKey { site: site.clone(), id: r.track_id.clone() };
            seen.insert(r.track_id.clone());
            let ex = extras.remove(&r.track_id).unwrap_or_default();
            let (source, dark) = classify(r, has_radar);
            let class = class_of(r, &ex);
            let zones = self.zones_at(LatLon::new(r.lat, r.lon));
            let trail_len = self.trail_len;
            match self.tracks.get_mut(&key) {
                Some(t) => {
                    if r.time >= t.report.time {
                        t.trail.push_back(TrailPoint { time: t.report.time, lat: t.report.lat, lon: t.report.lon });
                        while t.trail.len() > trail_len {
                            t.trail.pop_front();
                        }
                        t.report = r.clone();
                        t.extras = ex;
                        t.source = source;
                        t.dark = dark;
                        t.class = class;
                        t.zones = zones;
                    }
                }
                None => {
                    let t = TrackState {
                        key: key.clone(),
                        report: r.clone(),
                        extras: ex,
                        source,
                        dark,
                        class,
                        trail: VecDeque::new(),
                        zones,
                    };
                    self.tracks.insert(key, t);
                }
            }
        }
        self.tracks.retain(|k, _| k.site != site || seen.contains(&k.id));
    }

    fn zones_at(&self, p: LatLon) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(z) = &self.zones {
            z.containing(p, |zone| {
                if matches!(zone.kind, ZoneKind::Hotspot(_) | ZoneKind::Waters) {
                    out.push(zone.id.clone());
                }
            });
        }
        out
    }

    /// Remove every track (a replay seek rebuilds the picture).
    pub fn clear(&mut self) {
        self.tracks.clear();
    }

    /// Remove a site's tracks (its node went offline).
    pub fn drop_site(&mut self, site: &str) {
        self.tracks.retain(|k, _| k.site != site);
    }

    /// One track.
    pub fn get(&self, key: &TrackKey) -> Option<&TrackState> {
        self.tracks.get(key)
    }

    /// Every track, in key order.
    pub fn iter(&self) -> impl Iterator<Item = &TrackState> {
        self.tracks.values()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.tracks.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }

    /// Dark targets now.
    pub fn dark_count(&self) -> usize {
        self.tracks.values().filter(|t| t.dark).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(id: &str, time: f64, lat: f64, mmsi: Option<u32>) -> TrackReport {
        TrackReport {
            track_id: id.into(),
            time,
            lat,
            lon: 113.56,
            sog_kn: 12.0,
            cog_deg: 90.0,
            sigma_m: Some(15.0),
            mmsi,
            status: Some("confirmed".into()),
            ..Default::default()
        }
    }

    fn batch(site: &str, time: f64, tracks: Vec<TrackReport>) -> (TracksMsg, Vec<u8>) {
        let m = TracksMsg::new(site, time, tracks);
        let p = serde_json::to_vec(&m).unwrap();
        (m, p)
    }

    #[test]
    fn batches_update_trails_and_drop_vanished_tracks() {
        let mut s = TrackStore::new(vec![], None);
        let (m, p) = batch("a", 1.0, vec![rep("1", 1.0, 22.10, None), rep("2", 1.0, 22.11, None)]);
        s.apply(&m, &p);
        let (m, p) = batch("b", 1.0, vec![rep("1", 1.0, 22.12, None)]);
        s.apply(&m, &p);
        assert_eq!(s.len(), 3, "same id on two sites is two tracks");
        let (m, p) = batch("a", 2.0, vec![rep("1", 2.0, 22.101, None)]);
        s.apply(&m, &p);
        assert_eq!(s.len(), 2);
        let t = s.get(&TrackKey { site: "a".into(), id: "1".into() }).unwrap();
        assert_eq!(t.trail.len(), 1);
        assert_eq!(t.trail[0].lat, 22.10);
        assert_eq!(t.report.lat, 22.101);
    }

    #[test]
    fn an_older_report_does_not_overwrite_a_newer_one() {
        let mut s = TrackStore::new(vec![], None);
        let (m, p) = batch("a", 5.0, vec![rep("1", 5.0, 22.2, None)]);
        s.apply(&m, &p);
        let (m, p) = batch("a", 4.0, vec![rep("1", 4.0, 22.1, None)]);
        s.apply(&m, &p);
        assert_eq!(s.iter().next().unwrap().report.lat, 22.2);
    }

    #[test]
    fn symbols_come_from_sources_or_are_inferred() {
        let r = TrackReport { sources: vec!["radar".into(), "ir".into()], ..rep("1", 0.0, 22.1, None) };
        assert_eq!(classify(&r, false), (SourceKind::Fused, true));
        let r = TrackReport { sources: vec!["radar-ka-ho".into()], ..rep("1", 0.0, 22.1, None) };
        assert_eq!(classify(&r, false), (SourceKind::Radar, true));
        let r = rep("1", 0.0, 22.1, None);
        assert_eq!(classify(&r, true), (SourceKind::Radar, true));
        assert_eq!(classify(&r, false), (SourceKind::Ir, true));
        let ais = rep("1", 0.0, 22.1, Some(412_000_001));
        assert_eq!(classify(&ais, true), (SourceKind::Ais, false));
        let fused = TrackReport { sources: vec!["ais".into(), "radar".into()], ..ais };
        assert_eq!(classify(&fused, true), (SourceKind::Fused, false));
    }

    #[test]
    fn class_comes_from_the_report_else_from_length() {
        let r = TrackReport { class: Some("small_craft".into()), ..rep("1", 0.0, 22.1, None) };
        assert_eq!(class_of(&r, &TrackExtras::default()), VesselClass::SmallCraft);
        let plain = rep("1", 0.0, 22.1, None);
        assert_eq!(class_of(&plain, &TrackExtras::default()), VesselClass::Unknown);
        let long = TrackExtras { length_m: Some(120.0), ..Default::default() };
        assert_eq!(class_of(&plain, &long), VesselClass::Vessel);
    }

    #[test]
    fn node_fields_parse_and_extras_are_read_leniently_from_the_payload() {
        let p = br#"{"schema":"seawarden.tracks/1","site":"a","time":1,"tracks":[
            {"track_id":"7","time":1,"lat":22.1,"lon":113.5,"sog_kn":30,"cog_deg":10,"length_m":9.5,
             "class":"small_craft","sources":["radar","ir"],"cov_ne_m2":[400,0,100],"name":"X","future_field":1}]}"#;
        let m = match crate::bus::msg::parse("seawarden/v1/node/a/tracks", p).unwrap() {
            crate::bus::msg::Message::Tracks(m) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(m.tracks[0].class.as_deref(), Some("small_craft"));
        assert_eq!(m.tracks[0].sources, vec!["radar", "ir"]);
        assert_eq!(m.tracks[0].cov_ne_m2, Some([400.0, 0.0, 100.0]));
        let ex = extras_of(p);
        assert_eq!(ex["7"].length_m, Some(9.5));
        assert_eq!(ex["7"].name.as_deref(), Some("X"));
        assert!(extras_of(b"garbage").is_empty());
    }

    #[test]
    fn filters_by_class_speed_zone_and_darkness() {
        let zones = Zones::macau().unwrap();
        let mut s = TrackStore::new(vec!["a".into()], Some(zones));
        let mut fast = rep("fast", 1.0, 22.1212, None);
        fast.lon = 113.5830; // inside the Hac Sa hotspot
        fast.sog_kn = 35.0;
        fast.class = Some("small_craft".into());
        let slow = rep("slow", 1.0, 22.05, Some(1));
        let (m, _) = batch("a", 1.0, vec![fast, slow]);
        let p = br#"{"tracks":[{"track_id":"fast"},{"track_id":"slow","length_m":120}]}"#;
        s.apply(&m, p);
        let shown = |f: &TrackFilter| s.iter().filter(|t| f.passes(t)).map(|t| t.key.id.clone()).collect::<Vec<_>>();
        assert_eq!(shown(&TrackFilter::default()).len(), 2);
        assert_eq!(shown(&TrackFilter { dark_only: true, ..Default::default() }), vec!["fast"]);
        assert_eq!(shown(&TrackFilter { min_kn: 20.0, ..Default::default() }), vec!["fast"]);
        assert_eq!(shown(&TrackFilter { classes: [false, true, true], ..Default::default() }), vec!["slow"]);
        let z = Some("hac-sa-long-chao-kok".to_string());
        assert_eq!(shown(&TrackFilter { zone: z, ..Default::default() }), vec!["fast"]);
    }
}
