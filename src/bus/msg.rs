//! The bus's message types: one serde struct per topic kind, each carrying
//! `"schema": "seawarden.<kind>/1"`, and [`parse`], which validates every received payload.
//!
//! Validation is three steps, cheapest first (mini-redis `Frame::check` before `parse`): the size
//! cap, the JSON shape for the topic's kind (serde), then the `schema` field, the site named in the
//! topic, and the ranges of every number (finite, lat/lon on the globe, speeds ≥ 0, courses in
//! [0, 360)). A failure is a [`Reject`], a small `Copy` value the caller counts; nothing here panics.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::topic::{self, TopicKind};
use crate::alert::Alert;

/// Largest payload accepted, bytes; a 500-track batch is about 60 kB.
pub const MAX_PAYLOAD_BYTES: usize = 1 << 20;

/// Why a received payload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Reject {
    /// The topic is not one of the contract's.
    #[error("topic outside the contract")]
    UnknownTopic,
    /// Over [`MAX_PAYLOAD_BYTES`].
    #[error("payload too large")]
    TooLarge,
    /// Not JSON, or not the shape the topic promises.
    #[error("payload does not parse as the topic's message")]
    Shape,
    /// The `schema` field names another kind or version.
    #[error("wrong or missing schema field")]
    Schema,
    /// The payload names a different site/unit than its topic.
    #[error("payload's site or unit differs from the topic's")]
    IdMismatch,
    /// A number is out of its range or not finite.
    #[error("field {0} out of range")]
    Range(&'static str),
}

/// What every bus message type shares: its schema tag and its range checks.
pub trait BusMessage: Serialize + DeserializeOwned + JsonSchema {
    /// The value of the `schema` field, `seawarden.<kind>/1`.
    const SCHEMA: &'static str;
    /// The file stem of its JSON Schema in `assets/schemas/`.
    const NAME: &'static str;
    /// The message's `schema` field as received.
    fn schema_field(&self) -> &str;
    /// Range checks beyond what the types express.
    fn check(&self) -> Result<(), Reject>;
}

fn finite(field: &'static str, v: f64) -> Result<(), Reject> {
    if v.is_finite() { Ok(()) } else { Err(Reject::Range(field)) }
}

fn lat_lon(lat: f64, lon: f64) -> Result<(), Reject> {
    if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        return Err(Reject::Range("lat"));
    }
    if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        return Err(Reject::Range("lon"));
    }
    Ok(())
}

fn non_negative(field: &'static str, v: f64) -> Result<(), Reject> {
    if v.is_finite() && v >= 0.0 { Ok(()) } else { Err(Reject::Range(field)) }
}

fn course(field: &'static str, v: f64) -> Result<(), Reject> {
    if v.is_finite() && (0.0..360.0).contains(&v) { Ok(()) } else { Err(Reject::Range(field)) }
}

/// One track in a batch: the console's map needs position, motion and identity, not the filter state.
///
/// `Default` exists so producers and tests can write `..Default::default()` and stay compiling as
/// optional fields are added.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrackReport {
    /// Site-scoped, stable track id.
    pub track_id: String,
    /// Time of the estimate, seconds since the Unix epoch.
    pub time: f64,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog_kn: f64,
    /// Course over ground, degrees true, [0, 360).
    pub cog_deg: f64,
    /// 1-σ horizontal position error, metres, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_m: Option<f64>,
    /// MMSI when associated with AIS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmsi: Option<u32>,
    /// `tentative`, `confirmed` or `coasting`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Sensor kinds that have updated the track (`ais`, `radar`, `ir`): the console's symbol.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// `small_craft`, `vessel` or `unknown`: the console's symbol size and class filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Horizontal position covariance `[n_n, n_e, e_e]`, m²: the console's 2σ error ellipse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cov_ne_m2: Option<[f64; 3]>,
    /// Sensor-measured length estimate, metres (IR box size, median over updates): the console's
    /// "length (est.)" and a check on the AIS-declared length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_m: Option<f64>,
}

