//! The console application: layout (status bar, alert queue, map, details), the per-frame feed
//! drain, and the audited alert workflow. [`ConsoleApp::ui`] draws into any `Ui`, so the same
//! code runs in the eframe window, under `egui_kittest` and in the headless frame-time bench.

use std::collections::HashSet;

use eframe::egui::{self, Align, Color32, Layout, RichText, Ui};
use serde_json::json;

use super::alerts::{AlertState, WorkflowAction};
use super::feed::{Feed, Inbound};
use super::health::HealthEvent;
use super::layers::Basemap;
use super::map::{self, MapInputs, MapState};
use super::picture::{Ingested, Picture};
use super::theme;
use super::tracks::{TrackFilter, TrackKey, VesselClass};
use crate::alert::{AlertId, Severity};
use crate::anomaly::zones::Zones;
use crate::audit::{Action, AuditLog, Outcome, Session};
use crate::bus::msg::{BusMessage, PatrolTaskMsg};
use crate::bus::{Publish, topic};
use crate::geodesy::{LatLon, MPS_PER_KNOT, distance_m};
use crate::tasking::units::{UnitKind, Units};

mod drone;
mod replay_bar;

pub use drone::{MissionDesk, PlannedMission};

/// Messages taken from the feed per frame at most (the rest wait for the next frame).
pub const MAX_PER_FRAME: usize = 5_000;

/// Who is at the console and where their actions are recorded.
pub struct Operator {
    /// The audit log.
    pub log: AuditLog,
    /// The logged-in session.
    pub session: Session,
}

/// The login form shown until an operator logs in (when an audit log is configured).
pub struct Login {
    /// The audit log that checks passwords.
    pub log: AuditLog,
    /// User name typed.
    pub user: String,
    /// Password typed.
    pub password: String,
    /// Last failure.
    pub error: Option<String>,
}

/// The whole console.
pub struct ConsoleApp {
    /// Pending login: while set, only the login form is shown.
    pub login: Option<Login>,
    /// A banner tag for the data source when it is neither live nor replay (e.g. SYNTHETIC).
    pub source_tag: Option<String>,
    /// Static map data.
    pub basemap: Basemap,
    /// The operational picture.
    pub picture: Picture,
    /// Map state.
    pub map: MapState,
    /// Track filter.
    pub filter: TrackFilter,
    /// Selected track.
    pub selected: Option<TrackKey>,
    /// Selected alert.
    pub selected_alert: Option<AlertId>,
    /// Message source.
    pub feed: Feed,
    /// Logged-in operator (None: no audit log configured; actions are then local only).
    pub operator: Option<Operator>,
    /// Tasking units (assign targets).
    pub units: Units,
    /// Show dismissed/closed alerts too.
    pub show_finished: bool,
    /// Last error or notice for the operator.
    pub notice: Option<String>,
    /// Drone missions: the last planned, a refusal to show, the export folder.
    pub missions: MissionDesk,
    /// The recording being replayed (seek rebuilds from it); `None` when live.
    pub playback: Option<super::playback::Playback>,
    /// Decoded IR snapshots, by URI.
    pub snapshots: super::snapshot::SnapshotCache,
    /// Slider position while the operator drags it, seconds into the recording.
    seek_drag_s: Option<f64>,
    dismiss_reason: String,
    assign_unit: String,
    close_outcome: Outcome,
    inbox: Vec<Inbound>,
    replay_done: Option<String>,
    dark_sites: Vec<String>,
    /// Audible alarm for new high/critical alerts (see [`super::sound`]).
    pub alarm: super::sound::Alarm,
}

impl ConsoleApp {
    /// A console over the embedded Macau map and zones, fed by `feed`.
    ///
    /// # Errors
    /// Only if an embedded asset is broken.
    pub fn macau(feed: Feed) -> Result<Self, super::layers::LayerError> {
        let basemap = Basemap::macau()?;
        Ok(Self::new(basemap, Zones::macau().ok(), Units::macau(), feed))
    }

    /// A console over the given data.
    pub fn new(basemap: Basemap, zones: Option<Zones>, units: Units, feed: Feed) -> Self {
        let picture = Picture::new(&basemap.sites, zones);
        let assign_unit = units.units.first().map(|u| u.id.clone()).unwrap_or_default();
        ConsoleApp {
            login: None,
            source_tag: None,
            basemap,
            picture,
            map: MapState::default(),
            filter: TrackFilter::default(),
            selected: None,
            selected_alert: None,
            feed,
            operator: None,
            units,
            show_finished: false,
            notice: None,
            missions: MissionDesk::default(),
            playback: None,
            snapshots: super::snapshot::SnapshotCache::default(),
            seek_drag_s: None,
            dismiss_reason: String::new(),
            assign_unit,
            close_outcome: Outcome::FalseAlarm,
            inbox: Vec::new(),
            replay_done: None,
            dark_sites: Vec::new(),
            alarm: super::sound::Alarm::system(),
        }
    }

