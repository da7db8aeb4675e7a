//! The patrol boat's side of a task, without a terminal or a socket: what `seawarden patrol`
//! shows (bearing, distance and ETA to the intercept, the target's predicted position), the
//! answers its keys produce, and the `--simulate` motion along the route for demos.

use crate::geodesy::{bearing_deg, destination, distance_m, LatLon};

use super::patrol::{Answer, PatrolAck, PatrolTask};

/// What a key press asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `a`: accept the task.
    Accept,
    /// `d`: decline it.
    Decline,
    /// `r`: report arrival on scene.
    Arrive,
}

/// The boat's view of its current task.
#[derive(Debug, Clone)]
pub struct PatrolClient {
    /// This unit's id.
    pub unit: String,
    /// Own position.
    pub position: LatLon,
    /// Own speed, metres per second (for the ETA and the simulation).
    pub speed_mps: f64,
    /// The current task (latest revision), if any.
    pub task: Option<PatrolTask>,
    /// The last answer sent for the current task.
    pub answered: Option<Answer>,
    /// Index of the next route point the simulation steers for.
    next_wp: usize,
    /// Messages for the log pane, newest last.
    pub log: Vec<String>,
}

impl PatrolClient {
    /// A client for `unit` at `position` with top speed `speed_mps`.
    pub fn new(unit: impl Into<String>, position: LatLon, speed_mps: f64) -> Self {
        PatrolClient { unit: unit.into(), position, speed_mps, task: None, answered: None, next_wp: 1, log: Vec::new() }
    }

    /// Takes a task or a revision: a newer revision of the current task replaces it (keeping
    /// the answer: an accepted task stays accepted), an older one is ignored, another task replaces it.
    /// Returns whether the view changed.
    pub fn on_task(&mut self, t: PatrolTask) -> bool {
        if t.unit != self.unit {
            return false;
        }
        match &self.task {
            Some(cur) if cur.task_id == t.task_id && t.revision <= cur.revision => return false,
            Some(cur) if cur.task_id == t.task_id => {
                self.log.push(format!("{} revised (rev {}): target manoeuvred", t.task_id, t.revision));
            }
            _ => {
                self.log.push(format!("new task {}: intercept track {}", t.task_id, t.track_id.as_deref().unwrap_or("-")));
                self.answered = None;
            }
        }
        self.next_wp = 1;
        self.task = Some(t);
        true
    }

    /// The answer a key produces for the current task (to publish on `…/ack`), if it applies.
    pub fn on_key(&mut self, key: Key, now_s: f64) -> Option<PatrolAck> {
        let t = self.task.as_ref()?;
        let answer = match key {
            Key::Accept => Answer::Accepted,
            Key::Decline => Answer::Declined,
            Key::Arrive => Answer::Arrived,
        };
        if matches!(self.answered, Some(Answer::Declined | Answer::Arrived)) {
            return None; // the task is closed
        }
        self.answered = Some(answer);
        self.log.push(format!("sent {answer:?} for {} rev {}", t.task_id, t.revision));
        Some(PatrolAck::to(t, answer, now_s))
    }

    /// Bearing (degrees true) and distance (metres) from own position to the intercept point.
    pub fn to_intercept(&self) -> Option<(f64, f64)> {
        let t = self.task.as_ref()?;
        Some((bearing_deg(self.position, t.point()), distance_m(self.position, t.point())))
    }

    /// Seconds to the intercept at own speed along the remaining route.
    pub fn eta_s(&self) -> Option<f64> {
        let t = self.task.as_ref()?;
        let mut pts = vec![self.position];
        pts.extend(t.route.iter().skip(self.next_wp).map(|p| LatLon::new(p[0], p[1])));
        if pts.len() == 1 {
            pts.push(t.point());
        }
        let len: f64 = pts.windows(2).map(|w| distance_m(w[0], w[1])).sum();
        Some(len / self.speed_mps.max(0.1))
    }

