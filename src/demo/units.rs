//! Simulated patrol boats and drone teams for the demo, on their own bus connection as real
//! crews would be: every boat accepts the task it is sent, sails the task's route at its top
//! speed (sped up with the demo) through [`PatrolClient::simulate`], reports arrival on
//! `task/patrol/{unit}/ack`, and every unit reports its position each second on
//! `unit/{unit}/position`. A drone team takes a mission from `task/drone/{team}` and flies its
//! waypoints the same way.

use std::collections::BTreeMap;
use std::time::Duration;

use rumqttc::QoS;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::bus::msg::{DroneTaskMsg, UnitPositionMsg};
use crate::bus::{self, BusMessage as _, BusOptions, Message, Publish, topic};
use crate::geodesy::LatLon;
use crate::tasking::client::{Key, PatrolClient};
use crate::tasking::patrol::{Answer, PATROL_TASK_SCHEMA, PatrolTask};
use crate::tasking::{UnitKind, Units};

/// What the simulated units did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnitsStats {
    /// Patrol tasks received (revisions included).
    pub tasks_received: u64,
    /// Tasks accepted.
    pub accepted: u64,
    /// Arrivals on scene reported: interceptions.
    pub arrived: u64,
    /// Drone missions received.
    pub drone_missions: u64,
    /// Drone missions flown to their last waypoint.
    pub drone_missions_flown: u64,
    /// Position reports sent.
    pub positions: u64,
}

/// A drone mission as a route for the same motion model the boats use.
fn drone_route(m: &DroneTaskMsg, from: LatLon) -> PatrolTask {
    let last = m.waypoints.last().map_or(from, |w| LatLon::new(w.lat, w.lon));
    let mut route = vec![[from.lat_deg, from.lon_deg]];
    route.extend(m.waypoints.iter().map(|w| [w.lat, w.lon]));
    PatrolTask {
        schema: PATROL_TASK_SCHEMA.into(),
        unit: m.team.clone(),
        task_id: m.mission_id.clone(),
        revision: 1,
        time: m.time,
        track_id: None,
        lat: last.lat_deg,
        lon: last.lon_deg,
        eta_s: m.time,
        target: None,
        route,
    }
}

fn json<T: Serialize>(t: &T) -> Vec<u8> {
    serde_json::to_vec(t).unwrap_or_default()
}

/// Run every unit of `units` until `stop`, on the demo's `clock` (sim time, `clock.speed` times
/// faster than the wall clock).
///
/// # Errors
/// Bus option errors as [`bus::bus`] returns them.
pub async fn run(
    mut opts: BusOptions,
    units: Units,
    clock: super::SimClock,
    stop: CancellationToken,
) -> Result<UnitsStats, bus::BusError> {
    opts.subscriptions = vec![(topic::patrol_task("+"), QoS::AtLeastOnce), (topic::drone_task("+"), QoS::AtLeastOnce)];
    opts.outbox = None;
    let (handle, mut bus_loop) = bus::bus(opts, 256)?;
    let mut rx = bus_loop.incoming();
    let loop_stop = CancellationToken::new();
    let task = tokio::spawn(bus_loop.run(loop_stop.clone()));
    let mut clients: BTreeMap<String, (UnitKind, PatrolClient)> = units
        .units
        .iter()
        .map(|u| (u.id.clone(), (u.kind, PatrolClient::new(u.id.clone(), u.current_position(), u.max_speed_mps()))))
        .collect();
    let mut stats = UnitsStats::default();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut last = tokio::time::Instant::now();
    let send = |topic: String, qos: QoS, retain: bool, payload: Vec<u8>| {
        if handle.try_publish(Publish { topic, qos, retain, payload }).is_err() {
            tracing::warn!("units: bus queue full, a message was not sent");
        }
    };
    loop {
        tokio::select! {
            // Cancel-safe: observing the token, `recv` and `tick` lose nothing.
            _ = stop.cancelled() => break,
            r = rx.recv() => {
                let Some(r) = r else { break };
                match r.message {
                    Ok(Message::PatrolTask(_)) => {
                        let Ok(t) = serde_json::from_slice::<PatrolTask>(&r.payload) else { continue };
                        let Some((_, c)) = clients.get_mut(&t.unit) else { continue };
                        stats.tasks_received += 1;
                        if c.on_task(t) && c.answered.is_none()
                            && let Some(ack) = c.on_key(Key::Accept, clock.now_s())
                        {
                            stats.accepted += 1;
                            send(topic::patrol_ack(&c.unit), QoS::AtLeastOnce, false, json(&ack));
                        }
                    }
                    Ok(Message::DroneTask(m)) => {
                        let Some((_, c)) = clients.get_mut(&m.team) else { continue };
                        stats.drone_missions += 1;
                        let t = drone_route(&m, c.position);
                        c.on_task(t);
                        c.answered = Some(Answer::Accepted);
                    }
                    _ => {}
                }
            }
            _ = tick.tick() => {
                let dt = last.elapsed().as_secs_f64() * clock.speed;
                last = tokio::time::Instant::now();
                let now = clock.now_s();
                for (kind, c) in clients.values_mut() {
                    if c.task.is_some() && c.answered == Some(Answer::Accepted) && c.simulate(dt) {
                        match kind {
                            UnitKind::PatrolBoat => {
                                if let Some(ack) = c.on_key(Key::Arrive, now) {
                                    stats.arrived += 1;
                                    send(topic::patrol_ack(&c.unit), QoS::AtLeastOnce, false, json(&ack));
                                }
                            }
                            UnitKind::DroneTeam => {
                                stats.drone_missions_flown += 1;
                                c.answered = Some(Answer::Arrived);
                            }
                        }
                    }
                    let m = UnitPositionMsg {
                        schema: UnitPositionMsg::SCHEMA.into(),
                        unit: c.unit.clone(),
                        time: now,
                        lat: c.position.lat_deg,
                        lon: c.position.lon_deg,
                        sog_kn: 0.0,
                        cog_deg: 0.0,
                    };
                    stats.positions += 1;
                    send(topic::unit_position(&c.unit), QoS::AtMostOnce, true, json(&m));
                }
            }
        }
    }
    loop_stop.cancel();
    let _ = task.await;
    Ok(stats)
}