    /// Feed one message by hand (tests, tools); what the feed does every frame.
    pub fn ingest(&mut self, m: &Inbound) -> Ingested {
        let hot = |s: &Self| s.picture.alerts.unacknowledged_at_least(Severity::High);
        let before = (m.topic.ends_with("/alerts") && !self.feed.is_replay()).then(|| hot(self));
        let r = self.picture.ingest(&m.topic, &m.payload, m.received_s);
        if before.is_some_and(|b| hot(self) > b) {
            self.alarm.raise();
        }
        match &r {
            Ingested::Alert(super::alerts::Receipt::New) if !self.feed.is_replay() => {
                if let Some(op) = &self.operator {
                    if let Ok(crate::bus::msg::Message::Alert(a)) = crate::bus::msg::parse(&m.topic, &m.payload) {
                        let d =
                            json!({"site": a.alert.site, "kind": a.alert.kind.as_str(), "severity": a.alert.severity});
                        if let Err(e) = op.log.alert_state(a.alert.id.as_str(), None, "raised", None, d) {
                            tracing::warn!("audit: {e}");
                        }
                    }
                }
            }
            Ingested::Status(Some(HealthEvent::WentDark(site))) => {
                self.notice = Some(format!("SITE DARK: {site} went offline"));
            }
            _ => {}
        }
        r
    }

    fn drain_feed(&mut self) {
        let mut inbox = std::mem::take(&mut self.inbox);
        let d = self.feed.drain(MAX_PER_FRAME, &mut inbox);
        for m in inbox.drain(..) {
            self.ingest(&m);
        }
        self.inbox = inbox;
        if let Some(f) = d.finished {
            self.replay_done = Some(f);
        }
    }

    fn now_s(&self) -> f64 {
        // Live: the wall clock. Replay: the recorded time on screen. Hand-fed: the time of the data.
        match &self.feed {
            Feed::Live(l) => l.time_at(crate::bus::client::now_s()),
            Feed::Replay(_) => self
                .replay_position_ms()
                .map_or(self.picture.last_rx_s, |p| self.picture.last_rx_s.max(p as f64 / 1000.0)),
            Feed::None => self.picture.last_rx_s,
        }
    }

    /// Whether the current user may do `action` (everyone may when no audit log is configured).
    pub fn may(&self, action: Action) -> bool {
        !self.feed.is_replay() && self.operator.as_ref().is_none_or(|o| o.session.may(action))
    }

    /// Apply a workflow action to an alert: permission check and audit first, then the queue,
    /// then the state-change row; assignment to a patrol boat also tasks it over the bus, and
    /// assignment to a drone team sends it a mission. A drone mission is planned before anything
    /// changes: one that cannot be flown (no-fly zone, range) is refused, audited, and leaves the
    /// alert as it was.
    ///
    /// # Errors
    /// A message for the operator: refused by role, REPLAY, workflow rules, the mission check or
    /// the audit log.
    pub fn act(&mut self, id: &AlertId, action: WorkflowAction) -> Result<(), String> {
        if self.feed.is_replay() {
            return Err("REPLAY: actions are disabled".into());
        }
        let now = self.now_s();
        let mut mission = None;
        if let WorkflowAction::Assign(team) = &action
            && self.is_drone_team(team)
        {
            if !self.may(crate::audit::Action::TaskDrone) {
                return Err("not allowed to task drones".into());
            }
            match self.plan_drone(id, team, now) {
                Ok(p) => mission = Some(p),
                Err(e) => {
                    self.refuse_mission(id, team, &e);
                    return Err(format!("mission refused: {e}"));
                }
            }
        }
        let who = self.operator.as_ref().map(|o| o.session.user().to_string()).unwrap_or_else(|| "local".into());
        let detail = match &action {
            WorkflowAction::Assign(u) => json!({"unit": u}),
            WorkflowAction::Dismiss(r) => json!({"reason": r}),
            WorkflowAction::Close(o) => json!({"outcome": o}),
            _ => json!({}),
        };
        if let Some(op) = &self.operator {
            op.log
                .append(&op.session, action.audit_action(), id.as_str(), detail.clone())
                .map_err(|e| e.to_string())?;
        }
        let (from, to) = self.picture.alerts.apply(id, &action, &who, now).map_err(|e| e.to_string())?;
        if let Some(op) = &self.operator
            && let Err(e) = op.log.alert_state(id.as_str(), Some(from), to, Some(&op.session), detail)
        {
            tracing::warn!("audit: {e}");
        }
        if let Some(p) = mission {
            self.send_drone(p);
        } else if let WorkflowAction::Assign(unit) = &action {
            self.task_patrol(id, unit, now);
        }
        Ok(())
    }

