//! The operational picture: everything the console knows, updated one received message at a
//! time. The same entry point serves live MQTT and replay, so a replay shows exactly what the
//! operator saw. Every payload is validated by [`crate::bus::msg::parse`]; a bad one is counted
//! (by reason) and dropped, never a panic.

use std::collections::BTreeMap;

use super::alerts::{AlertQueue, Receipt};
use super::health::{Health, HealthEvent};
use super::tracks::TrackStore;
use crate::anomaly::zones::Zones;
use crate::bus::msg::{self, Message, UnitPositionMsg};
use crate::coast::Sites;

/// What one message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// A track batch was applied.
    Tracks,
    /// An alert was taken in.
    Alert(Receipt),
    /// A status report, with the transition it caused.
    Status(Option<HealthEvent>),
    /// A unit's position.
    Unit,
    /// A valid message the console does not display (commands, tasking echoes).
    Ignored,
    /// Refused by validation.
    Rejected(msg::Reject),
}

/// The console's state.
#[derive(Debug, Clone)]
pub struct Picture {
    /// Tracks.
    pub tracks: TrackStore,
    /// Alerts.
    pub alerts: AlertQueue,
    /// Node health.
    pub health: Health,
    /// Patrol boats' and drones' latest positions.
    pub units: BTreeMap<String, UnitPositionMsg>,
    /// Messages received.
    pub received: u64,
    /// Messages refused, by reason.
    pub rejected: BTreeMap<String, u64>,
    /// Receive time of the latest message, seconds since the epoch (the replay clock).
    pub last_rx_s: f64,
}

impl Picture {
    /// An empty picture for these sites (radar fit decides symbols) and zones (the zone filter).
    pub fn new(sites: &Sites, zones: Option<Zones>) -> Self {
        let radar = sites.iter().filter(|s| s.radar).map(|s| s.id.clone()).collect();
        Picture {
            tracks: TrackStore::new(radar, zones),
            alerts: AlertQueue::default(),
            health: Health::default(),
            units: BTreeMap::new(),
            received: 0,
            rejected: BTreeMap::new(),
            last_rx_s: 0.0,
        }
    }

    /// Take in one received message.
    pub fn ingest(&mut self, topic: &str, payload: &[u8], rx_s: f64) -> Ingested {
        self.received += 1;
        if rx_s.is_finite() {
            self.last_rx_s = self.last_rx_s.max(rx_s);
        }
        let m = match msg::parse(topic, payload) {
            Ok(m) => m,
            Err(r) => {
                tracing::debug!(topic, reason = %r, "console: payload refused");
                *self.rejected.entry(r.to_string()).or_default() += 1;
                return Ingested::Rejected(r);
            }
        };
        match m {
            Message::Tracks(t) => {
                self.tracks.apply(&t, payload);
                Ingested::Tracks
            }
            Message::Alert(a) => Ingested::Alert(self.alerts.receive(a.alert, rx_s)),
            Message::Status(s) => {
                let site = s.site.clone();
                let ev = self.health.update(s, rx_s);
                if matches!(ev, Some(HealthEvent::WentDark(_))) {
                    self.tracks.drop_site(&site);
                }
                Ingested::Status(ev)
            }
            Message::UnitPosition(u) => {
                self.units.insert(u.unit.clone(), u);
                Ingested::Unit
            }
            _ => Ingested::Ignored,
        }
    }

    /// Messages refused, all reasons.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }

    /// Forget everything received (a replay seek rebuilds from the recording); sites and zones stay.
    pub fn clear(&mut self) {
        self.tracks.clear();
        self.alerts = AlertQueue::default();
        self.health = Health::default();
        self.units.clear();
        self.received = 0;
        self.rejected.clear();
        self.last_rx_s = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::msg::{StatusMsg, TrackReport, TracksMsg};
    use crate::bus::topic;

    #[test]
    fn bad_payloads_are_counted_not_fatal() {
        let mut p = Picture::new(&Sites::macau(), None);
        assert!(matches!(p.ingest(&topic::tracks("a"), b"\xff", 1.0), Ingested::Rejected(_)));
        assert!(matches!(p.ingest("elsewhere/x", b"{}", 1.0), Ingested::Rejected(_)));
        assert_eq!(p.rejected_total(), 2);
        assert_eq!(p.received, 2);
    }

    #[test]
    fn a_node_going_dark_removes_its_tracks() {
        let mut p = Picture::new(&Sites::macau(), None);
        let r = TrackReport {
            track_id: "1".into(),
            time: 1.0,
            lat: 22.1,
            lon: 113.56,
            sog_kn: 5.0,
            cog_deg: 0.0,
            ..Default::default()
        };
        let t = serde_json::to_vec(&TracksMsg::new("ka-ho", 1.0, vec![r])).unwrap();
        assert_eq!(p.ingest(&topic::tracks("ka-ho"), &t, 1.0), Ingested::Tracks);
        assert_eq!(p.tracks.len(), 1);
        let off = serde_json::to_vec(&StatusMsg::offline("ka-ho")).unwrap();
        assert_eq!(
            p.ingest(&topic::status("ka-ho"), &off, 2.0),
            Ingested::Status(Some(HealthEvent::WentDark("ka-ho".into())))
        );
        assert!(p.tracks.is_empty());
    }
}
