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
    /// Where searches were sent: one boat in distress seen by several nodes is searched once.
    searched: Vec<LatLon>,
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
            searched: Vec::new(),
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
        let searched_here = self.searched.iter().any(|p| distance_m(*p, target.position) < SEARCH_DEDUP_M);
        if a.kind == AlertKind::Distress && !searched_here {
            out.extend(self.search(a, &target, now_s));
        }
        out
    }

    /// An expanding-square search by the nearest drone team whose mission the planner accepts
    /// (a team whose flight would cross the airport's no-fly zone yields to the next), exported
    /// and sent.
    fn search(&mut self, a: &Alert, target: &Target, now_s: f64) -> Option<Publish> {
        let mut teams: Vec<_> = self.units.units.iter().filter(|u| u.kind == UnitKind::DroneTeam).cloned().collect();
        teams.sort_by(|x, y| distance_m(x.base(), target.position).total_cmp(&distance_m(y.base(), target.position)));
        let params = ExpandingSquareParams::default();
        let (team, mission) = teams.into_iter().find_map(|team| {
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
            match plan(spec, &Limits::default(), &self.fence) {
                Ok(m) => Some((team, m)),
                Err(e) => {
                    tracing::warn!(team = %team.id, "operator: search mission refused: {e}");
                    self.missions_refused += 1;
                    None
                }
            }
        })?;
        self.searched.push(target.position);
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

/// A distress alert within this of an earlier search is the same boat (another node's view).
const SEARCH_DEDUP_M: f64 = 1_000.0;

/// Latest track reports by (site, track id), for the operator's targets.
pub type TrackBook = HashMap<(String, String), TrackReport>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{AlertId, Severity};

    fn distress(site: &str, track: &str, lat: f64, lon: f64) -> Alert {
        Alert {
            time: 0.0,
            id: AlertId::derive(site, track, AlertKind::Distress, 0.0),
            site: site.into(),
            kind: AlertKind::Distress,
            severity: Severity::High,
            track_id: track.into(),
            lat,
            lon,
            mmsi: None,
            reasons: vec![],
            evidence: vec![],
            update: 0,
        }
    }

    /// Far east of Coloane no team can fly the search (the airport's no-fly circle, endurance):
    /// every team is tried and none is sent. South of Coloane the nearest team flies it, and the
    /// same boat reported by a second node is not searched again.
    #[test]
    fn every_team_is_tried_and_one_boat_is_searched_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut op = Operator::new(Units::macau(), dir.path().to_path_buf());
        let teams = op.units.units.iter().filter(|u| u.kind == UnitKind::DroneTeam).count() as u64;
        let drone = |out: &[Publish]| out.iter().filter(|p| p.topic.contains("/task/drone/")).count();
        let out_of_reach = op.on_alert(&distress("cheoc-van", "7", 22.0995, 113.6385), None, 0.0);
        assert_eq!(drone(&out_of_reach), 0);
        assert_eq!(op.missions_refused, teams, "each team was tried");
        let first = op.on_alert(&distress("cheoc-van", "8", 22.092, 113.585), None, 1.0);
        assert_eq!(drone(&first), 1, "a search is sent");
        assert!(first.iter().any(|p| p.topic.ends_with("/task/drone/dt-cheoc-van")), "by the nearest team");
        let again = op.on_alert(&distress("long-chao-kok", "3", 22.0925, 113.5855), None, 2.0);
        assert_eq!(drone(&again), 0, "the same boat from another node");
        assert_eq!(op.missions_sent, 1);
    }
}