    /// Where the target should be at `now_s`, from the task's last fix.
    pub fn target_now(&self, now_s: f64) -> Option<LatLon> {
        let target = self.task.as_ref()?.target()?;
        Some(target.predict((now_s - target.time_s).max(0.0)))
    }

    /// Moves the boat `dt_s` seconds along the route at its speed (demo mode). Returns true when
    /// it has reached the intercept point.
    pub fn simulate(&mut self, dt_s: f64) -> bool {
        let Some(t) = &self.task else { return false };
        let mut route: Vec<LatLon> = t.route.iter().map(|p| LatLon::new(p[0], p[1])).collect();
        if route.len() < 2 {
            route = vec![self.position, t.point()];
        }
        let mut left = self.speed_mps * dt_s;
        while self.next_wp < route.len() {
            let goal = route[self.next_wp];
            let d = distance_m(self.position, goal);
            if d <= left {
                self.position = goal;
                left -= d;
                self.next_wp += 1;
            } else {
                let (lat, lon) = destination(self.position.lat_deg, self.position.lon_deg, bearing_deg(self.position, goal), left);
                self.position = LatLon::new(lat, lon);
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasking::patrol::PATROL_TASK_SCHEMA;

    fn task(rev: u32, lat: f64) -> PatrolTask {
        PatrolTask {
            schema: PATROL_TASK_SCHEMA.into(),
            unit: "pb-1".into(),
            task_id: "task-1".into(),
            revision: rev,
            time: 0.0,
            track_id: Some("9".into()),
            lat,
            lon: 113.55,
            eta_s: 100.0,
            target: None,
            route: vec![[22.10, 113.55], [22.11, 113.55], [lat, 113.55]],
        }
    }

    mod on_task {
        use super::*;

        #[test]
        fn a_newer_revision_replaces_and_an_older_one_is_ignored() {
            let mut c = PatrolClient::new("pb-1", LatLon::new(22.10, 113.55), 10.0);
            assert!(c.on_task(task(2, 22.12)));
            assert!(!c.on_task(task(1, 22.13)));
            assert!(c.on_task(task(3, 22.14)));
            assert_eq!(c.task.as_ref().unwrap().lat, 22.14);
        }

        #[test]
        fn a_task_for_another_unit_is_ignored() {
            let mut c = PatrolClient::new("pb-2", LatLon::new(22.10, 113.55), 10.0);
            assert!(!c.on_task(task(1, 22.12)));
        }
    }

    mod on_key {
        use super::*;

        #[test]
        fn accept_then_arrive_then_nothing_more() {
            let mut c = PatrolClient::new("pb-1", LatLon::new(22.10, 113.55), 10.0);
            assert!(c.on_key(Key::Accept, 1.0).is_none(), "no task yet");
            c.on_task(task(1, 22.12));
            assert_eq!(c.on_key(Key::Accept, 1.0).unwrap().answer, Answer::Accepted);
            assert_eq!(c.on_key(Key::Arrive, 2.0).unwrap().answer, Answer::Arrived);
            assert!(c.on_key(Key::Decline, 3.0).is_none());
        }
    }

    mod simulate {
        use super::*;

        #[test]
        fn the_boat_follows_the_route_to_the_intercept() {
            let mut c = PatrolClient::new("pb-1", LatLon::new(22.10, 113.55), 20.0);
            c.on_task(task(1, 22.12));
            let eta = c.eta_s().unwrap();
            assert!((eta - distance_m(LatLon::new(22.10, 113.55), LatLon::new(22.12, 113.55)) / 20.0).abs() < 1.0);
            let mut t = 0.0;
            while !c.simulate(10.0) {
                t += 10.0;
                assert!(t < 1000.0);
            }
            assert!(c.to_intercept().unwrap().1 < 1.0);
            assert!((t - eta).abs() <= 10.0, "{t} vs {eta}");
        }
    }
}
