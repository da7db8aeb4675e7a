//! Patrol tasking over the bus: the task a boat receives (intercept point, ETA, the track, the
//! route) and the console-side bookkeeping that sends it, follows the boat's answers and
//! re-plans when the target manoeuvres. No I/O here: the caller publishes what these functions
//! return on `seawarden/v1/task/patrol/{unit}` and feeds in what arrives on `…/{unit}/ack`.
//!
//! The payload has the wire format of the bus's `PatrolTaskMsg` (`seawarden.patrol_task/1`:
//! `unit`, `task_id`, `revision`, `time`, `track_id`, `lat`, `lon`, `eta_s`, `target`, `route`)
//! and answers that of `PatrolAckMsg` (with the `revision` answered), so either side reads the
//! other's; these types add the console's and the boat's logic on top.

use serde::{Deserialize, Serialize};

use crate::coast::WaterRouter;
use crate::geodesy::{distance_m, LatLon, MPS_PER_KNOT};

use super::intercept::{intercept, Intercept, MAX_HORIZON_S};
use super::target::Target;
use super::units::{UnitKind, UnitStatus, Units};

/// Schema tag of [`PatrolTask`], shared with the bus's `PatrolTaskMsg`.
pub const PATROL_TASK_SCHEMA: &str = "seawarden.patrol_task/1";
/// Schema tag of [`PatrolAck`], shared with the bus's `PatrolAckMsg`.
pub const PATROL_ACK_SCHEMA: &str = "seawarden.patrol_ack/1";

/// The target as the boat's crew sees it in a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskTarget {
    /// Time of the fix, seconds since the Unix epoch.
    pub time: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog_kn: f64,
    /// Course over ground, degrees true.
    pub cog_deg: f64,
}

/// `task/patrol/{unit}`: go and meet this target here, at about this time (QoS 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatrolTask {
    /// Always [`PATROL_TASK_SCHEMA`].
    pub schema: String,
    /// The tasked unit.
    pub unit: String,
    /// Task id, stable across revisions, echoed in answers.
    pub task_id: String,
    /// Revision, from 1; a higher one replaces the plan of a lower one.
    #[serde(default = "one")]
    pub revision: u32,
    /// Issue time of this revision, seconds since the Unix epoch.
    pub time: f64,
    /// The track to intercept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_id: Option<String>,
    /// Intercept point latitude, degrees.
    pub lat: f64,
    /// Intercept point longitude, degrees.
    pub lon: f64,
    /// Estimated time of arrival at the intercept point, seconds since the Unix epoch.
    pub eta_s: f64,
    /// The target's last fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TaskTarget>,
    /// Suggested route over water, `[lat, lon]` pairs from the unit's position to the intercept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route: Vec<[f64; 2]>,
}

fn one() -> u32 {
    1
}

impl PatrolTask {
    /// The intercept point.
    pub fn point(&self) -> LatLon {
        LatLon::new(self.lat, self.lon)
    }

    /// The target's last fix as a [`Target`], to predict where it is now.
    pub fn target(&self) -> Option<Target> {
        self.target.as_ref().map(|t| {
            Target::track(self.track_id.clone().unwrap_or_default(), t.time, LatLon::new(t.lat, t.lon), t.sog_kn, t.cog_deg)
        })
    }
}

/// The crew's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// On its way.
    Accepted,
    /// Cannot go (busy, fuel, weather): the console proposes the next unit.
    Declined,
    /// On scene.
    Arrived,
}

/// `task/patrol/{unit}/ack`: the boat accepts, declines or reports arrival (QoS 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatrolAck {
    /// Always [`PATROL_ACK_SCHEMA`].
    pub schema: String,
    /// The answering unit.
    pub unit: String,
    /// The task answered.
    pub task_id: String,
    /// The revision answered.
    #[serde(default = "one")]
    pub revision: u32,
    /// Answer time, seconds since the Unix epoch.
    pub time: f64,
    /// The answer.
    pub answer: Answer,
}

impl PatrolAck {
    /// An answer to a task's current revision.
    pub fn to(task: &PatrolTask, answer: Answer, time: f64) -> Self {
        PatrolAck {
            schema: PATROL_ACK_SCHEMA.into(),
            unit: task.unit.clone(),
            task_id: task.task_id.clone(),
            revision: task.revision,
            time,
            answer,
        }
    }
}

/// Where a task stands, as the console sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Sent, no answer yet.
    Sent,
    /// The unit is on its way.
    Accepted,
    /// The unit is on scene: no more revisions.
    Arrived,
    /// The unit declined: closed, the unit stays available.
    Declined,
}

/// When a manoeuvre is worth a revision: small wobbles of the track must not flood the boat.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplanPolicy {
    /// Send a revision when the intercept point moves by more than this, metres.
    pub min_shift_m: f64,
    /// … or the ETA changes by more than this, seconds.
    pub min_eta_change_s: f64,
}

impl Default for ReplanPolicy {
    fn default() -> Self {
        ReplanPolicy { min_shift_m: 200.0, min_eta_change_s: 30.0 }
    }
}

