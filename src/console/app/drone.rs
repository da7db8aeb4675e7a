//! Assigning an alert to a drone team: plan the mission ([`crate::tasking::drone`]), refuse it
//! with the reason when it cannot be flown (no-fly zone, range), publish it on
//! `seawarden/v1/task/drone/{team}`, audit it, and export its files on request.

use std::path::PathBuf;

use eframe::egui::{self, Color32, RichText, Ui};
use serde_json::json;

use super::ConsoleApp;
use crate::alert::AlertId;
use crate::audit::Action;
use crate::bus::msg::DroneTaskMsg;
use crate::bus::{Publish, topic};
use crate::tasking::drone;
use crate::tasking::units::UnitKind;
use crate::tasking::{Geofence, Mission, Target};

/// The console's drone-tasking state.
#[derive(Debug)]
pub struct MissionDesk {
    /// The no-fly zones every mission is checked against.
    pub fence: Geofence,
    /// Folder the "Export mission…" button writes to (created if missing).
    pub export_dir: String,
    /// The last mission planned (sent or exported).
    pub last: Option<PlannedMission>,
    /// The last refusal, by alert: shown in that alert's details until the next attempt.
    pub refusal: Option<(AlertId, String)>,
}

impl Default for MissionDesk {
    fn default() -> Self {
        MissionDesk { fence: Geofence::macau(), export_dir: "missions".into(), last: None, refusal: None }
    }
}

/// A mission planned for an alert and a team.
#[derive(Debug, Clone)]
pub struct PlannedMission {
    /// The alert it answers.
    pub alert: AlertId,
    /// The drone team.
    pub team: String,
    /// `alert-team`, as patrol task ids are.
    pub mission_id: String,
    /// The checked mission.
    pub mission: Mission,
    /// The bus message (sent or not).
    pub msg: DroneTaskMsg,
    /// Whether the bus took it.
    pub sent: bool,
}

impl ConsoleApp {
    /// Whether `unit` names a drone team.
    pub(super) fn is_drone_team(&self, unit: &str) -> bool {
        self.units.get(unit).is_some_and(|u| u.kind == UnitKind::DroneTeam)
    }

    /// Plan the mission `team` would fly for alert `id`: a search for distress, an orbit
    /// otherwise, over the alert's track (its latest report when the console has it).
    ///
    /// # Errors
    /// Why not, for the operator: unknown alert or team, or the mission's refusal (leg and zone).
    pub fn plan_drone(&self, id: &AlertId, team: &str, now: f64) -> Result<PlannedMission, String> {
        let unit = self.units.get(team).filter(|u| u.kind == UnitKind::DroneTeam);
        let unit = unit.ok_or_else(|| format!("{team} is not a drone team"))?;
        let e = self.picture.alerts.get(id).ok_or_else(|| format!("no alert {id}"))?;
        let a = &e.alert;
        let key = format!("{}/{}", a.site, a.track_id);
        let track = self.picture.tracks.iter().find(|t| t.key.site == a.site && t.key.id == a.track_id);
        let target = match track {
            Some(t) => Target::track(&key, t.report.time, t.position(), t.report.sog_kn, t.report.cog_deg),
            None => Target::track(&key, a.time, crate::geodesy::LatLon::new(a.lat, a.lon), 0.0, 0.0),
        };
        let pattern = drone::pattern_for(a.kind);
        let name = format!("{} {} {key}", pattern.name(), a.kind.as_str());
        let mission_id = format!("{id}-{team}");
        let mission = drone::mission(unit, &target, pattern, &name, now, &self.missions.fence)
            // The default fonts have no arrow glyph: the leg reads "a -> b" on screen.
            .map_err(|e| format!("{team}: {e}").replace('→', "->"))?;
        let msg =
            drone::task_msg(&mission, team, &mission_id, Some(id.as_str()), Some(&key)).map_err(|e| e.to_string())?;
        Ok(PlannedMission { alert: id.clone(), team: team.into(), mission_id, mission, msg, sent: false })
    }

    /// Record a refused mission: shown in the alert's details and written to the audit log.
    pub(super) fn refuse_mission(&mut self, id: &AlertId, team: &str, reason: &str) {
        self.missions.refusal = Some((id.clone(), reason.to_string()));
        if let Some(op) = &self.operator
            && let Err(e) =
                op.log.append(&op.session, Action::TaskDrone, id.as_str(), json!({"team": team, "refused": reason}))
        {
            tracing::warn!("audit: {e}");
        }
    }