    fn task_patrol(&mut self, id: &AlertId, unit: &str, now: f64) {
        let (Some(u), Some(e)) = (self.units.get(unit), self.picture.alerts.get(id)) else { return };
        if u.kind != UnitKind::PatrolBoat || !topic::valid_segment(unit) {
            return;
        }
        let to = LatLon::new(e.alert.lat, e.alert.lon);
        let eta = now + distance_m(u.current_position(), to) / (u.max_speed_kn * MPS_PER_KNOT).max(0.1);
        let m = PatrolTaskMsg {
            schema: PatrolTaskMsg::SCHEMA.into(),
            unit: unit.into(),
            task_id: format!("{}-{}", id, unit),
            time: now,
            track_id: Some(e.alert.track_id.clone()),
            lat: to.lat_deg,
            lon: to.lon_deg,
            eta_s: eta,
            revision: 1,
            target: None,
            route: Vec::new(),
        };
        if let Ok(payload) = serde_json::to_vec(&m) {
            let p = Publish { topic: topic::patrol_task(unit), qos: rumqttc::QoS::AtLeastOnce, retain: false, payload };
            if self.feed.publish(p) {
                self.notice = Some(format!("{unit} tasked, ETA {:.0} min", (eta - now) / 60.0));
            }
        }
    }

    /// Send the track's site a slew-to-cue command (audited), so its camera looks at the track.
    ///
    /// # Errors
    /// A message for the operator: refused, unknown site, or the bus queue is full.
    pub fn cue_camera(&mut self, key: &TrackKey, at: LatLon) -> Result<String, String> {
        let site = self.basemap.sites.get(&key.site).ok_or_else(|| format!("unknown site {}", key.site))?;
        let now = self.now_s();
        let report = self.picture.tracks.get(key).map(|t| &t.report);
        let cmd = slew_to_cue_command(site.position(), key, at, report, now);
        let crate::bus::msg::Command::SlewToCue { bearing_deg: bearing, range_m: Some(range), .. } = cmd.command else {
            return Err("internal: not a slew-to-cue command".into());
        };
        if self.feed.is_replay() {
            return Err("REPLAY: commands are disabled".into());
        }
        if let Some(op) = &self.operator {
            let d = json!({"site": key.site, "track": key.id, "bearing_deg": bearing, "range_m": range});
            op.log.append(&op.session, Action::SendCommand, &cmd.id, d).map_err(|e| e.to_string())?;
        }
        let payload = serde_json::to_vec(&cmd).map_err(|e| e.to_string())?;
        let p = Publish { topic: topic::cmd(&key.site), qos: rumqttc::QoS::AtLeastOnce, retain: false, payload };
        if self.feed.publish(p) {
            Ok(format!("{}: camera cued to {bearing:05.1}°T, {:.1} km", key.site, range / 1000.0))
        } else {
            Err("not connected: cue not sent".into())
        }
    }

    /// Select an alert: its track is selected and the map jumps to it.
    pub fn select_alert(&mut self, id: &AlertId) {
        if let Some(e) = self.picture.alerts.get(id) {
            self.selected_alert = Some(id.clone());
            self.selected = Some(TrackKey { site: e.alert.site.clone(), id: e.alert.track_id.clone() });
            self.map.jump_to(LatLon::new(e.alert.lat, e.alert.lon));
        }
    }

    /// Require a login against `log` before the console is shown.
    pub fn require_login(&mut self, log: AuditLog) {
        self.login = Some(Login { log, user: String::new(), password: String::new(), error: None });
    }

