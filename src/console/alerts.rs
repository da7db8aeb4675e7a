//! The alert queue and its workflow: alerts de-duplicated by id (resends and replays arrive more
//! than once), sorted most urgent first, and moved through acknowledge / assign / escalate /
//! dismiss / close by the operator. Pure state: the app asks the audit log first and records
//! every transition there.

use std::collections::HashMap;

use crate::alert::{Alert, AlertId, AlertKind, Severity};
use crate::audit::{Action, Outcome};

/// Where an alert is in its workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertState {
    /// Not yet looked at.
    New,
    /// Someone is on it.
    Acknowledged,
    /// Handed to a patrol unit or drone team.
    Assigned(String),
    /// Sent up to the supervisor.
    Escalated,
    /// Not a threat, with the reason (feeds suppression).
    Dismissed(String),
    /// Done, with the outcome.
    Closed(Outcome),
}

impl AlertState {
    /// Still needs work.
    pub fn is_open(&self) -> bool {
        !matches!(self, AlertState::Dismissed(_) | AlertState::Closed(_))
    }

    /// Short name for lists and the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            AlertState::New => "new",
            AlertState::Acknowledged => "acknowledged",
            AlertState::Assigned(_) => "assigned",
            AlertState::Escalated => "escalated",
            AlertState::Dismissed(_) => "dismissed",
            AlertState::Closed(_) => "closed",
        }
    }
}

/// What the operator does to an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowAction {
    /// "I have it."
    Acknowledge,
    /// Hand to a unit (patrol boat or drone team id).
    Assign(String),
    /// Send up.
    Escalate,
    /// Not a threat, because …
    Dismiss(String),
    /// Finished, with an outcome.
    Close(Outcome),
}

impl WorkflowAction {
    /// The audit action it is recorded (and permission-checked) as.
    pub fn audit_action(&self) -> Action {
        match self {
            WorkflowAction::Acknowledge => Action::Acknowledge,
            WorkflowAction::Assign(_) => Action::Assign,
            WorkflowAction::Escalate => Action::Escalate,
            WorkflowAction::Dismiss(_) => Action::Dismiss,
            WorkflowAction::Close(o) => Action::Close(*o),
        }
    }
}

/// Why a workflow action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// No alert with that id.
    #[error("no alert {0}")]
    Unknown(String),
    /// The alert is already dismissed or closed.
    #[error("alert {0} is already {1}")]
    Finished(String, &'static str),
    /// Acknowledging something already past that step.
    #[error("alert {0} is already {1}")]
    AlreadyPast(String, &'static str),
    /// Dismiss needs a reason, assign a unit.
    #[error("{0} needs a non-empty {1}")]
    Missing(&'static str, &'static str),
}

/// One alert in the queue.
#[derive(Debug, Clone)]
pub struct AlertEntry {
    /// The latest version received (highest `update`).
    pub alert: Alert,
    /// Workflow state.
    pub state: AlertState,
    /// When the console first received it, seconds since the epoch.
    pub first_rx_s: f64,
    /// Copies received, resends included.
    pub received: u32,
    /// Matches an earlier dismissal of the same (site, track, kind).
    pub suppressed: bool,
    /// (time, who, what) of every transition, for the detail view.
    pub history: Vec<(f64, String, String)>,
}

/// What receiving an alert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// A new id.
    New,
    /// A later update of a known id (severity may have risen).
    Updated,
    /// Already had this update: ignored.
    Duplicate,
}

/// The queue.
#[derive(Debug, Clone, Default)]
pub struct AlertQueue {
    by_id: HashMap<AlertId, AlertEntry>,
    /// Dismissals: (site, track id, kind) → reason; later episodes show as suppressed.
    suppress: HashMap<(String, String, AlertKind), String>,
    /// Copies ignored as duplicates.
    pub duplicates: u64,
}

impl AlertQueue {
    /// Take in an alert received at `rx_s`; de-duplicated by id, newest update kept.
    pub fn receive(&mut self, alert: Alert, rx_s: f64) -> Receipt {
        if let Some(e) = self.by_id.get_mut(&alert.id) {
            e.received += 1;
            if alert.update > e.alert.update {
                e.alert = alert;
                return Receipt::Updated;
            }
            self.duplicates += 1;
            return Receipt::Duplicate;
        }
        let suppressed = self.suppress.contains_key(&(alert.site.clone(), alert.track_id.clone(), alert.kind));
        let e = AlertEntry {
            alert: alert.clone(),
            state: AlertState::New,
            first_rx_s: rx_s,
            received: 1,
            suppressed,
            history: vec![(rx_s, "system".into(), "raised".into())],
        };
        self.by_id.insert(alert.id, e);
        Receipt::New
    }

