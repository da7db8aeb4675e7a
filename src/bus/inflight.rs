//! Which outbox row rides which MQTT packet id: pure bookkeeping, no I/O (rumqttc `state.rs`).
//!
//! The bus loop hands publishes to rumqttc in order and rumqttc reports, in the same order, the
//! packet id each went out with (`Outgoing::Publish(pkid)`, or `AwaitAck(pkid)` when the id is
//! still taken and the publish waits). The loop tells [`Inflight`] about each step and acts on its
//! answers: [`Inflight::acked`] names the outbox row to delete, [`Inflight::disconnected`] empties
//! everything so the loop resends every row still in the outbox.

use std::collections::{HashMap, VecDeque};

/// Rowid of an alert in the outbox.
pub type OutboxSeq = i64;

/// What a submitted publish is, so its packet id can be matched to an outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// An alert from the outbox: delete the row on PUBACK.
    Alert(OutboxSeq),
    /// Anything else (tracks, status): nothing to do on PUBACK.
    Other,
}

/// Submitted-but-unnumbered publishes and numbered-but-unacknowledged alerts.
#[derive(Debug, Default)]
pub struct Inflight {
    queued: VecDeque<Tag>,
    sent: HashMap<u16, OutboxSeq>,
    collided: Option<(u16, Tag)>,
}

impl Inflight {
    /// Nothing in flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// A publish was handed to the client's request queue.
    pub fn submitted(&mut self, tag: Tag) {
        self.queued.push_back(tag);
    }

    /// The last [`submitted`](Self::submitted) publish could not be queued after all (queue full).
    pub fn unsubmit(&mut self) -> Option<Tag> {
        self.queued.pop_back()
    }

    /// The client sent the oldest queued publish with packet id `pkid` (0 for QoS 0).
    ///
    /// Returns the alert now waiting for its PUBACK, if it was one.
    pub fn published(&mut self, pkid: u16) -> Option<OutboxSeq> {
        let tag = match self.collided {
            Some((p, tag)) if p == pkid => {
                self.collided = None;
                tag
            }
            _ => self.queued.pop_front()?,
        };
        match tag {
            Tag::Alert(seq) if pkid != 0 => {
                self.sent.insert(pkid, seq);
                Some(seq)
            }
            _ => None,
        }
    }

    /// The oldest queued publish found its packet id still in use and waits for it to be acked.
    pub fn collided(&mut self, pkid: u16) {
        if let Some(tag) = self.queued.pop_front() {
            self.collided = Some((pkid, tag));
        }
    }

    /// The broker acknowledged `pkid`: the alert it carried, whose outbox row may now go.
    pub fn acked(&mut self, pkid: u16) -> Option<OutboxSeq> {
        self.sent.remove(&pkid)
    }

    /// The connection dropped: every alert not yet acknowledged, for resending. Clears everything.
    pub fn disconnected(&mut self) -> Vec<OutboxSeq> {
        let mut out: Vec<OutboxSeq> = self.sent.drain().map(|(_, s)| s).collect();
        out.extend(self.queued.drain(..).filter_map(|t| match t {
            Tag::Alert(s) => Some(s),
            Tag::Other => None,
        }));
        if let Some((_, Tag::Alert(s))) = self.collided.take() {
            out.push(s);
        }
        out.sort_unstable();
        out
    }

    /// Alerts submitted or sent and not yet acknowledged: the loop keeps this under its window.
    pub fn alerts_in_flight(&self) -> usize {
        self.sent.len()
            + self.queued.iter().filter(|t| matches!(t, Tag::Alert(_))).count()
            + usize::from(matches!(self.collided, Some((_, Tag::Alert(_)))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn puback_removes_only_the_acked_alert() {
        let mut f = Inflight::new();
        f.submitted(Tag::Alert(10));
        f.submitted(Tag::Alert(11));
        assert_eq!(f.published(1), Some(10));
        assert_eq!(f.published(2), Some(11));
        assert_eq!(f.acked(2), Some(11));
        assert_eq!(f.alerts_in_flight(), 1);
        assert_eq!(f.acked(2), None);
        assert_eq!(f.acked(1), Some(10));
        assert_eq!(f.alerts_in_flight(), 0);
    }

    #[test]
    fn other_publishes_are_matched_but_not_tracked() {
        let mut f = Inflight::new();
        f.submitted(Tag::Other);
        f.submitted(Tag::Alert(5));
        f.submitted(Tag::Other);
        assert_eq!(f.published(0), None);
        assert_eq!(f.published(1), Some(5));
        assert_eq!(f.published(2), None);
        assert_eq!(f.acked(2), None);
        assert_eq!(f.acked(1), Some(5));
    }

    #[test]
    fn disconnect_returns_sent_and_queued_alerts_in_order() {
        let mut f = Inflight::new();
        for s in [3, 1, 2] {
            f.submitted(Tag::Alert(s));
        }
        f.submitted(Tag::Other);
        f.published(7);
        assert_eq!(f.disconnected(), vec![1, 2, 3]);
        assert_eq!(f.alerts_in_flight(), 0);
        assert_eq!(f.acked(7), None);
    }

    #[test]
    fn unsubmit_forgets_the_last_submission() {
        let mut f = Inflight::new();
        f.submitted(Tag::Alert(1));
        f.submitted(Tag::Alert(2));
        assert_eq!(f.unsubmit(), Some(Tag::Alert(2)));
        assert_eq!(f.published(4), Some(1));
        assert_eq!(f.published(5), None);
    }

    #[test]
    fn a_collided_publish_keeps_its_alert_until_sent() {
        let mut f = Inflight::new();
        f.submitted(Tag::Alert(1));
        f.submitted(Tag::Alert(2));
        assert_eq!(f.published(1), Some(1));
        f.collided(1);
        assert_eq!(f.alerts_in_flight(), 2);
        assert_eq!(f.acked(1), Some(1));
        assert_eq!(f.published(1), Some(2));
        assert_eq!(f.acked(1), Some(2));
        assert_eq!(f.alerts_in_flight(), 0);
    }

    #[test]
    fn a_publish_event_with_nothing_queued_is_ignored() {
        let mut f = Inflight::new();
        assert_eq!(f.published(3), None);
    }
}