/// One task the console follows.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveTask {
    /// The latest revision sent.
    pub task: PatrolTask,
    /// Its state.
    pub state: TaskState,
}

/// The console's patrol task list: builds tasks, applies answers, re-plans on track updates.
#[derive(Debug, Default)]
pub struct TaskBoard {
    /// Every task, open or closed, in issue order.
    pub tasks: Vec<ActiveTask>,
    /// When to revise.
    pub policy: ReplanPolicy,
    next_id: u64,
}

/// A task payload from an intercept.
fn task_from(unit: &str, task_id: String, revision: u32, now_s: f64, target: &Target, i: &Intercept) -> PatrolTask {
    PatrolTask {
        schema: PATROL_TASK_SCHEMA.into(),
        unit: unit.into(),
        task_id,
        revision,
        time: now_s,
        track_id: target.track_id.clone(),
        lat: i.point.lat_deg,
        lon: i.point.lon_deg,
        eta_s: target.time_s + i.eta_s,
        target: Some(TaskTarget {
            time: target.time_s,
            lat: target.position.lat_deg,
            lon: target.position.lon_deg,
            sog_kn: target.sog_mps / MPS_PER_KNOT,
            cog_deg: target.cog_deg,
        }),
        route: i.route.iter().map(|p| [p.lat_deg, p.lon_deg]).collect(),
    }
}

impl TaskBoard {
    /// An empty board with a policy.
    pub fn new(policy: ReplanPolicy) -> Self {
        TaskBoard { tasks: Vec::new(), policy, next_id: 1 }
    }

    /// Tasks `unit` to intercept `target` with a planned intercept (revision 1), marks the unit
    /// tasked, and returns the payload to publish.
    pub fn assign(&mut self, units: &mut Units, unit: &str, target: &Target, i: &Intercept, now_s: f64) -> PatrolTask {
        let id = format!("task-{}", self.next_id.max(1));
        self.next_id = self.next_id.max(1) + 1;
        let task = task_from(unit, id, 1, now_s, target, i);
        if let Some(u) = units.get_mut(unit) {
            u.status = UnitStatus::Tasked;
        }
        self.tasks.push(ActiveTask { task: task.clone(), state: TaskState::Sent });
        task
    }

    /// Applies a unit's answer. A decline or an arrival frees the unit; answers to unknown
    /// tasks, other units' tasks or superseded revisions change nothing. Returns the task's new state.
    pub fn on_ack(&mut self, units: &mut Units, ack: &PatrolAck) -> Option<TaskState> {
        let t = self.tasks.iter_mut().find(|t| t.task.task_id == ack.task_id && t.task.unit == ack.unit)?;
        if ack.revision < t.task.revision && ack.answer != Answer::Arrived {
            return Some(t.state); // an answer to a superseded plan; the new one is still pending
        }
        if matches!(t.state, TaskState::Arrived | TaskState::Declined) {
            return Some(t.state);
        }
        t.state = match ack.answer {
            Answer::Accepted => TaskState::Accepted,
            Answer::Declined => TaskState::Declined,
            Answer::Arrived => TaskState::Arrived,
        };
        if matches!(t.state, TaskState::Declined | TaskState::Arrived) {
            if let Some(u) = units.get_mut(&ack.unit) {
                u.status = UnitStatus::Available;
            }
        }
        Some(t.state)
    }