    /// Publish a planned mission to its team (QoS 1) and audit it; keeps it for export.
    pub(super) fn send_drone(&mut self, mut p: PlannedMission) {
        self.missions.refusal = None;
        match serde_json::to_vec(&p.msg) {
            Ok(payload) => {
                let t = topic::drone_task(&p.team);
                p.sent = topic::valid_segment(&p.team)
                    && self.feed.publish(Publish { topic: t, qos: rumqttc::QoS::AtLeastOnce, retain: false, payload });
            }
            Err(e) => tracing::warn!("drone task not encoded: {e}"),
        }
        if let Some(op) = &self.operator {
            let d = json!({
                "team": p.team, "mission_id": p.mission_id, "pattern": p.mission.pattern,
                "waypoints": p.mission.waypoints.len(), "length_m": p.mission.length_m().round(), "sent": p.sent,
            });
            if let Err(e) = op.log.append(&op.session, Action::TaskDrone, p.alert.as_str(), d) {
                tracing::warn!("audit: {e}");
            }
        }
        self.notice = Some(if p.sent {
            format!(
                "{}: {} mission sent ({} waypoints, {:.1} km)",
                p.team,
                p.mission.pattern,
                p.mission.waypoints.len(),
                p.mission.length_m() / 1000.0
            )
        } else {
            format!("{}: not connected, mission not sent (export it instead)", p.team)
        });
        self.missions.last = Some(p);
    }

    /// Write the mission for alert `id` and drone team `team` as QGC `.plan`, WPL, KML and CoT
    /// into the export folder (audited). Reuses the mission just sent when it matches.
    ///
    /// # Errors
    /// The refusal or the I/O error, for the operator.
    pub fn export_mission(&mut self, id: &AlertId, team: &str) -> Result<Vec<PathBuf>, String> {
        if !self.may(Action::TaskDrone) {
            return Err("not allowed to task drones".into());
        }
        let now = self.now_s();
        let p = match &self.missions.last {
            Some(p) if &p.alert == id && p.team == team => p.clone(),
            _ => match self.plan_drone(id, team, now) {
                Ok(p) => p,
                Err(e) => {
                    self.refuse_mission(id, team, &e);
                    return Err(format!("mission refused: {e}"));
                }
            },
        };
        let dir = PathBuf::from(self.missions.export_dir.trim());
        let files = drone::export_all(&p.mission, &dir, &drone::file_stem(&p.mission_id)).map_err(|e| e.to_string())?;
        if let Some(op) = &self.operator {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            let d = json!({"team": team, "mission_id": p.mission_id, "exported": names});
            op.log.append(&op.session, Action::TaskDrone, id.as_str(), d).map_err(|e| e.to_string())?;
        }
        self.missions.refusal = None;
        self.missions.last = Some(p);
        Ok(files)
    }