/// `node/{site}/tracks`: the node's current tracks, at most once a second per track (QoS 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TracksMsg {
    /// Always `seawarden.tracks/1`.
    pub schema: String,
    /// The publishing site.
    pub site: String,
    /// Batch time, seconds since the Unix epoch.
    pub time: f64,
    /// Current tracks.
    pub tracks: Vec<TrackReport>,
}

impl TracksMsg {
    /// A batch with the schema field set.
    pub fn new(site: &str, time: f64, tracks: Vec<TrackReport>) -> Self {
        TracksMsg { schema: Self::SCHEMA.into(), site: site.into(), time, tracks }
    }
}

impl BusMessage for TracksMsg {
    const SCHEMA: &'static str = "seawarden.tracks/1";
    const NAME: &'static str = "tracks";
    fn schema_field(&self) -> &str {
        &self.schema
    }
    fn check(&self) -> Result<(), Reject> {
        finite("time", self.time)?;
        for t in &self.tracks {
            finite("tracks.time", t.time)?;
            lat_lon(t.lat, t.lon)?;
            non_negative("tracks.sog_kn", t.sog_kn)?;
            course("tracks.cog_deg", t.cog_deg)?;
            if let Some(s) = t.sigma_m {
                non_negative("tracks.sigma_m", s)?;
            }
            if let Some([nn, ne, ee]) = t.cov_ne_m2 {
                non_negative("tracks.cov_ne_m2", nn)?;
                finite("tracks.cov_ne_m2", ne)?;
                non_negative("tracks.cov_ne_m2", ee)?;
            }
        }
        Ok(())
    }
}

/// `node/{site}/alerts`: one alert, from the node's outbox (QoS 1; resends keep the `id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AlertMsg {
    /// Always `seawarden.alert/1`.
    pub schema: String,
    /// Time the node first committed it to its outbox, seconds since the Unix epoch (wall
    /// clock): the start of the sensor → console latency the soak measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raised_s: Option<f64>,
    /// The alert, its fields inline.
    #[serde(flatten)]
    pub alert: Alert,
}

impl AlertMsg {
    /// Wrap an alert with the schema field set.
    pub fn new(alert: Alert, raised_s: Option<f64>) -> Self {
        AlertMsg { schema: Self::SCHEMA.into(), raised_s, alert }
    }
}

impl BusMessage for AlertMsg {
    const SCHEMA: &'static str = "seawarden.alert/1";
    const NAME: &'static str = "alert";
    fn schema_field(&self) -> &str {
        &self.schema
    }
    fn check(&self) -> Result<(), Reject> {
        let a = &self.alert;
        finite("time", a.time)?;
        lat_lon(a.lat, a.lon)?;
        if a.id.as_str().is_empty() {
            return Err(Reject::Range("id"));
        }
        for r in &a.reasons {
            finite("reasons.value", r.value)?;
            finite("reasons.threshold", r.threshold)?;
        }
        Ok(())
    }
}

/// Whether a node is up; the broker publishes `offline` for it as its last will.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    /// Running.
    Online,
    /// Gone: shut down cleanly, or the broker lost it (LWT).
    Offline,
}

/// One sensor input's health in a status report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SensorHealth {
    /// The input's name (its URL unless named).
    pub name: String,
    /// `connecting`, `up`, `backing_off`, `ended`, …
    pub state: String,
    /// Lines received since start.
    pub lines: u64,
    /// Lines per second over the last report interval.
    pub rate_hz: f64,
    /// Lines that did not decode.
    pub errors: u64,
}

/// One bounded queue's fill in a status report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QueueDepth {
    /// Which channel (`detections`, `tracks`, `bus`).
    pub name: String,
    /// Items waiting.
    pub depth: u64,
    /// Its capacity.
    pub capacity: u64,
}

/// The bus's own counters, for the status report and the soak.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BusCounters {
    /// Alerts committed to the outbox.
    pub alerts_committed: u64,
    /// Alerts acknowledged by the broker (PUBACK) and removed from the outbox.
    pub alerts_acked: u64,
    /// Alerts evicted by the outbox's overflow policy.
    pub alerts_evicted: u64,
    /// Track batches published.
    pub track_batches: u64,
    /// Track batches replaced by a newer one before they could be sent.
    pub track_batches_dropped: u64,
    /// Connections made to the broker.
    pub connects: u64,
    /// Connection failures.
    pub disconnects: u64,
    /// Received payloads refused by validation.
    pub rejected: u64,
}