    fn login_form(&mut self, ui: &mut Ui) {
        let Some(l) = &mut self.login else { return };
        let mut done = None;
        egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                ui.heading("SEAWARDEN — Maritime Operations Command Centre");
                ui.label("Every action is recorded in the audit log.");
                ui.add_space(12.0);
                let lu = ui.label("User");
                ui.add(egui::TextEdit::singleline(&mut l.user).desired_width(220.0)).labelled_by(lu.id);
                let lp = ui.label("Password");
                let pw = ui
                    .add(egui::TextEdit::singleline(&mut l.password).password(true).desired_width(220.0))
                    .labelled_by(lp.id);
                let enter = pw.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button("Log in").clicked() || enter {
                    match l.log.login(l.user.trim(), &l.password) {
                        Ok(session) => done = Some(session),
                        Err(e) => {
                            l.error = Some(e.to_string());
                            l.password.clear();
                        }
                    }
                }
                if let Some(e) = &l.error {
                    ui.colored_label(Color32::from_rgb(255, 100, 100), e);
                }
            });
        });
        if let Some(session) = done
            && let Some(l) = self.login.take()
        {
            self.operator = Some(Operator { log: l.log, session });
        }
    }

    /// Draw the whole console into `ui` (the window's root, or a test harness).
    pub fn ui(&mut self, ui: &mut Ui) {
        if self.login.is_some() {
            self.login_form(ui);
            return;
        }
        self.drain_feed();
        let now = self.now_s();
        self.dark_sites = self.picture.health.dark_sites(now);
        let time = ui.input(|i| i.time);
        egui::Panel::top("status").show(ui, |ui| self.status_bar(ui, now, time));
        if self.feed.is_replay() {
            egui::Panel::bottom("replay").show(ui, |ui| self.replay_bar(ui));
        }
        let narrow = ui.available_width() < 1500.0;
        egui::Panel::left("alerts")
            .resizable(true)
            .default_size(if narrow { 330.0 } else { 400.0 })
            .show(ui, |ui| self.alert_panel(ui));
        egui::Panel::right("details").resizable(true).default_size(if narrow { 290.0 } else { 340.0 }).show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| self.details_panel(ui, now));
        });
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            let alerted: HashSet<TrackKey> = self
                .picture
                .alerts
                .sorted(false)
                .iter()
                .map(|e| TrackKey { site: e.alert.site.clone(), id: e.alert.track_id.clone() })
                .collect();
            let inp = MapInputs {
                basemap: &self.basemap,
                tracks: &self.picture.tracks,
                alerts: &self.picture.alerts,
                filter: &self.filter,
                selected: self.selected.as_ref(),
                alerted: &alerted,
                time_s: time,
            };
            let out = map::show(ui, &mut self.map, &inp);
            if let Some(k) = out.clicked {
                self.selected = Some(k);
            } else if out.clicked_empty {
                self.selected = None;
            }
        });
        if self.picture.alerts.unacknowledged_at_least(Severity::High) > 0 || self.feed.is_replay() {
            ui.ctx().request_repaint_after_secs(0.25);
        }
    }

    fn status_bar(&mut self, ui: &mut Ui, now: f64, time: f64) {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("SEAWARDEN").strong().size(16.0));
            if self.feed.is_replay() {
                ui.label(
                    RichText::new(" REPLAY ")
                        .strong()
                        .size(16.0)
                        .color(Color32::BLACK)
                        .background_color(Color32::from_rgb(230, 90, 230)),
                );
            } else if let Feed::Live(l) = &self.feed {
                ui.label(
                    RichText::new(" LIVE ")
                        .strong()
                        .color(Color32::BLACK)
                        .background_color(Color32::from_rgb(80, 200, 120)),
                );
                ui.label(&l.broker);
            } else if let Some(tag) = &self.source_tag {
                ui.label(
                    RichText::new(format!(" {tag} "))
                        .strong()
                        .color(Color32::BLACK)
                        .background_color(Color32::from_rgb(240, 200, 60)),
                );
            } else {
                ui.label(RichText::new(" NO FEED ").strong().color(Color32::BLACK).background_color(Color32::GRAY));
            }
            ui.separator();
            ui.label(if now > 0.0 { utc(now) } else { "no data yet".into() });
            ui.separator();
            let p = &self.picture;
            ui.label(format!("tracks {}  dark {}", p.tracks.len(), p.tracks.dark_count()));
            ui.separator();
            let open = p.alerts.sorted(false).len();
            ui.label(format!("alerts open {open}"));
            let hot = p.alerts.unacknowledged_at_least(Severity::High);
            if hot > 0 {
                let on = (time * 3.0).sin() > 0.0;
                let bg = if on { Color32::from_rgb(220, 40, 40) } else { Color32::from_rgb(90, 20, 20) };
                ui.label(
                    RichText::new(format!(" {hot} HIGH/CRITICAL UNACKNOWLEDGED "))
                        .strong()
                        .color(Color32::WHITE)
                        .background_color(bg),
                );
            }
            self.alarm.ui(ui);
            ui.separator();
            let n = self.basemap.sites.len();
            let up = self.basemap.sites.iter().filter(|s| p.health.is_up(&s.id, now)).count();
            ui.label(format!("sites up {up}/{n}"));
            if !self.dark_sites.is_empty() {
                ui.label(
                    RichText::new(format!(" DARK: {} ", self.dark_sites.join(", ")))
                        .color(Color32::WHITE)
                        .background_color(Color32::from_rgb(150, 30, 30)),
                );
            }
            if p.rejected_total() > 0 {
                ui.label(
                    RichText::new(format!("rejected {}", p.rejected_total())).color(Color32::from_rgb(240, 160, 40)),
                );
            }
            // Notices flow with the other items (a right-to-left group would overlap wrapped text).
            if let Some(n) = &self.notice {
                // Long notices (a mission refusal names legs and zones) are cut; the full text hovers.
                let short: String = if n.chars().count() > 90 {
                    n.chars().take(89).chain(std::iter::once('…')).collect()
                } else {
                    n.clone()
                };
                ui.label(RichText::new(short).color(Color32::from_rgb(255, 200, 80))).on_hover_text(n);
            }
            if let Some(d) = &self.replay_done {
                ui.label(d);
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                match &self.operator {
                    Some(o) => ui.label(format!("{} ({})", o.session.user(), o.session.role())),
                    None => ui.label(RichText::new("no audit log").italics()),
                };
            });
        });
    }

    fn alert_panel(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.heading("Alert queue");
            ui.checkbox(&mut self.show_finished, "closed too");
        });
        let rows: Vec<(AlertId, String, Severity, bool, bool)> = self
            .picture
            .alerts
            .sorted(self.show_finished)
            .iter()
            .map(|e| {
                let a = &e.alert;
                let text = format!(
                    "{:<8} {} {}/{} {} [{}]",
                    format!("{:?}", a.severity).to_uppercase(),
                    a.kind.as_str(),
                    a.site,
                    a.track_id,
                    hms(a.time),
                    e.state.name()
                );
                (a.id.clone(), text, a.severity, e.state == AlertState::New, e.suppressed)
            })
            .collect();
        let list_h = (ui.available_height() * 0.45).max(120.0);
        egui::ScrollArea::vertical().id_salt("alert-list").max_height(list_h).show(ui, |ui| {
            if rows.is_empty() {
                ui.label(RichText::new("No alerts.").italics());
            }
            for (id, text, sev, new, suppressed) in rows {
                let mut t = RichText::new(text).monospace().color(theme::severity(sev));
                if new {
                    t = t.strong();
                }
                if suppressed {
                    t = t.weak().italics();
                }
                let sel = self.selected_alert.as_ref() == Some(&id);
                if ui.selectable_label(sel, t).clicked() {
                    self.select_alert(&id);
                }
            }
        });
        ui.separator();
        egui::ScrollArea::vertical().id_salt("alert-detail").show(ui, |ui| self.alert_detail(ui));
    }

    fn alert_detail(&mut self, ui: &mut Ui) {
        let Some(id) = self.selected_alert.clone() else {
            ui.label(RichText::new("Select an alert to see why it fired and act on it.").italics());
            return;
        };
        let Some(e) = self.picture.alerts.get(&id).cloned() else { return };
        let a = &e.alert;
        ui.label(
            RichText::new(format!("{} — {:?}", a.kind.as_str(), a.severity))
                .strong()
                .color(theme::severity(a.severity)),
        );
        ui.label(format!("id {}  update {}  copies {}", a.id, a.update, e.received));
        ui.label(format!("{}/{}  {:.5}°N {:.5}°E", a.site, a.track_id, a.lat, a.lon));
        if let Some(m) = a.mmsi {
            ui.label(format!("MMSI {m}"));
        }
        if e.suppressed {
            ui.label(RichText::new("matches an earlier dismissal (suppressed)").italics());
        }
        egui::Grid::new("reasons").striped(true).show(ui, |ui| {
            ui.label(RichText::new("rule").strong());
            ui.label(RichText::new("value").strong());
            ui.label(RichText::new("threshold").strong());
            ui.end_row();
            for r in &a.reasons {
                ui.label(&r.rule);
                ui.label(format!("{:.2}", r.value));
                ui.label(format!("{:.2}", r.threshold));
                ui.end_row();
            }
        });
        ui.label(format!("state: {}", e.state.name()));
        if e.state.is_open() {
            ui.horizontal_wrapped(|ui| {
                if ui
                    .add_enabled(
                        self.may(Action::Acknowledge) && e.state == AlertState::New,
                        egui::Button::new("Acknowledge"),
                    )
                    .clicked()
                {
                    self.do_act(&id, WorkflowAction::Acknowledge);
                }
                if ui.add_enabled(self.may(Action::Escalate), egui::Button::new("Escalate")).clicked() {
                    self.do_act(&id, WorkflowAction::Escalate);
                }
            });
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt("assign-unit")
                    .selected_text(self.assign_unit.clone())
                    .width(150.0)
                    .show_ui(ui, |ui| {
                        for u in &self.units.units {
                            ui.selectable_value(&mut self.assign_unit, u.id.clone(), format!("{} ({})", u.id, u.name));
                        }
                    });
                if ui.add_enabled(self.may(Action::Assign), egui::Button::new("Assign")).clicked() {
                    let u = self.assign_unit.clone();
                    self.do_act(&id, WorkflowAction::Assign(u));
                }
            });
            self.drone_rows(ui, &id);
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut self.dismiss_reason).hint_text("reason").desired_width(150.0));
                let ok = !self.dismiss_reason.trim().is_empty() && self.may(Action::Dismiss);
                if ui.add_enabled(ok, egui::Button::new("Dismiss")).clicked() {
                    let r = std::mem::take(&mut self.dismiss_reason);
                    self.do_act(&id, WorkflowAction::Dismiss(r));
                }
            });
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt("close-outcome").selected_text(outcome_name(self.close_outcome)).show_ui(
                    ui,
                    |ui| {
                        for o in [Outcome::FalseAlarm, Outcome::SarAssisted, Outcome::Intercepted] {
                            ui.selectable_value(&mut self.close_outcome, o, outcome_name(o));
                        }
                    },
                );
                let o = self.close_outcome;
                if ui.add_enabled(self.may(Action::Close(o)), egui::Button::new("Close")).clicked() {
                    self.do_act(&id, WorkflowAction::Close(o));
                }
            });
        }
        for ev in &a.evidence {
            if ev.kind == super::snapshot::IR_SNAPSHOT {
                let w = ui.available_width().min(360.0);
                egui::CollapsingHeader::new("IR snapshot")
                    .id_salt(("alert-snapshot", a.id.as_str()))
                    .default_open(true)
                    .show(ui, |ui| self.snapshots.show(ui, &ev.uri, w));
            } else {
                ui.label(RichText::new(format!("evidence {}: {}", ev.kind, ev.uri)).weak());
            }
        }
        egui::CollapsingHeader::new("history").default_open(false).show(ui, |ui| {
            for (t, who, what) in &e.history {
                ui.label(format!("{} {who}: {what}", hms(*t)));
            }
        });
    }

    fn do_act(&mut self, id: &AlertId, a: WorkflowAction) {
        if let Err(e) = self.act(id, a) {
            self.notice = Some(e);
        }
    }

    fn details_panel(&mut self, ui: &mut Ui, now: f64) {
        egui::CollapsingHeader::new("Selected track").default_open(true).show(ui, |ui| self.track_detail(ui));
        egui::CollapsingHeader::new("Filters").default_open(true).show(ui, |ui| self.filters(ui));
        egui::CollapsingHeader::new("Layers").default_open(false).show(ui, |ui| {
            let l = &mut self.map.layers;
            ui.checkbox(&mut l.hotspots, "hotspots");
            ui.checkbox(&mut l.waters, "waters boundary");
            ui.checkbox(&mut l.no_fly, "no-fly zone");
            ui.checkbox(&mut l.sectors, "camera sectors");
            ui.checkbox(&mut l.radar_rings, "radar rings");
            ui.checkbox(&mut self.map.trails, "trails");
            ui.checkbox(&mut self.map.labels, "labels");
            ui.checkbox(&mut self.map.measuring, "measure tool (M)");
        });
        egui::CollapsingHeader::new("Node health").default_open(true).show(ui, |ui| self.health(ui, now));
    }

    fn track_detail(&mut self, ui: &mut Ui) {
        let Some((key, pos, label)) = self
            .selected
            .as_ref()
            .and_then(|k| self.picture.tracks.get(k))
            .map(|t| (t.key.clone(), t.position(), t.label()))
        else {
            ui.label(RichText::new("Click a track on the map.").italics());
            return;
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(label).strong());
            let cue = ui
                .add_enabled(self.may(Action::SendCommand), egui::Button::new("Cue camera"))
                .on_hover_text("Slew the site's thermal camera onto this track");
            if cue.clicked() {
                let r = self.cue_camera(&key, pos);
                self.notice = Some(r.unwrap_or_else(|e| e));
            }
        });
        let Some(t) = self.picture.tracks.get(&key) else { return };
        let r = &t.report;
        egui::Grid::new("track").num_columns(2).show(ui, |ui| {
            let mut row = |k: &str, v: String| {
                ui.label(k);
                ui.label(v);
                ui.end_row();
            };
            row("track", t.key.to_string());
            row("position", format!("{:.5}°N {:.5}°E", r.lat, r.lon));
            row("speed / course", format!("{:.1} kn  {:05.1}°T", r.sog_kn, r.cog_deg));
            row("status", r.status.clone().unwrap_or_else(|| "-".into()));
            row("symbol", format!("{:?}{}", t.source, if t.dark { " (DARK)" } else { "" }));
            row("class", format!("{}{}", t.class.label(), if r.class.is_some() { "" } else { " (inferred)" }));
            row(
                "sources",
                if r.sources.is_empty() {
                    format!("{:?} (inferred)", t.source).to_lowercase()
                } else {
                    r.sources.join(", ")
                },
            );
            if let Some(l) = t.extras.length_m {
                row("length (est.)", format!("{l:.0} m"));
            }
            if let Some(s) = r.sigma_m {
                row("σ position", format!("{s:.0} m"));
            }
            if let Some(c) = r.cov_ne_m2 {
                if let Some((a, b, th)) = map::ellipse_2sigma(c) {
                    let brg = (90.0 - th.to_degrees()).rem_euclid(180.0);
                    row("2σ ellipse", format!("{a:.0} × {b:.0} m, major axis {brg:03.0}°T"));
                }
                row("cov n/ne/e m²", format!("{:.0} / {:.0} / {:.0}", c[0], c[1], c[2]));
            }
            if let Some(m) = r.mmsi {
                row("MMSI", m.to_string());
            }
            if let Some(a) = &t.extras.ais {
                for (k, v) in [
                    ("name", a.name.clone()),
                    ("call sign", a.callsign.clone()),
                    ("destination", a.destination.clone()),
                ] {
                    if let Some(v) = v {
                        row(k, v);
                    }
                }
                if let Some(l) = a.length_m {
                    row("length", format!("{l:.0} m"));
                }
                if let Some(s) = a.ship_type {
                    row("ship type", s.to_string());
                }
            }
            row("zones", if t.zones.is_empty() { "-".into() } else { t.zones.join(", ") });
            row("trail", format!("{} points", t.trail.len()));
        });
        // The last IR snapshot: the newest alert on this track that carries one, else the track's own.
        let snap = self
            .picture
            .alerts
            .sorted(true)
            .iter()
            .filter(|e| e.alert.site == key.site && e.alert.track_id == key.id)
            .filter_map(|e| {
                let ev = e.alert.evidence.iter().rev().find(|v| v.kind == super::snapshot::IR_SNAPSHOT)?;
                Some((e.alert.time, ev.uri.clone()))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, u)| u)
            .or_else(|| self.picture.tracks.get(&key).and_then(|t| t.extras.ir_snapshot.clone()));
        if let Some(uri) = snap {
            ui.label(RichText::new("last IR snapshot").strong());
            let w = ui.available_width().min(360.0);
            self.snapshots.show(ui, &uri, w);
        }
    }

    fn filters(&mut self, ui: &mut Ui) {
        let f = &mut self.filter;
        ui.horizontal_wrapped(|ui| {
            for (i, c) in VesselClass::ALL.iter().enumerate() {
                ui.checkbox(&mut f.classes[i], c.label());
            }
        });
        ui.checkbox(&mut f.dark_only, "dark targets only");
        ui.add(egui::Slider::new(&mut f.min_kn, 0.0..=60.0).text("min kn"));
        ui.add(egui::Slider::new(&mut f.max_kn, 0.0..=80.0).text("max kn (80 = any)"));
        let current = f.zone.clone().unwrap_or_else(|| "any zone".into());
        egui::ComboBox::from_label("zone").selected_text(current).show_ui(ui, |ui| {
            ui.selectable_value(&mut f.zone, None, "any zone");
            for a in &self.basemap.waters {
                ui.selectable_value(&mut f.zone, Some(a.id.clone()), a.id.clone());
            }
            for h in &self.basemap.hotspots {
                ui.selectable_value(&mut f.zone, Some(h.area.id.clone()), format!("{} ({:?})", h.area.id, h.risk));
            }
        });
        let shown = self.picture.tracks.iter().filter(|t| self.filter.passes(t)).count();
        ui.label(format!("showing {shown} of {}", self.picture.tracks.len()));
    }

    fn health(&mut self, ui: &mut Ui, now: f64) {
        egui::Grid::new("health").striped(true).num_columns(5).show(ui, |ui| {
            for h in ["site", "state", "det/s", "outbox", "clock"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for s in self.basemap.sites.iter() {
                ui.label(&s.id);
                match self.picture.health.iter().find(|(id, _)| *id == &s.id) {
                    Some((_, n)) => {
                        let up = self.picture.health.is_up(&s.id, now);
                        let (txt, col) = if up {
                            ("online", Color32::from_rgb(80, 200, 120))
                        } else if n.status.state == crate::bus::msg::NodeState::Online {
                            ("silent", Color32::from_rgb(240, 160, 40))
                        } else {
                            ("OFFLINE", Color32::from_rgb(255, 80, 80))
                        };
                        ui.label(RichText::new(txt).color(col).strong()).on_hover_text(
                            n.status
                                .sensors
                                .iter()
                                .map(|x| format!("{}: {} {:.1}/s, {} errors", x.name, x.state, x.rate_hz, x.errors))
                                .collect::<Vec<_>>()
                                .join("\n"),
                        );
                        ui.label(format!("{:.1}", n.status.detection_rate_hz));
                        ui.label(n.status.outbox_depth.to_string());
                        match n.clock_offset_s {
                            Some(o) if n.clock_warning() => ui.label(
                                RichText::new(format!("{o:+.1} s !")).color(Color32::from_rgb(240, 160, 40)).strong(),
                            ),
                            Some(o) => ui.label(format!("{o:+.1} s")),
                            None => ui.label(RichText::new("-").weak()),
                        }
                        .on_hover_text(format!(
                            "receive time − node time, smoothed over {} fresh reports; over ±{:.0} s is a warning",
                            n.offset_samples,
                            super::health::CLOCK_WARN_S
                        ));
                    }
                    None => {
                        ui.label(RichText::new("unknown").weak());
                        ui.label("-");
                        ui.label("-");
                        ui.label("-");
                    }
                }
                ui.end_row();
            }
        });
    }
}

