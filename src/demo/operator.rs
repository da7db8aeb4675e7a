//! The headless demo's operator: what a watch officer does at the console, as code. On each high
//! or critical alert it tasks the patrol boat that gets there first (the tasking planner's
//! [`rank_units`] and [`TaskBoard`], the console's "assign"); on a distress alert it also sends
//! the nearest drone team an expanding-square search (planned against the no-fly zones and
//! exported as a QGroundControl `.plan`), as the console's "export mission" does.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use rumqttc::QoS;

use crate::alert::{Alert, AlertKind, Severity};
use crate::bus::msg::{DroneTaskMsg, TrackReport, Waypoint as BusWaypoint};
use crate::bus::{BusMessage as _, Publish, topic};
use crate::geodesy::{LatLon, distance_m};
use crate::sim::World;
use crate::tasking::mission::MissionEnd;
use crate::tasking::patrol::{PatrolAck, ReplanPolicy, TaskBoard};
use crate::tasking::patterns::{ExpandingSquareParams, expanding_square};
use crate::tasking::{Format, Geofence, Limits, MissionSpec, Target, UnitKind, Units, plan, rank_units};

/// The operator's state: its picture of the units and its task board.
pub struct Operator {
    world: std::sync::Arc<World>,
    /// The units as the operator knows them (positions from their reports).
    pub units: Units,
    board: TaskBoard,
    fence: Geofence,
    tasked_tracks: HashSet<(String, String)>,
    searched: HashSet<String>,
    /// Where exported mission files go.
    pub missions_dir: PathBuf,
    /// Patrol tasks sent.
    pub tasks_sent: u64,
    /// Drone missions sent.
    pub missions_sent: u64,
    /// Missions the planner refused (no-fly zone, range).
    pub missions_refused: u64,
}

impl Operator {
    /// An operator for `units`, writing mission files under `missions_dir`.
    pub fn new(units: Units, missions_dir: PathBuf) -> Self {
        Operator {
            world: World::macau(),
            units,
            board: TaskBoard::new(ReplanPolicy::default()),
            fence: Geofence::macau(),
            tasked_tracks: HashSet::new(),
            searched: HashSet::new(),
            missions_dir,
            tasks_sent: 0,
            missions_sent: 0,
            missions_refused: 0,
        }
    }

    /// A unit's position report.
    pub fn on_position(&mut self, unit: &str, time_s: f64, p: LatLon) {
        if let Some(u) = self.units.get_mut(unit) {
            u.report_position(time_s, p);
        }
    }

    /// A patrol's answer.
    pub fn on_ack(&mut self, ack: &PatrolAck) {
        self.board.on_ack(&mut self.units, ack);
    }

    /// Decide on an alert; returns what to publish. `track` is the flagged track's latest report.
    pub fn on_alert(&mut self, a: &Alert, track: Option<&TrackReport>, now_s: f64) -> Vec<Publish> {
        let mut out = Vec::new();
        if a.severity < Severity::High {
            return out;
        }
        let pos = LatLon::new(a.lat, a.lon);
        let (sog, cog) = track.map_or((0.0, 0.0), |t| (t.sog_kn, t.cog_deg));
        let target = Target::track(a.track_id.clone(), a.time, pos, sog, cog);
        if self.tasked_tracks.insert((a.site.clone(), a.track_id.clone())) {
            let boats: Vec<_> = rank_units(&self.world.router, &self.units, &target)
                .into_iter()
                .filter(|c| self.units.get(&c.unit_id).is_some_and(|u| u.kind == UnitKind::PatrolBoat))
                .collect();
            if let Some(best) = boats.first() {
                let task = self.board.assign(&mut self.units, &best.unit_id, &target, &best.intercept, now_s);
                tracing::info!(unit = %best.unit_id, alert = %a.id.as_str(), "operator: patrol tasked");
                self.tasks_sent += 1;
                out.push(Publish {
                    topic: topic::patrol_task(&task.unit),
                    qos: QoS::AtLeastOnce,
                    retain: false,
                    payload: serde_json::to_vec(&task).unwrap_or_default(),
                });
            }
        }
        if a.kind == AlertKind::Distress && self.searched.insert(a.track_id.clone()) {
            out.extend(self.search(a, &target, now_s));
        }
        out
    }

    /// An expanding-square search by the nearest drone team, exported and sent.
    fn search(&mut self, a: &Alert, target: &Target, now_s: f64) -> Option<Publish> {
        let team = self
            .units
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::DroneTeam)
            .min_by(|x, y| distance_m(x.base(), target.position).total_cmp(&distance_m(y.base(), target.position)))?
            .clone();
        let params = ExpandingSquareParams::default();
        let spec = MissionSpec {
            name: format!("search {} ({})", a.track_id, a.site),
            pattern: "expanding-square".into(),
            launch: team.base(),
            takeoff_alt_m: params.alt_m,
            speed_mps: team.max_speed_mps(),
            waypoints: expanding_square(target, &params),
            end: MissionEnd::ReturnToLaunch,
            target: Some(target.clone()),
            rally_points: vec![team.base()],
            created_s: now_s,
        };
        let mission = match plan(spec, &Limits::default(), &self.fence) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(team = %team.id, "operator: search mission refused: {e}");
                self.missions_refused += 1;
                return None;
            }
        };
        let id = format!("search-{}-{}", a.site, a.track_id);
        let file = self.missions_dir.join(format!("{id}.plan"));
        let mut buf = Vec::new();
        let plan_text = match Format::Plan.writer().write(&mission, &mut buf) {
            Ok(()) => {
                if std::fs::write(&file, &buf).is_err() {
                    tracing::warn!(file = %file.display(), "operator: cannot write the mission file");
                }
                String::from_utf8(buf).ok()
            }
            Err(e) => {
                tracing::warn!("operator: cannot export the mission: {e}");
                None
            }
        };
        let msg = DroneTaskMsg {
            schema: DroneTaskMsg::SCHEMA.into(),
            team: team.id.clone(),
            mission_id: id,
            time: now_s,
            pattern: "expanding-square".into(),
            waypoints: mission
                .waypoints
                .iter()
                .map(|w| BusWaypoint { lat: w.position.lat_deg, lon: w.position.lon_deg, alt_m: w.alt_m })
                .collect(),
            files: vec![file.display().to_string()],
            alert_id: Some(a.id.as_str().to_owned()),
            track_id: Some(format!("{}/{}", a.site, a.track_id)),
            plan: plan_text,
        };
        self.missions_sent += 1;
        tracing::info!(team = %team.id, alert = %a.id.as_str(), "operator: drone search sent");
        Some(Publish {
            topic: topic::drone_task(&team.id),
            qos: QoS::AtLeastOnce,
            retain: false,
            payload: serde_json::to_vec(&msg).unwrap_or_default(),
        })
    }
}

/// Latest track reports by (site, track id), for the operator's targets.
pub type TrackBook = HashMap<(String, String), TrackReport>;