/// `node/{site}/status`: retained health (QoS 1); the LWT publishes the `offline` form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatusMsg {
    /// Always `seawarden.status/1`.
    pub schema: String,
    /// The node's site.
    pub site: String,
    /// Online or offline.
    pub state: NodeState,
    /// Report time, seconds since the Unix epoch (absent in the LWT, which is fixed at connect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
    /// Seconds since the node started.
    #[serde(default)]
    pub uptime_s: f64,
    /// Per-input health.
    #[serde(default)]
    pub sensors: Vec<SensorHealth>,
    /// Per-queue depths.
    #[serde(default)]
    pub queues: Vec<QueueDepth>,
    /// Alerts waiting in the outbox.
    #[serde(default)]
    pub outbox_depth: u64,
    /// Tracks currently held.
    #[serde(default)]
    pub tracks: u64,
    /// Detections per second over the last interval.
    #[serde(default)]
    pub detection_rate_hz: f64,
    /// Bus counters.
    #[serde(default)]
    pub bus: BusCounters,
}

impl StatusMsg {
    /// The last-will form: `state: offline` and nothing else.
    pub fn offline(site: &str) -> Self {
        StatusMsg {
            schema: Self::SCHEMA.into(),
            site: site.into(),
            state: NodeState::Offline,
            time: None,
            uptime_s: 0.0,
            sensors: vec![],
            queues: vec![],
            outbox_depth: 0,
            tracks: 0,
            detection_rate_hz: 0.0,
            bus: BusCounters::default(),
        }
    }
}

impl BusMessage for StatusMsg {
    const SCHEMA: &'static str = "seawarden.status/1";
    const NAME: &'static str = "status";
    fn schema_field(&self) -> &str {
        &self.schema
    }
    fn check(&self) -> Result<(), Reject> {
        if let Some(t) = self.time {
            finite("time", t)?;
        }
        non_negative("uptime_s", self.uptime_s)?;
        non_negative("detection_rate_hz", self.detection_rate_hz)?;
        for s in &self.sensors {
            non_negative("sensors.rate_hz", s.rate_hz)?;
        }
        Ok(())
    }
}

/// What the console asks a node to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Point the PTZ camera at a bearing (and range, for zoom), usually to look at a track.
    SlewToCue {
        /// True bearing from the site, degrees, [0, 360).
        bearing_deg: f64,
        /// Range for zoom, metres.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        range_m: Option<f64>,
        /// The track being cued, if any. When the node tracks it, the node aims from its own
        /// freshest fix of that track and leads it by the track's velocity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        track_id: Option<String>,
        /// The target's speed over ground, knots, for the lead (with `cog_deg`); absent = the
        /// node leads only a track it knows, else aims at a still target.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sog_kn: Option<f64>,
        /// The target's course over ground, true degrees `[0, 360)`, given with `sog_kn`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cog_deg: Option<f64>,
        /// When the target was at `bearing_deg`/`range_m`, seconds since the Unix epoch; the
        /// node dead-reckons from then (absent = the command's `time`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fix_time: Option<f64>,
    },
    /// Change one sensor setting.
    SensorConfig {
        /// Which input.
        sensor: String,
        /// Setting name.
        key: String,
        /// New value, as text.
        value: String,
    },
}

/// `node/{site}/cmd`: a console → node command (QoS 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CommandMsg {
    /// Always `seawarden.cmd/1`.
    pub schema: String,
    /// Target site.
    pub site: String,
    /// Command id, for the audit log.
    pub id: String,
    /// Issue time, seconds since the Unix epoch.
    pub time: f64,
    /// The command.
    #[serde(flatten)]
    pub command: Command,
}

