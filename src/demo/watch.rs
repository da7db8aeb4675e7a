//! What the demo's own subscriber sees on the broker: tracks per site, alerts (de-duplicated by
//! id and update, with their broker latency), node status reports, patrol answers, unit
//! positions. It stands where the console stands and keeps the figures for the summary.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::alert::Alert;
use crate::bus::msg::{NodeState, StatusMsg};
use crate::bus::{Message, Received};
use crate::tasking::patrol::{Answer, PatrolAck};

use super::operator::TrackBook;

/// The subscriber's tally.
#[derive(Debug, Default)]
pub struct Watch {
    /// Wall time of the first track report with at least one track.
    pub first_track_s: Option<f64>,
    /// Distinct track ids per site.
    pub tracks: BTreeMap<String, BTreeSet<String>>,
    /// Track batches heard.
    pub track_batches: u64,
    /// Latest report of every track.
    pub book: TrackBook,
    /// Every alert's first line, by id, in arrival order.
    pub alerts: Vec<Alert>,
    alert_ids: HashSet<String>,
    /// Distinct (id, update) pairs heard per site: what nodes committed should all be here.
    pub alert_lines: HashMap<String, HashSet<(String, u32)>>,
    /// Alert lines heard again (resends).
    pub duplicates: u64,
    /// Broker latency per alert line, node outbox commit → receipt, milliseconds.
    pub latency_ms: Vec<f64>,
    /// Latest `online` status per site (its counters are cumulative).
    pub status: BTreeMap<String, StatusMsg>,
    /// Patrol answers by kind.
    pub acks: BTreeMap<&'static str, u64>,
    /// Drone missions seen on the bus.
    pub drone_tasks: u64,
    /// Payloads that failed validation.
    pub rejected: u64,
}

/// What one message means for the operator.
#[derive(Debug)]
pub enum Event {
    /// A new alert line.
    Alert(Box<Alert>),
    /// A patrol's answer.
    Ack(PatrolAck),
    /// A unit's position.
    Position(String, f64, crate::geodesy::LatLon),
    /// Nothing to act on.
    None,
}

impl Watch {
    /// Tally one received message and say what it means.
    pub fn on_message(&mut self, r: &Received) -> Event {
        let m = match &r.message {
            Ok(m) => m,
            Err(_) => {
                self.rejected += 1;
                return Event::None;
            }
        };
        match m {
            Message::Tracks(t) => {
                self.track_batches += 1;
                if !t.tracks.is_empty() && self.first_track_s.is_none() {
                    self.first_track_s = Some(r.received_s);
                }
                let ids = self.tracks.entry(t.site.clone()).or_default();
                for tr in &t.tracks {
                    ids.insert(tr.track_id.clone());
                    self.book.insert((t.site.clone(), tr.track_id.clone()), tr.clone());
                }
                Event::None
            }
            Message::Alert(a) => {
                let site = a.alert.site.clone();
                if !self.alert_lines.entry(site).or_default().insert((a.alert.id.0.clone(), a.alert.update)) {
                    self.duplicates += 1;
                    return Event::None;
                }
                if let Some(raised) = a.raised_s {
                    self.latency_ms.push((r.received_s - raised) * 1000.0);
                }
                if self.alert_ids.insert(a.alert.id.0.clone()) {
                    self.alerts.push(a.alert.clone());
                }
                Event::Alert(Box::new(a.alert.clone()))
            }
            Message::Status(s) => {
                if s.state == NodeState::Online {
                    self.status.insert(s.site.clone(), s.clone());
                }
                Event::None
            }
            Message::PatrolAck(_) => {
                let Ok(ack) = serde_json::from_slice::<PatrolAck>(&r.payload) else { return Event::None };
                let k = match ack.answer {
                    Answer::Accepted => "accepted",
                    Answer::Declined => "declined",
                    Answer::Arrived => "arrived",
                };
                *self.acks.entry(k).or_default() += 1;
                Event::Ack(ack)
            }
            Message::DroneTask(_) => {
                self.drone_tasks += 1;
                Event::None
            }
            Message::UnitPosition(p) => {
                Event::Position(p.unit.clone(), p.time, crate::geodesy::LatLon::new(p.lat, p.lon))
            }
            _ => Event::None,
        }
    }
}