    /// Apply an operator action; returns the (from, to) state names for the audit log.
    ///
    /// # Errors
    /// [`WorkflowError`] when the alert is unknown, finished, or the action lacks its argument.
    pub fn apply(
        &mut self,
        id: &AlertId,
        action: &WorkflowAction,
        who: &str,
        now_s: f64,
    ) -> Result<(&'static str, &'static str), WorkflowError> {
        let e = self.by_id.get_mut(id).ok_or_else(|| WorkflowError::Unknown(id.to_string()))?;
        let from = e.state.name();
        if !e.state.is_open() {
            return Err(WorkflowError::Finished(id.to_string(), from));
        }
        let next = match action {
            WorkflowAction::Acknowledge => {
                if e.state != AlertState::New {
                    return Err(WorkflowError::AlreadyPast(id.to_string(), from));
                }
                AlertState::Acknowledged
            }
            WorkflowAction::Assign(unit) if unit.trim().is_empty() => {
                return Err(WorkflowError::Missing("assign", "unit"));
            }
            WorkflowAction::Assign(unit) => AlertState::Assigned(unit.trim().to_string()),
            WorkflowAction::Escalate => AlertState::Escalated,
            WorkflowAction::Dismiss(r) if r.trim().is_empty() => {
                return Err(WorkflowError::Missing("dismiss", "reason"));
            }
            WorkflowAction::Dismiss(r) => {
                let a = &e.alert;
                self.suppress.insert((a.site.clone(), a.track_id.clone(), a.kind), r.trim().to_string());
                AlertState::Dismissed(r.trim().to_string())
            }
            WorkflowAction::Close(o) => AlertState::Closed(*o),
        };
        let to = next.name();
        let what = match &next {
            AlertState::Assigned(u) => format!("assigned to {u}"),
            AlertState::Dismissed(r) => format!("dismissed: {r}"),
            AlertState::Closed(o) => format!("closed: {o:?}"),
            s => s.name().to_string(),
        };
        e.history.push((now_s, who.to_string(), what));
        e.state = next;
        Ok((from, to))
    }

    /// One alert.
    pub fn get(&self, id: &AlertId) -> Option<&AlertEntry> {
        self.by_id.get(id)
    }

    /// The queue as shown: open first, then severity (highest first), then newest first;
    /// finished alerts only when `include_finished`.
    pub fn sorted(&self, include_finished: bool) -> Vec<&AlertEntry> {
        let mut v: Vec<&AlertEntry> = self.by_id.values().filter(|e| include_finished || e.state.is_open()).collect();
        v.sort_by(|a, b| {
            b.state
                .is_open()
                .cmp(&a.state.is_open())
                .then(a.suppressed.cmp(&b.suppressed))
                .then(b.alert.severity.cmp(&a.alert.severity))
                .then(b.alert.time.total_cmp(&a.alert.time))
                .then(a.alert.id.cmp(&b.alert.id))
        });
        v
    }

    /// Open, unsuppressed, new alerts at or above `min`: what makes the screen flash.
    pub fn unacknowledged_at_least(&self, min: Severity) -> usize {
        self.by_id.values().filter(|e| e.state == AlertState::New && !e.suppressed && e.alert.severity >= min).count()
    }

    /// Number of alerts (all states).
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when no alert was ever received.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::Reason;

    fn alert(track: &str, kind: AlertKind, sev: Severity, time: f64, update: u32) -> Alert {
        Alert {
            time,
            id: AlertId::derive("hac-sa", track, kind, 0.0),
            site: "hac-sa".into(),
            kind,
            severity: sev,
            track_id: track.into(),
            lat: 22.12,
            lon: 113.58,
            mmsi: None,
            reasons: vec![Reason { rule: kind.as_str().into(), value: 30.0, threshold: 25.0 }],
            evidence: vec![],
            update,
        }
    }