impl BusMessage for CommandMsg {
    const SCHEMA: &'static str = "seawarden.cmd/1";
    const NAME: &'static str = "cmd";
    fn schema_field(&self) -> &str {
        &self.schema
    }
    fn check(&self) -> Result<(), Reject> {
        finite("time", self.time)?;
        if let Command::SlewToCue { bearing_deg, range_m, sog_kn, cog_deg, fix_time, .. } = &self.command {
            course("bearing_deg", *bearing_deg)?;
            if let Some(r) = range_m {
                non_negative("range_m", *r)?;
            }
            // Speed and course come together: one alone cannot lead.
            match (sog_kn, cog_deg) {
                (Some(s), Some(c)) => {
                    non_negative("sog_kn", *s)?;
                    course("cog_deg", *c)?;
                }
                (Some(_), None) => return Err(Reject::Range("cog_deg")),
                (None, Some(_)) => return Err(Reject::Range("sog_kn")),
                (None, None) => {}
            }
            if let Some(t) = fix_time {
                finite("fix_time", *t)?;
            }
        }
        Ok(())
    }
}

/// `task/patrol/{unit}`: send a patrol boat to intercept (QoS 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PatrolTaskMsg {
    /// Always `seawarden.patrol_task/1`.
    pub schema: String,
    /// The tasked unit.
    pub unit: String,
    /// Task id, echoed in the acknowledgement.
    pub task_id: String,
    /// Issue time, seconds since the Unix epoch.
    pub time: f64,
    /// The track to intercept, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_id: Option<String>,
    /// Intercept point latitude, degrees north.
    pub lat: f64,
    /// Intercept point longitude, degrees east.
    pub lon: f64,
    /// Estimated time of arrival, seconds since the Unix epoch.
    pub eta_s: f64,
    /// Revision, from 1 (absent = 1): when the target manoeuvres the console re-plans and sends
    /// the same `task_id` with a higher revision, which replaces the plan of a lower one.
    #[serde(default = "first_revision")]
    pub revision: u32,
    /// The target's last fix the plan was made from, for the crew to predict where it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<PatrolTargetMsg>,
    /// Suggested route over water, `[lat, lon]` pairs from the unit's position to the intercept
    /// point (both included); absent when none was planned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route: Vec<[f64; 2]>,
}

/// The target's fix in a [`PatrolTaskMsg`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PatrolTargetMsg {
    /// Time of the fix, seconds since the Unix epoch.
    pub time: f64,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog_kn: f64,
    /// Course over ground, degrees true.
    pub cog_deg: f64,
}

/// Revisions count from 1; a message without one is the first plan.
fn first_revision() -> u32 {
    1
}

impl BusMessage for PatrolTaskMsg {
    const SCHEMA: &'static str = "seawarden.patrol_task/1";
    const NAME: &'static str = "patrol_task";
    fn schema_field(&self) -> &str {
        &self.schema
    }
    fn check(&self) -> Result<(), Reject> {
        finite("time", self.time)?;
        finite("eta_s", self.eta_s)?;
        lat_lon(self.lat, self.lon)?;
        if let Some(t) = &self.target {
            finite("target.time", t.time)?;
            finite("target.sog_kn", t.sog_kn)?;
            finite("target.cog_deg", t.cog_deg)?;
            lat_lon(t.lat, t.lon)?;
        }
        for p in &self.route {
            lat_lon(p[0], p[1])?;
        }
        Ok(())
    }
}

/// A patrol's answer to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PatrolAnswer {
    /// On its way.
    Accepted,
    /// Cannot go (busy, fuel, weather).
    Declined,
    /// On scene.
    Arrived,
}

/// `task/patrol/{unit}/ack`: the patrol acknowledges, declines or reports arrival (QoS 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PatrolAckMsg {
    /// Always `seawarden.patrol_ack/1`.
    pub schema: String,
    /// The answering unit.
    pub unit: String,
    /// The task answered.
    pub task_id: String,
    /// The revision answered (absent = 1), so the console can tell an answer to a superseded
    /// plan from one to the current plan.
    #[serde(default = "first_revision")]
    pub revision: u32,
    /// Answer time, seconds since the Unix epoch.
    pub time: f64,
    /// The answer.
    pub answer: PatrolAnswer,
}