    /// The drone rows of an alert's details: export folder and button, the refusal if any, and
    /// the mission sent for it.
    pub(super) fn drone_rows(&mut self, ui: &mut Ui, id: &AlertId) {
        if self.is_drone_team(&self.assign_unit) {
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut self.missions.export_dir).hint_text("folder").desired_width(150.0),
                )
                .on_hover_text("Folder for the exported .plan, .waypoints, .kml and .cot files");
                let b = ui
                    .add_enabled(self.may(Action::TaskDrone), egui::Button::new("Export mission…"))
                    .on_hover_text("Write the mission for this alert and drone team in every format");
                if b.clicked() {
                    let team = self.assign_unit.clone();
                    self.notice = Some(match self.export_mission(id, &team) {
                        Ok(f) => format!("mission exported: {} files in {}", f.len(), self.missions.export_dir.trim()),
                        Err(e) => e,
                    });
                }
            });
        }
        if let Some((rid, why)) = &self.missions.refusal
            && rid == id
        {
            ui.label(RichText::new(format!("Mission refused: {why}")).color(Color32::from_rgb(255, 110, 110)));
        }
        if let Some(p) = self.missions.last.as_ref().filter(|p| &p.alert == id) {
            ui.label(
                RichText::new(format!(
                    "{} {}: {} waypoints, {:.1} km{}",
                    p.team,
                    p.mission.pattern,
                    p.mission.waypoints.len(),
                    p.mission.length_m() / 1000.0,
                    if p.sent { ", sent" } else { "" }
                ))
                .weak(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use rumqttc::QoS;
    use tokio_util::sync::CancellationToken;

    use crate::alert::{Alert, AlertId, AlertKind, Severity};
    use crate::bus::msg::{self, AlertMsg, Message};
    use crate::bus::{BusOptions, Publish, bus, topic};
    use crate::console::ConsoleApp;
    use crate::console::alerts::{AlertState, WorkflowAction};
    use crate::console::feed::{Feed, Inbound, LiveFeed};

    /// Over a real broker: assigning a distress alert to a drone team publishes the mission on
    /// `task/drone/{team}` (QoS 1), a `seawarden.drone_task/1` payload that validates, with the
    /// waypoints and the QGC `.plan` inline; a subscriber of that topic — the team — receives it.
    #[test]
    fn a_drone_assignment_publishes_the_mission_to_the_team() {
        let url = crate::bus::broker::start_on_loopback().unwrap();
        let team = "dt-cheoc-van";
        let opts = BusOptions { url: url.clone(), client_id: "console-drone-test".into(), ..BusOptions::default() };
        let mut app = ConsoleApp::macau(Feed::Live(LiveFeed::start(opts, None, || {}).unwrap())).unwrap();
        let t0 = 1_796_162_400.0;
        let a = Alert {
            time: t0,
            id: AlertId::derive("cheoc-van", "9", AlertKind::Distress, t0),
            site: "cheoc-van".into(),
            kind: AlertKind::Distress,
            severity: Severity::Critical,
            track_id: "9".into(),
            lat: 22.100,
            lon: 113.550,
            mmsi: None,
            reasons: vec![],
            evidence: vec![],
            update: 0,
        };
        let id = a.id.clone();
        let payload = serde_json::to_vec(&AlertMsg::new(a, Some(t0))).unwrap();
        app.ingest(&Inbound { topic: topic::alerts("cheoc-van"), payload, received_s: t0 });
        // The team's ground station: subscribed to its task topic.
        let sub = BusOptions {
            url,
            client_id: "dt-cheoc-van-gcs".into(),
            subscriptions: vec![(topic::drone_task(team), QoS::AtLeastOnce)],
            ..BusOptions::default()
        };
        let (h, mut lp) = bus(sub, 16).unwrap();
        let mut rx = lp.incoming();
        let stop = CancellationToken::new();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let got = rt.block_on(async {
            let task = tokio::spawn(lp.run(stop.clone()));
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            let probe_topic = topic::drone_task(team);
            // Both ends are up once each sees the team's own probe on the topic.
            let (mut team_up, mut console_up) = (false, false);
            let mut inbox = Vec::new();
            while !(team_up && console_up) && std::time::Instant::now() < deadline {
                let p = Publish {
                    topic: probe_topic.clone(),
                    qos: QoS::AtLeastOnce,
                    retain: false,
                    payload: b"probe".to_vec(),
                };
                let _ = h.try_publish(p);
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                while let Ok(r) = rx.try_recv() {
                    team_up |= r.payload == b"probe";
                }
                app.feed.drain(100, &mut inbox);
                console_up |= inbox.iter().any(|m| m.payload == b"probe");
            }
            assert!(team_up && console_up, "broker round trip: team {team_up}, console {console_up}");
            app.act(&id, WorkflowAction::Assign(team.into())).unwrap();
            let mut got = None;
            while got.is_none() && std::time::Instant::now() < deadline {
                match tokio::time::timeout(std::time::Duration::from_millis(500), rx.recv()).await {
                    Ok(Some(r)) if r.payload != b"probe" => got = Some(r),
                    Ok(None) => break,
                    _ => {}
                }
            }
            stop.cancel();
            let _ = task.await;
            got
        });
        let r = got.expect("the team received the mission");
        assert_eq!(r.topic, topic::drone_task(team));
        let m = match msg::parse(&r.topic, &r.payload) {
            Ok(Message::DroneTask(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(m.schema, "seawarden.drone_task/1");
        assert_eq!(m.team, team);
        assert_eq!(m.pattern, "expanding-square");
        assert_eq!(m.alert_id.as_deref(), Some(id.as_str()));
        assert_eq!(m.track_id.as_deref(), Some("cheoc-van/9"));
        assert_eq!(m.waypoints.len(), crate::tasking::drone::SEARCH_LEGS + 1);
        let plan: serde_json::Value = serde_json::from_str(m.plan.as_deref().unwrap()).unwrap();
        assert_eq!(plan["fileType"], "Plan");
        assert!(app.missions.last.as_ref().is_some_and(|p| p.sent));
        assert_eq!(app.picture.alerts.get(&id).unwrap().state, AlertState::Assigned(team.into()));
    }
}