    #[test]
    fn resends_are_deduplicated_and_updates_replace() {
        let mut q = AlertQueue::default();
        let a = alert("1", AlertKind::DarkTarget, Severity::Medium, 10.0, 0);
        assert_eq!(q.receive(a.clone(), 1.0), Receipt::New);
        assert_eq!(q.receive(a.clone(), 2.0), Receipt::Duplicate);
        let mut up = alert("1", AlertKind::DarkTarget, Severity::High, 12.0, 1);
        up.id = a.id.clone();
        assert_eq!(q.receive(up, 3.0), Receipt::Updated);
        assert_eq!(q.receive(a.clone(), 4.0), Receipt::Duplicate, "an older update is a duplicate");
        assert_eq!(q.len(), 1);
        assert_eq!(q.duplicates, 2);
        assert_eq!(q.get(&a.id).unwrap().alert.severity, Severity::High);
        assert_eq!(q.get(&a.id).unwrap().received, 4);
    }

    #[test]
    fn sorted_by_severity_then_newest() {
        let mut q = AlertQueue::default();
        q.receive(alert("1", AlertKind::Loitering, Severity::Low, 30.0, 0), 0.0);
        q.receive(alert("2", AlertKind::DarkTarget, Severity::Critical, 10.0, 0), 0.0);
        q.receive(alert("3", AlertKind::AisGap, Severity::Critical, 20.0, 0), 0.0);
        let order: Vec<&str> = q.sorted(false).iter().map(|e| e.alert.track_id.as_str()).collect();
        assert_eq!(order, ["3", "2", "1"]);
    }

    #[test]
    fn workflow_transitions_and_refusals() {
        let mut q = AlertQueue::default();
        let a = alert("1", AlertKind::DarkTarget, Severity::High, 10.0, 0);
        q.receive(a.clone(), 0.0);
        assert_eq!(q.unacknowledged_at_least(Severity::High), 1);
        assert_eq!(q.apply(&a.id, &WorkflowAction::Acknowledge, "op", 1.0), Ok(("new", "acknowledged")));
        assert_eq!(q.unacknowledged_at_least(Severity::High), 0);
        assert!(matches!(q.apply(&a.id, &WorkflowAction::Acknowledge, "op", 1.0), Err(WorkflowError::AlreadyPast(..))));
        assert_eq!(
            q.apply(&a.id, &WorkflowAction::Assign(" ".into()), "op", 1.0),
            Err(WorkflowError::Missing("assign", "unit"))
        );
        assert_eq!(q.apply(&a.id, &WorkflowAction::Assign("pb-1".into()), "op", 2.0), Ok(("acknowledged", "assigned")));
        assert_eq!(q.apply(&a.id, &WorkflowAction::Escalate, "op", 3.0), Ok(("assigned", "escalated")));
        assert_eq!(
            q.apply(&a.id, &WorkflowAction::Close(Outcome::Intercepted), "sup", 4.0),
            Ok(("escalated", "closed"))
        );
        assert!(matches!(q.apply(&a.id, &WorkflowAction::Escalate, "op", 5.0), Err(WorkflowError::Finished(..))));
        assert_eq!(q.get(&a.id).unwrap().history.len(), 5);
        assert!(q.sorted(false).is_empty() && q.sorted(true).len() == 1);
        let unknown = AlertId("nope".into());
        assert!(matches!(q.apply(&unknown, &WorkflowAction::Escalate, "op", 5.0), Err(WorkflowError::Unknown(_))));
    }

    #[test]
    fn dismissal_needs_a_reason_and_suppresses_the_next_episode() {
        let mut q = AlertQueue::default();
        let a = alert("1", AlertKind::Loitering, Severity::Medium, 10.0, 0);
        q.receive(a.clone(), 0.0);
        assert!(q.apply(&a.id, &WorkflowAction::Dismiss("".into()), "op", 1.0).is_err());
        q.apply(&a.id, &WorkflowAction::Dismiss("fishing boat, known".into()), "op", 1.0).unwrap();
        let mut next = alert("1", AlertKind::Loitering, Severity::Medium, 99.0, 0);
        next.id = AlertId::derive("hac-sa", "1", AlertKind::Loitering, 99.0);
        q.receive(next.clone(), 2.0);
        assert!(q.get(&next.id).unwrap().suppressed);
        let other = alert("2", AlertKind::Loitering, Severity::Low, 5.0, 0);
        q.receive(other.clone(), 2.0);
        assert!(!q.get(&other.id).unwrap().suppressed);
        assert_eq!(q.sorted(false)[0].alert.id, other.id, "suppressed alerts sink below the rest");
    }
}