impl BusMessage for PatrolAckMsg {
    const SCHEMA: &'static str = "seawarden.patrol_ack/1";
    const NAME: &'static str = "patrol_ack";
    fn schema_field(&self) -> &str {
        &self.schema
    }
    fn check(&self) -> Result<(), Reject> {
        finite("time", self.time)
    }
}

/// One drone waypoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Waypoint {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Altitude above take-off, metres.
    pub alt_m: f64,
}

/// `task/drone/{team}`: a drone mission (QoS 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DroneTaskMsg {
    /// Always `seawarden.drone_task/1`.
    pub schema: String,
    /// The tasked team.
    pub team: String,
    /// Mission id.
    pub mission_id: String,
    /// Issue time, seconds since the Unix epoch.
    pub time: f64,
    /// `orbit`, `expanding-square` or `lawnmower`.
    pub pattern: String,
    /// The route.
    pub waypoints: Vec<Waypoint>,
    /// Exported mission files (QGC .plan, KML, …) by name, fetched out of band.
    #[serde(default)]
    pub files: Vec<String>,
    /// The alert the mission answers, when the console tasked it from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_id: Option<String>,
    /// The track the mission looks at (`site/id` as the console shows it), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_id: Option<String>,
    /// The whole mission as QGroundControl `.plan` JSON text, so the team's ground station can
    /// load it straight from the message without fetching files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

impl BusMessage for DroneTaskMsg {
    const SCHEMA: &'static str = "seawarden.drone_task/1";
    const NAME: &'static str = "drone_task";
    fn schema_field(&self) -> &str {
        &self.schema
    }
    fn check(&self) -> Result<(), Reject> {
        finite("time", self.time)?;
        for w in &self.waypoints {
            lat_lon(w.lat, w.lon)?;
            finite("waypoints.alt_m", w.alt_m)?;
        }
        Ok(())
    }
}

/// `unit/{unit}/position`: a patrol boat's or drone's position (QoS 0, retained).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UnitPositionMsg {
    /// Always `seawarden.unit_position/1`.
    pub schema: String,
    /// The unit.
    pub unit: String,
    /// Fix time, seconds since the Unix epoch.
    pub time: f64,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Speed over ground, knots.
    #[serde(default)]
    pub sog_kn: f64,
    /// Course over ground, degrees true.
    #[serde(default)]
    pub cog_deg: f64,
}

impl BusMessage for UnitPositionMsg {
    const SCHEMA: &'static str = "seawarden.unit_position/1";
    const NAME: &'static str = "unit_position";
    fn schema_field(&self) -> &str {
        &self.schema
    }
    fn check(&self) -> Result<(), Reject> {
        finite("time", self.time)?;
        lat_lon(self.lat, self.lon)?;
        non_negative("sog_kn", self.sog_kn)?;
        course("cog_deg", self.cog_deg)
    }
}

/// A validated message, by topic kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Node health.
    Status(StatusMsg),
    /// Track batch.
    Tracks(TracksMsg),
    /// One alert.
    Alert(Box<AlertMsg>),
    /// Console → node command.
    Cmd(CommandMsg),
    /// Patrol tasking.
    PatrolTask(PatrolTaskMsg),
    /// Patrol answer.
    PatrolAck(PatrolAckMsg),
    /// Drone mission.
    DroneTask(DroneTaskMsg),
    /// Unit position.
    UnitPosition(UnitPositionMsg),
}

fn decode<M: BusMessage>(payload: &[u8]) -> Result<M, Reject> {
    let m: M = serde_json::from_slice(payload).map_err(|_| Reject::Shape)?;
    if m.schema_field() != M::SCHEMA {
        return Err(Reject::Schema);
    }
    m.check()?;
    Ok(m)
}

fn same(a: &str, b: &str) -> Result<(), Reject> {
    if a == b { Ok(()) } else { Err(Reject::IdMismatch) }
}

