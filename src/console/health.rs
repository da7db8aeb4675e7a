//! Node health: each site's retained status (online/offline via the broker's last will), its
//! sensors, rates and outbox depth, whether it has gone dark (offline, or silent too long), and
//! its clock offset.
//!
//! # Clock offset
//! Each status carries the node's own `time`; receive time − `time` is the node's clock error
//! plus the (small, ≥ 0) network delay. Only fresh reports count: the first status heard from a
//! site may be the broker's retained copy, hours old, and a reconnect re-delivers the retained
//! copy again, so a sample is taken only when a status's `time` is newer than the last one
//! seen from that node. Samples are smoothed (exponential, [`OFFSET_ALPHA`]) and an offset beyond
//! [`CLOCK_WARN_S`] is flagged: alert times and night rules depend on node clocks.

use std::collections::BTreeMap;

use crate::bus::msg::{NodeState, StatusMsg};

/// A node that sends no status for this long is shown as silent, seconds.
pub const SILENT_AFTER_S: f64 = 30.0;
/// A smoothed clock offset beyond this many seconds (either way) is a warning.
pub const CLOCK_WARN_S: f64 = 2.0;
/// Weight of a new sample in the smoothed clock offset.
pub const OFFSET_ALPHA: f64 = 0.25;

/// One site's health.
#[derive(Debug, Clone)]
pub struct NodeHealth {
    /// Latest status.
    pub status: StatusMsg,
    /// When it was received, seconds since the epoch.
    pub rx_s: f64,
    /// When it went offline, if it is.
    pub offline_since: Option<f64>,
    /// Smoothed receive time − status time, seconds (positive: the node's clock is behind).
    pub clock_offset_s: Option<f64>,
    /// Fresh status reports that fed the offset.
    pub offset_samples: u64,
    /// Newest status `time` seen from this node (a retained resend repeats an older one).
    last_status_time: Option<f64>,
}

impl NodeHealth {
    /// Whether the smoothed clock offset is beyond [`CLOCK_WARN_S`].
    pub fn clock_warning(&self) -> bool {
        self.clock_offset_s.is_some_and(|o| o.abs() > CLOCK_WARN_S)
    }
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
        let (mut offset, mut samples, mut last_t) =
            self.nodes.get(&site).map_or((None, 0, None), |n| (n.clock_offset_s, n.offset_samples, n.last_status_time));
        if let Some(t) = status.time.filter(|t| t.is_finite() && rx_s.is_finite()) {
            // The first report may be the broker's retained copy: it only sets the baseline.
            if last_t.is_some_and(|prev| t > prev) {
                let sample = rx_s - t;
                offset = Some(offset.map_or(sample, |o| o + OFFSET_ALPHA * (sample - o)));
                samples += 1;
            }
            last_t = Some(last_t.map_or(t, |p: f64| p.max(t)));
        }
        let n = NodeHealth {
            status,
            rx_s,
            offline_since,
            clock_offset_s: offset,
            offset_samples: samples,
            last_status_time: last_t,
        };
        self.nodes.insert(site.clone(), n);
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

    fn at(site: &str, t: f64) -> StatusMsg {
        StatusMsg { time: Some(t), ..online(site) }
    }

    #[test]
    fn clock_offset_is_smoothed_from_fresh_reports_only() {
        let mut h = Health::default();
        // Retained copy from an hour ago, received at 10 000: no sample.
        h.update(at("a", 6_400.0), 10_000.0);
        let n = |h: &Health| h.iter().next().unwrap().1.clone();
        assert_eq!(n(&h).clock_offset_s, None);
        // Fresh reports from a node whose clock is 3 s behind.
        h.update(at("a", 9_997.0), 10_000.0);
        assert_eq!(n(&h).clock_offset_s, Some(3.0));
        assert!(n(&h).clock_warning());
        // The retained copy re-delivered on reconnect (an old time): ignored.
        h.update(at("a", 9_997.0), 10_050.0);
        assert_eq!(n(&h).clock_offset_s, Some(3.0));
        assert_eq!(n(&h).offset_samples, 1);
        // The node's clock is fixed: the offset decays towards 0 and the warning clears.
        let mut t = 10_000.0;
        let mut prev = 3.0;
        for _ in 0..10 {
            t += 5.0;
            h.update(at("a", t), t + 0.05);
            let o = n(&h).clock_offset_s.unwrap();
            assert!(o < prev, "{o} decays");
            prev = o;
        }
        assert!((prev - 0.05).abs() < 0.3, "{prev}");
        assert!(!n(&h).clock_warning());
        // The LWT carries no time and leaves the estimate alone.
        h.update(StatusMsg::offline("a"), t + 10.0);
        assert_eq!(n(&h).clock_offset_s, Some(prev));
    }

    #[test]
    fn a_node_ahead_of_the_console_is_flagged_too() {
        let mut h = Health::default();
        h.update(at("b", 100.0), 100.0);
        h.update(at("b", 110.0), 105.0);
        let o = h.iter().next().unwrap().1.clock_offset_s.unwrap();
        assert_eq!(o, -5.0);
        assert!(h.iter().next().unwrap().1.clock_warning());
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
