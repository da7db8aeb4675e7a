//! Node health: each site's retained status (online/offline via the broker's last will), its
//! sensors, rates and outbox depth, and whether it has gone dark (offline, or silent too long).

use std::collections::BTreeMap;

use crate::bus::msg::{NodeState, StatusMsg};

/// A node that sends no status for this long is shown as silent, seconds.
pub const SILENT_AFTER_S: f64 = 30.0;

/// One site's health.
#[derive(Debug, Clone)]
pub struct NodeHealth {
    /// Latest status.
    pub status: StatusMsg,
    /// When it was received, seconds since the epoch.
    pub rx_s: f64,
    /// When it went offline, if it is.
    pub offline_since: Option<f64>,
}

/// What a status report changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthEvent {
    /// A site came (back) online.
    Online(String),
    /// A site went offline: the operator must be told.
    WentDark(String),
}

/// All sites' health.
#[derive(Debug, Clone, Default)]
pub struct Health {
    nodes: BTreeMap<String, NodeHealth>,
}

impl Health {
    /// Take a status report; returns the transition it caused, if any.
    pub fn update(&mut self, status: StatusMsg, rx_s: f64) -> Option<HealthEvent> {
        let site = status.site.clone();
        let now_online = status.state == NodeState::Online;
        let prev = self.nodes.get(&site).map(|n| n.status.state);
        let offline_since = match (prev, now_online) {
            (_, true) => None,
            (Some(NodeState::Offline), false) => self.nodes.get(&site).and_then(|n| n.offline_since),
            (_, false) => Some(rx_s),
        };
        self.nodes.insert(site.clone(), NodeHealth { status, rx_s, offline_since });
        match (prev, now_online) {
            (Some(NodeState::Online) | None, false) => Some(HealthEvent::WentDark(site)),
            (Some(NodeState::Offline) | None, true) => Some(HealthEvent::Online(site)),
            _ => None,
        }
    }

    /// Every site heard from, by id.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &NodeHealth)> {
        self.nodes.iter()
    }

    /// Whether a site is up: online and heard from within [`SILENT_AFTER_S`] of `now_s`.
    pub fn is_up(&self, site: &str, now_s: f64) -> bool {
        self.nodes.get(site).is_some_and(|n| n.status.state == NodeState::Online && now_s - n.rx_s <= SILENT_AFTER_S)
    }

    /// Sites that are offline or silent at `now_s`.
    pub fn dark_sites(&self, now_s: f64) -> Vec<String> {
        self.nodes.keys().filter(|s| !self.is_up(s, now_s)).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn online(site: &str) -> StatusMsg {
        StatusMsg { state: NodeState::Online, time: Some(1.0), outbox_depth: 3, ..StatusMsg::offline(site) }
    }

    #[test]
    fn lwt_offline_is_a_went_dark_event_once() {
        let mut h = Health::default();
        assert_eq!(h.update(online("a"), 0.0), Some(HealthEvent::Online("a".into())));
        assert_eq!(h.update(online("a"), 5.0), None);
        assert!(h.is_up("a", 6.0));
        assert_eq!(h.update(StatusMsg::offline("a"), 7.0), Some(HealthEvent::WentDark("a".into())));
        assert_eq!(h.update(StatusMsg::offline("a"), 9.0), None);
        assert_eq!(h.iter().next().unwrap().1.offline_since, Some(7.0));
        assert_eq!(h.dark_sites(9.0), vec!["a".to_string()]);
        assert_eq!(h.update(online("a"), 10.0), Some(HealthEvent::Online("a".into())));
    }

    #[test]
    fn a_silent_node_counts_as_dark() {
        let mut h = Health::default();
        h.update(online("b"), 100.0);
        assert!(h.is_up("b", 100.0 + SILENT_AFTER_S));
        assert!(!h.is_up("b", 100.0 + SILENT_AFTER_S + 1.0));
        assert!(!h.is_up("unknown", 0.0));
    }
}