/// Validate a received payload against what its topic promises.
///
/// # Errors
/// A [`Reject`] naming the first check that failed; the caller counts it and drops the payload.
pub fn parse(topic_name: &str, payload: &[u8]) -> Result<Message, Reject> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(Reject::TooLarge);
    }
    let kind = topic::parse(topic_name).ok_or(Reject::UnknownTopic)?;
    Ok(match kind {
        TopicKind::Status { site } => {
            let m: StatusMsg = decode(payload)?;
            same(&m.site, &site)?;
            Message::Status(m)
        }
        TopicKind::Tracks { site } => {
            let m: TracksMsg = decode(payload)?;
            same(&m.site, &site)?;
            Message::Tracks(m)
        }
        TopicKind::Alerts { site } => {
            let m: AlertMsg = decode(payload)?;
            if !m.alert.site.is_empty() {
                same(&m.alert.site, &site)?;
            }
            Message::Alert(Box::new(m))
        }
        TopicKind::Cmd { site } => {
            let m: CommandMsg = decode(payload)?;
            same(&m.site, &site)?;
            Message::Cmd(m)
        }
        TopicKind::PatrolTask { unit } => {
            let m: PatrolTaskMsg = decode(payload)?;
            same(&m.unit, &unit)?;
            Message::PatrolTask(m)
        }
        TopicKind::PatrolAck { unit } => {
            let m: PatrolAckMsg = decode(payload)?;
            same(&m.unit, &unit)?;
            Message::PatrolAck(m)
        }
        TopicKind::DroneTask { team } => {
            let m: DroneTaskMsg = decode(payload)?;
            same(&m.team, &team)?;
            Message::DroneTask(m)
        }
        TopicKind::UnitPosition { unit } => {
            let m: UnitPositionMsg = decode(payload)?;
            same(&m.unit, &unit)?;
            Message::UnitPosition(m)
        }
    })
}