impl eframe::App for ConsoleApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        ConsoleApp::ui(self, ui);
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Intercepted => "intercepted",
        Outcome::FalseAlarm => "false alarm",
        Outcome::SarAssisted => "SAR assisted",
    }
}

/// `HH:MM:SS` UTC of epoch seconds.
fn hms(t: f64) -> String {
    let s = t.rem_euclid(86_400.0) as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// `YYYY-MM-DD HH:MM:SS UTC` of epoch seconds.
pub(crate) fn utc(t: f64) -> String {
    let days = (t / 86_400.0).floor() as i64;
    // Civil from days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02} {} UTC", hms(t))
}

/// The slew-to-cue command that points `site`'s camera at `at` for track `key`, carrying the
/// track's speed, course and fix time when its report has valid ones, so the node leads the
/// target from where it was (not where it was drawn).
fn slew_to_cue_command(
    site: LatLon,
    key: &TrackKey,
    at: LatLon,
    report: Option<&crate::bus::msg::TrackReport>,
    now: f64,
) -> crate::bus::msg::CommandMsg {
    let motion = report
        .map(|r| (r.sog_kn, r.cog_deg, r.time))
        .filter(|(s, c, t)| s.is_finite() && *s >= 0.0 && (0.0..360.0).contains(c) && t.is_finite());
    crate::bus::msg::CommandMsg {
        schema: crate::bus::msg::CommandMsg::SCHEMA.into(),
        site: key.site.clone(),
        id: format!("cue-{}-{}-{}", key.site, key.id, (now * 1000.0) as i64),
        time: now,
        command: crate::bus::msg::Command::SlewToCue {
            bearing_deg: crate::geodesy::bearing_deg(site, at).rem_euclid(360.0),
            range_m: Some(distance_m(site, at)),
            track_id: Some(key.id.clone()),
            sog_kn: motion.map(|m| m.0),
            cog_deg: motion.map(|m| m.1),
            fix_time: motion.map(|m| m.2),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formats_a_known_instant() {
        assert_eq!(super::utc(1_764_547_200.0 + 3661.0), "2025-12-01 01:01:01 UTC");
        assert_eq!(super::utc(0.0), "1970-01-01 00:00:00 UTC");
    }

    /// The cue carries the selected track's velocity and fix time, and passes the bus's checks.
    #[test]
    fn a_camera_cue_carries_the_tracks_motion() {
        use crate::bus::msg::{Command, Message, TrackReport};
        let key = super::TrackKey { site: "taipa-west".into(), id: "7".into() };
        let site = super::LatLon::new(22.17, 113.54);
        let at = super::LatLon::new(22.16, 113.55);
        let report =
            TrackReport { track_id: "7".into(), time: 99.5, sog_kn: 31.0, cog_deg: 245.0, ..Default::default() };
        let cmd = super::slew_to_cue_command(site, &key, at, Some(&report), 100.0);
        let Command::SlewToCue { bearing_deg, range_m, sog_kn, cog_deg, fix_time, .. } = cmd.command.clone() else {
            panic!("{cmd:?}")
        };
        assert!((bearing_deg - 138.0).abs() < 2.0 && range_m.is_some_and(|r| (r - 1_510.0).abs() < 30.0), "{cmd:?}");
        assert_eq!((sog_kn, cog_deg, fix_time), (Some(31.0), Some(245.0), Some(99.5)));
        let bytes = serde_json::to_vec(&cmd).unwrap();
        assert_eq!(crate::bus::msg::parse(&crate::bus::topic::cmd("taipa-west"), &bytes), Ok(Message::Cmd(cmd)));
        // A report without a usable velocity sends none (the node aims at a still target).
        let bad = TrackReport { sog_kn: f64::NAN, ..report };
        let cmd = super::slew_to_cue_command(site, &key, at, Some(&bad), 100.0);
        assert!(matches!(cmd.command, Command::SlewToCue { sog_kn: None, cog_deg: None, fix_time: None, .. }));
    }
}