    /// Re-plans every open task on this target's track from the unit's current position, and
    /// returns the revisions worth sending (the point moved or the ETA changed beyond the policy).
    pub fn on_track_update(&mut self, router: &WaterRouter, units: &Units, target: &Target, now_s: f64) -> Vec<PatrolTask> {
        let mut out = Vec::new();
        for t in &mut self.tasks {
            if t.task.track_id != target.track_id || !matches!(t.state, TaskState::Sent | TaskState::Accepted) {
                continue;
            }
            let Some(u) = units.get(&t.task.unit) else { continue };
            let by_water = u.kind == UnitKind::PatrolBoat;
            let horizon = u.endurance_s().min(MAX_HORIZON_S);
            let Ok(Some(i)) = intercept(router, u.current_position(), u.max_speed_mps(), by_water, target, horizon) else {
                continue;
            };
            let shift = distance_m(t.task.point(), i.point);
            let eta_change = (target.time_s + i.eta_s - t.task.eta_s).abs();
            if shift > self.policy.min_shift_m || eta_change > self.policy.min_eta_change_s {
                let task = task_from(&t.task.unit, t.task.task_id.clone(), t.task.revision + 1, now_s, target, &i);
                t.task = task.clone();
                out.push(task);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasking::intercept::rank_units;

    fn setup() -> (WaterRouter, Units, Target) {
        (WaterRouter::macau(), Units::macau(), Target::track("42", 1000.0, LatLon::new(22.176, 113.536), 10.0, 90.0))
    }

    mod payload {
        use super::*;

        #[test]
        fn reads_as_the_bus_patrol_task_message() {
            let (router, mut units, target) = setup();
            let best = rank_units(&router, &units, &target).remove(0);
            let mut board = TaskBoard::new(ReplanPolicy::default());
            let task = board.assign(&mut units, &best.unit_id, &target, &best.intercept, 1000.0);
            let json = serde_json::to_vec(&task).unwrap();
            let topic = crate::bus::topic::patrol_task(&task.unit);
            match crate::bus::msg::parse(&topic, &json) {
                Ok(crate::bus::Message::PatrolTask(m)) => {
                    assert_eq!((m.task_id.as_str(), m.lat, m.eta_s), (task.task_id.as_str(), task.lat, task.eta_s));
                    assert_eq!((m.revision, m.track_id.as_deref()), (1, Some("42")));
                    assert_eq!(m.route, task.route);
                    assert!(m.route.len() >= 2);
                    assert_eq!(m.target.map(|t| (t.lat, t.sog_kn)), task.target.as_ref().map(|t| (t.lat, t.sog_kn)));
                }
                other => panic!("{other:?}"),
            }
            let back: PatrolTask = serde_json::from_slice(&json).unwrap();
            assert_eq!(back, task);
        }

        #[test]
        fn an_ack_reads_as_the_bus_patrol_ack_message() {
            let (router, mut units, target) = setup();
            let best = rank_units(&router, &units, &target).remove(0);
            let task = TaskBoard::new(ReplanPolicy::default()).assign(&mut units, &best.unit_id, &target, &best.intercept, 1.0);
            let mut ack = PatrolAck::to(&task, Answer::Accepted, 2.0);
            ack.revision = 3;
            let topic = crate::bus::topic::patrol_ack(&task.unit);
            match crate::bus::msg::parse(&topic, &serde_json::to_vec(&ack).unwrap()) {
                Ok(crate::bus::Message::PatrolAck(m)) => assert_eq!((m.revision, m.task_id), (3, task.task_id)),
                other => panic!("{other:?}"),
            }
        }
    }

    mod on_ack {
        use super::*;

        #[test]
        fn a_decline_frees_the_unit_and_closes_the_task() {
            let (router, mut units, target) = setup();
            let best = rank_units(&router, &units, &target).remove(0);
            let mut board = TaskBoard::new(ReplanPolicy::default());
            let task = board.assign(&mut units, &best.unit_id, &target, &best.intercept, 1000.0);
            assert_eq!(units.get(&task.unit).unwrap().status, UnitStatus::Tasked);
            // The tasked unit is no longer proposed.
            assert!(rank_units(&router, &units, &target).iter().all(|c| c.unit_id != task.unit));
            let s = board.on_ack(&mut units, &PatrolAck::to(&task, Answer::Declined, 1001.0));
            assert_eq!(s, Some(TaskState::Declined));
            assert_eq!(units.get(&task.unit).unwrap().status, UnitStatus::Available);
        }

        #[test]
        fn an_answer_for_another_unit_changes_nothing() {
            let (router, mut units, target) = setup();
            let best = rank_units(&router, &units, &target).remove(0);
            let mut board = TaskBoard::new(ReplanPolicy::default());
            let task = board.assign(&mut units, &best.unit_id, &target, &best.intercept, 1000.0);
            let mut ack = PatrolAck::to(&task, Answer::Arrived, 1001.0);
            ack.unit = "someone-else".into();
            assert_eq!(board.on_ack(&mut units, &ack), None);
            assert_eq!(board.tasks[0].state, TaskState::Sent);
        }
    }

    mod on_track_update {
        use super::*;

        #[test]
        fn a_hard_turn_sends_a_revision_and_a_steady_track_does_not() {
            let (router, mut units, target) = setup();
            let best = rank_units(&router, &units, &target).remove(0);
            let mut board = TaskBoard::new(ReplanPolicy::default());
            let task = board.assign(&mut units, &best.unit_id, &target, &best.intercept, 1000.0);
            board.on_ack(&mut units, &PatrolAck::to(&task, Answer::Accepted, 1001.0));
            // Same track 10 s later, where it was predicted to be: nothing to send.
            let steady = Target { time_s: 1010.0, position: target.predict(10.0), ..target.clone() };
            assert!(board.on_track_update(&router, &units, &steady, 1010.0).is_empty());
            // It turns hard and speeds up: revision 2, same task id, new point.
            let turned = Target { cog_deg: 200.0, sog_mps: 25.0 * MPS_PER_KNOT, ..steady };
            let rev = board.on_track_update(&router, &units, &turned, 1010.0);
            assert_eq!(rev.len(), 1);
            assert_eq!((rev[0].task_id.as_str(), rev[0].revision), (task.task_id.as_str(), 2));
            assert!(distance_m(rev[0].point(), task.point()) > 200.0);
            // An acceptance of revision 1 arriving late does not undo revision 2.
            assert_eq!(board.on_ack(&mut units, &PatrolAck::to(&task, Answer::Accepted, 1011.0)), Some(TaskState::Accepted));
            assert_eq!(board.tasks[0].task.revision, 2);
        }
    }
}