/// Every message type's JSON Schema as `(file name, pretty JSON)`, for `assets/schemas/`.
pub fn json_schemas() -> Vec<(String, String)> {
    fn one<M: BusMessage>() -> (String, String) {
        let mut s = schemas_for::<M>();
        s.push('\n');
        (format!("{}.schema.json", M::NAME), s)
    }
    fn schemas_for<M: BusMessage>() -> String {
        let mut schema = schemars::schema_for!(M);
        schema.insert(
            "$id".into(),
            serde_json::Value::String(format!("https://seawarden.invalid/schemas/{}", M::SCHEMA)),
        );
        // Pin the schema tag in the schema itself, so a validator rejects another kind or version.
        if let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
            props.insert("schema".into(), serde_json::json!({ "const": M::SCHEMA }));
        }
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    }
    vec![
        one::<StatusMsg>(),
        one::<TracksMsg>(),
        one::<AlertMsg>(),
        one::<CommandMsg>(),
        one::<PatrolTaskMsg>(),
        one::<PatrolAckMsg>(),
        one::<DroneTaskMsg>(),
        one::<UnitPositionMsg>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{AlertId, AlertKind, Severity};

    fn alert() -> Alert {
        Alert {
            time: 1.0,
            id: AlertId::derive("a", "1", AlertKind::Loitering, 1.0),
            site: "a".into(),
            kind: AlertKind::Loitering,
            severity: Severity::Low,
            track_id: "1".into(),
            lat: 22.1,
            lon: 113.5,
            mmsi: None,
            reasons: vec![],
            evidence: vec![],
            update: 0,
        }
    }

    mod parse {
        use super::*;

        #[test]
        fn a_valid_alert_round_trips() {
            let m = AlertMsg::new(alert(), Some(5.0));
            let bytes = serde_json::to_vec(&m).unwrap();
            assert_eq!(parse(&topic::alerts("a"), &bytes), Ok(Message::Alert(Box::new(m))));
        }

        #[test]
        fn garbage_is_a_shape_reject() {
            assert_eq!(parse(&topic::alerts("a"), b"\xff{not json"), Err(Reject::Shape));
            assert_eq!(parse(&topic::alerts("a"), b"{}"), Err(Reject::Shape));
        }

        #[test]
        fn wrong_schema_is_rejected() {
            let mut m = AlertMsg::new(alert(), None);
            m.schema = "seawarden.alert/2".into();
            assert_eq!(parse(&topic::alerts("a"), &serde_json::to_vec(&m).unwrap()), Err(Reject::Schema));
        }

        #[test]
        fn out_of_range_latitude_is_rejected() {
            let mut a = alert();
            a.lat = 91.0;
            let m = AlertMsg::new(a, None);
            assert_eq!(parse(&topic::alerts("a"), &serde_json::to_vec(&m).unwrap()), Err(Reject::Range("lat")));
        }

        #[test]
        fn a_site_other_than_the_topics_is_rejected() {
            let m = AlertMsg::new(alert(), None);
            assert_eq!(parse(&topic::alerts("b"), &serde_json::to_vec(&m).unwrap()), Err(Reject::IdMismatch));
        }

        #[test]
        fn a_status_lwt_parses() {
            let m = StatusMsg::offline("a");
            let got = parse(&topic::status("a"), &serde_json::to_vec(&m).unwrap());
            assert_eq!(got, Ok(Message::Status(m)));
        }

        #[test]
        fn oversized_payloads_are_refused_before_parsing() {
            let big = vec![b' '; MAX_PAYLOAD_BYTES + 1];
            assert_eq!(parse(&topic::tracks("a"), &big), Err(Reject::TooLarge));
        }

        #[test]
        fn a_slew_to_cue_without_velocity_still_parses() {
            let old = br#"{"schema": "seawarden.cmd/1", "site": "a", "id": "c1", "time": 5.0,
                "command": "slew_to_cue", "bearing_deg": 200.0, "range_m": 1800.0, "track_id": "7"}"#;
            let Ok(Message::Cmd(m)) = parse(&topic::cmd("a"), old) else { panic!("refused") };
            assert!(matches!(m.command, Command::SlewToCue { sog_kn: None, cog_deg: None, fix_time: None, .. }));
        }

        #[test]
        fn a_slew_to_cue_velocity_is_checked_and_round_trips() {
            let cmd = |sog_kn, cog_deg, fix_time| CommandMsg {
                schema: CommandMsg::SCHEMA.into(),
                site: "a".into(),
                id: "c1".into(),
                time: 5.0,
                command: Command::SlewToCue {
                    bearing_deg: 10.0,
                    range_m: None,
                    track_id: None,
                    sog_kn,
                    cog_deg,
                    fix_time,
                },
            };
            let check = |m: CommandMsg| parse(&topic::cmd("a"), &serde_json::to_vec(&m).unwrap());
            let good = cmd(Some(25.0), Some(270.0), Some(4.5));
            assert_eq!(check(good.clone()), Ok(Message::Cmd(good)));
            assert_eq!(check(cmd(Some(-1.0), Some(0.0), None)), Err(Reject::Range("sog_kn")));
            assert_eq!(check(cmd(Some(1.0), Some(360.0), None)), Err(Reject::Range("cog_deg")));
            assert_eq!(check(cmd(Some(1.0), None, None)), Err(Reject::Range("cog_deg")));
            assert_eq!(check(cmd(None, Some(90.0), None)), Err(Reject::Range("sog_kn")));
            let nan_time = br#"{"schema": "seawarden.cmd/1", "site": "a", "id": "c", "time": 5.0,
                "command": "slew_to_cue", "bearing_deg": 1.0, "fix_time": 1e400}"#;
            assert!(parse(&topic::cmd("a"), nan_time).is_err());
        }

        #[test]
        fn a_course_of_360_is_out_of_range() {
            let m = TracksMsg::new(
                "a",
                1.0,
                vec![TrackReport {
                    track_id: "1".into(),
                    time: 1.0,
                    lat: 0.0,
                    lon: 0.0,
                    sog_kn: 1.0,
                    cog_deg: 360.0,
                    ..Default::default()
                }],
            );
            assert_eq!(
                parse(&topic::tracks("a"), &serde_json::to_vec(&m).unwrap()),
                Err(Reject::Range("tracks.cog_deg"))
            );
        }
    }
}
