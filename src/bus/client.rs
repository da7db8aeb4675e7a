//! The MQTT client: [`bus`] returns a cloneable [`BusHandle`] and the [`BusLoop`] the caller runs.
//!
//! # Design
//! - Alerts never ride a channel: [`BusHandle::commit_alert`] writes them to the SQLite
//!   [`Outbox`] and wakes the loop, which sends what is in the outbox, at most
//!   [`BusOptions::alert_window`] unacknowledged at a time, and deletes a row on its PUBACK.
//! - rumqttc's `EventLoop::poll` is not cancel-safe while it flushes a write, so it runs in a
//!   task of its own that is never cancelled (the *poller*); the loop talks to it through
//!   rumqttc's request queue (`AsyncClient::try_publish`, never awaited, so neither side can
//!   block the other) and an event channel.
//! - Packet ids are matched to outbox rows by [`Inflight`]. On any connection error the poller,
//!   holding the [`Inflight`] lock, drops everything rumqttc would resend by itself and clears
//!   [`Inflight`]; the loop then resends every row still in the outbox after the next CONNACK.
//!   This does not depend on the broker having kept the session (a restarted broker without
//!   persistence has not): duplicates are possible and receivers de-duplicate by alert id.
//! - Track batches (QoS 0) go through a one-slot mailbox: a newer batch replaces an unsent one,
//!   which is counted. Status and other messages go through a bounded channel of `cap`.
//! - Retained messages published through the handle are remembered per topic and published
//!   again after every reconnect, so a node's `online` status replaces the LWT's `offline`.
//!
//! # Protocol version
//! MQTT 3.1.1 (rumqttc's v4 client). Both brokers Seawarden supports speak it (rumqttd 0.20's v5
//! support is incomplete), and it has everything DESIGN.md asks for: QoS 1, retained messages,
//! persistent sessions and a last will. What v5 would add (reason codes on PUBACK, session
//! expiry) is not needed for at-least-once delivery with receiver de-duplication.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rumqttc::{AsyncClient, ConnectionError, Event, EventLoop, Incoming, Outgoing, QoS};
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

use super::error::BusError;
use super::inflight::{Inflight, OutboxSeq, Tag};
use super::msg::{self, AlertMsg, BusCounters, Message, Reject};
use super::options::BusOptions;
use super::outbox::Outbox;
use crate::alert::Alert;
use crate::ingest::source::Backoff;

/// A message received on a subscription, validated.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its topic.
    pub topic: String,
    /// The raw payload, as received.
    pub payload: Vec<u8>,
    /// The validated message, or why it was refused.
    pub message: Result<Message, Reject>,
    /// When it arrived, seconds since the Unix epoch.
    pub received_s: f64,
}

/// One publish handed to the loop.
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    /// Topic (from [`topic`](super::topic)).
    pub topic: String,
    /// QoS.
    pub qos: QoS,
    /// Retained on the broker.
    pub retain: bool,
    /// Encoded payload.
    pub payload: Vec<u8>,
}

#[derive(Debug, Default)]
struct Counters {
    alerts_committed: AtomicU64,
    alerts_acked: AtomicU64,
    alerts_evicted: AtomicU64,
    track_batches: AtomicU64,
    track_batches_dropped: AtomicU64,
    connects: AtomicU64,
    disconnects: AtomicU64,
    rejected: AtomicU64,
    outbox_depth: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> BusCounters {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        BusCounters {
            alerts_committed: g(&self.alerts_committed),
            alerts_acked: g(&self.alerts_acked),
            alerts_evicted: g(&self.alerts_evicted),
            track_batches: g(&self.track_batches),
            track_batches_dropped: g(&self.track_batches_dropped),
            connects: g(&self.connects),
            disconnects: g(&self.disconnects),
            rejected: g(&self.rejected),
        }
    }
}

struct Shared {
    outbox: Option<Mutex<Outbox>>,
    tracks_slot: Mutex<Option<Publish>>,
    wake: Notify,
    counters: Counters,
    connected: std::sync::atomic::AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves plain data behind (no invariants span the
    // lock), so a poisoned lock is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Cheap to clone, owns no socket: how the rest of the node hands messages to the bus.
#[derive(Clone)]
pub struct BusHandle {
    tx: mpsc::Sender<Publish>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for BusHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusHandle").field("counters", &self.shared.counters.snapshot()).finish()
    }
}

/// The half the caller drives: `run` it (as a task) until shutdown.
pub struct BusLoop {
    opts: BusOptions,
    eventloop: EventLoop,
    client: AsyncClient,
    rx: mpsc::Receiver<Publish>,
    shared: Arc<Shared>,
    incoming_tx: Option<mpsc::Sender<Received>>,
}

impl std::fmt::Debug for BusLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusLoop").field("client_id", &self.opts.client_id).finish()
    }
}

/// Seconds since the Unix epoch, from the system clock.
pub fn now_s() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// Create a bus client: `cap` bounds the channel of non-alert publishes (the backpressure
/// setting: [`BusHandle::try_publish`] fails when it is full).
///
/// # Errors
/// [`BusError::Tls`]/[`BusError::BadUrl`] for unusable options, [`BusError::Outbox`] when the
/// outbox cannot be opened.
pub fn bus(opts: BusOptions, cap: usize) -> Result<(BusHandle, BusLoop), BusError> {
    let mqtt = opts.mqtt_options()?;
    let outbox = match &opts.outbox {
        Some(p) => Some(Mutex::new(Outbox::open(p, opts.outbox_max_rows)?)),
        None => None,
    };
    let depth = match &outbox {
        Some(o) => lock(o).len()?,
        None => 0,
    };
    // rumqttc's own request queue: room for a full alert window plus status and track traffic.
    let (client, mut eventloop) = AsyncClient::new(mqtt, opts.alert_window + cap.max(1) + 16);
    eventloop.network_options.set_connection_timeout(opts.connect_timeout_s.max(1));
    let (tx, rx) = mpsc::channel(cap.max(1));
    let shared = Arc::new(Shared {
        outbox,
        tracks_slot: Mutex::new(None),
        wake: Notify::new(),
        counters: Counters::default(),
        connected: std::sync::atomic::AtomicBool::new(false),
    });
    shared.counters.outbox_depth.store(depth, Ordering::Relaxed);
    let handle = BusHandle { tx, shared: shared.clone() };
    Ok((handle, BusLoop { opts, eventloop, client, rx, shared, incoming_tx: None }))
}

impl BusHandle {
    /// Commit an alert to the outbox (durably, before returning) and wake the loop to send it.
    ///
    /// `topic` is the node's alerts topic. Returns false when this (id, update) already waited.
    ///
    /// # Errors
    /// [`BusError::Closed`] for a bus without an outbox; [`BusError::Outbox`] when SQLite fails:
    /// then the alert was not committed and the caller still holds it.
    pub fn commit_alert(&self, topic: &str, alert: &Alert) -> Result<bool, BusError> {
        let outbox = self.shared.outbox.as_ref().ok_or(BusError::Closed)?;
        let m = AlertMsg::new(alert.clone(), Some(now_s()));
        let payload = serde_json::to_vec(&m).map_err(|source| BusError::Encode { kind: "alert", source })?;
        let pushed = {
            let mut o = lock(outbox);
            let p = o.push(topic, alert, &payload)?;
            self.shared.counters.outbox_depth.store(o.len()?, Ordering::Relaxed);
            p
        };
        let c = &self.shared.counters;
        if pushed.inserted {
            c.alerts_committed.fetch_add(1, Ordering::Relaxed);
        }
        c.alerts_evicted.fetch_add(pushed.evicted.len() as u64, Ordering::Relaxed);
        self.shared.wake.notify_one();
        Ok(pushed.inserted)
    }

    /// Offer a track batch (QoS 0): it replaces a batch not yet sent, which is counted as dropped.
    pub fn publish_tracks(&self, topic: &str, payload: Vec<u8>) {
        let p = Publish { topic: topic.to_string(), qos: QoS::AtMostOnce, retain: false, payload };
        if lock(&self.shared.tracks_slot).replace(p).is_some() {
            self.shared.counters.track_batches_dropped.fetch_add(1, Ordering::Relaxed);
        }
        self.shared.wake.notify_one();
    }

    /// Hand over a publish without waiting.
    ///
    /// # Errors
    /// The publish itself when the channel is full or the loop has stopped (rumqttc's
    /// `ClientError::Request`): nothing is dropped silently.
    pub fn try_publish(&self, p: Publish) -> Result<(), Publish> {
        self.tx.try_send(p).map_err(|e| match e {
            mpsc::error::TrySendError::Full(p) | mpsc::error::TrySendError::Closed(p) => p,
        })
    }

    /// Hand over a publish, waiting while the channel is full.
    ///
    /// # Errors
    /// [`BusError::Closed`] when the loop has stopped.
    pub async fn publish(&self, p: Publish) -> Result<(), BusError> {
        self.tx.send(p).await.map_err(|_| BusError::Closed)
    }

    /// Alerts waiting in the outbox (committed, not yet acknowledged).
    pub fn outbox_depth(&self) -> u64 {
        self.shared.counters.outbox_depth.load(Ordering::Relaxed)
    }

    /// True while connected to the broker.
    pub fn is_connected(&self) -> bool {
        self.shared.connected.load(Ordering::Relaxed)
    }

    /// The bus counters so far.
    pub fn counters(&self) -> BusCounters {
        self.shared.counters.snapshot()
    }

    /// Messages waiting in the publish channel, and its capacity.
    pub fn queue_depth(&self) -> (u64, u64) {
        let cap = self.tx.max_capacity();
        ((cap - self.tx.capacity()) as u64, cap as u64)
    }
}

enum PollerEvent {
    Connected,
    Disconnected { why: String, refused: bool },
    Acked(OutboxSeq),
    Received(rumqttc::Publish),
    Closed,
}

impl BusLoop {
    /// Received messages (validated) from the subscriptions in [`BusOptions::subscriptions`].
    /// Call before [`run`](Self::run); without it, received messages are counted and dropped.
    pub fn incoming(&mut self) -> mpsc::Receiver<Received> {
        let (tx, rx) = mpsc::channel(self.opts.incoming_capacity.max(1));
        self.incoming_tx = Some(tx);
        rx
    }

    /// Run until `shutdown` is cancelled, then publish the retained `offline` form of the last
    /// will (if any), disconnect cleanly and return the counters.
    ///
    /// # Errors
    /// [`BusError::Outbox`] when SQLite fails; connection failures are retried forever, not
    /// returned.
    pub async fn run(self, shutdown: CancellationToken) -> Result<BusCounters, BusError> {
        let BusLoop { opts, eventloop, client, mut rx, shared, incoming_tx } = self;
        let inflight = Arc::new(Mutex::new(Inflight::new()));
        let (ev_tx, mut ev_rx) = mpsc::channel::<PollerEvent>(opts.incoming_capacity.max(16));
        let seed = opts
            .client_id
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        let poller_stop = CancellationToken::new();
        let poller = tokio::spawn(poller(
            eventloop,
            inflight.clone(),
            ev_tx,
            Backoff::new(opts.backoff, seed),
            poller_stop.clone(),
        ));

        let mut st = LoopState { cursor: 0, connected: false, retained: HashMap::new(), stash: None };
        let result = loop {
            tokio::select! {
                // Cancel-safe: `cancelled()` only observes the token.
                _ = shutdown.cancelled() => break Ok(()),
                // Cancel-safe: `mpsc::Receiver::recv` loses nothing when dropped.
                ev = ev_rx.recv() => match ev {
                    Some(PollerEvent::Connected) => {
                        st.connected = true;
                        st.cursor = 0;
                        shared.connected.store(true, Ordering::Relaxed);
                        shared.counters.connects.fetch_add(1, Ordering::Relaxed);
                        for (f, q) in &opts.subscriptions {
                            let _ = client.try_subscribe(f.clone(), *q);
                        }
                        for p in st.retained.values() {
                            submit(&client, &inflight, p.clone());
                        }
                    }
                    Some(PollerEvent::Disconnected { why, refused }) => {
                        if st.connected {
                            tracing::warn!(client = %opts.client_id, error = %why, "broker connection lost");
                        } else if refused {
                            // Bad credentials or not authorised: retried, but an operator must know.
                            tracing::error!(client = %opts.client_id, error = %why, "broker refused the connection");
                        } else {
                            tracing::debug!(client = %opts.client_id, error = %why, "broker connect failed");
                        }
                        st.connected = false;
                        st.cursor = 0;
                        shared.connected.store(false, Ordering::Relaxed);
                        shared.counters.disconnects.fetch_add(1, Ordering::Relaxed);
                    }
                    Some(PollerEvent::Acked(seq)) => {
                        if let Some(o) = &shared.outbox {
                            let mut o = lock(o);
                            if o.remove(seq)? {
                                shared.counters.alerts_acked.fetch_add(1, Ordering::Relaxed);
                            }
                            shared.counters.outbox_depth.store(o.len()?, Ordering::Relaxed);
                        }
                    }
                    Some(PollerEvent::Received(p)) => {
                        let message = msg::parse(&p.topic, &p.payload);
                        if let Err(why) = &message {
                            shared.counters.rejected.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!(topic = %p.topic, reason = %why, "rejected a received payload");
                        }
                        if let Some(tx) = &incoming_tx {
                            let r = Received { topic: p.topic, payload: p.payload.to_vec(), message, received_s: now_s() };
                            // Waiting here is the consumer's backpressure; the poller buffers meanwhile.
                            if tx.send(r).await.is_err() {
                                break Ok(());
                            }
                        }
                    }
                    Some(PollerEvent::Closed) | None => break Ok(()),
                },
                // Cancel-safe: `recv` loses nothing when dropped. Not polled while a publish waits.
                // `None`: every handle dropped; keep serving the outbox until shutdown.
                p = rx.recv(), if st.stash.is_none() => if let Some(p) = p {
                    if p.retain {
                        st.retained.insert(p.topic.clone(), p.clone());
                    }
                    if st.connected && !submit(&client, &inflight, p.clone()) {
                        st.stash = Some(p);
                    }
                },
                // Cancel-safe: a `Notify` permit is kept until a `notified()` consumes it.
                _ = shared.wake.notified() => {}
            }
            if let Err(e) = pump(&opts, &client, &inflight, &shared, &mut st) {
                break Err(e);
            }
        };

        // Clean end: tell the broker we are gone on purpose (the LWT only fires on a lost link).
        if let Some((topic, payload)) = &opts.last_will {
            let _ = client.try_publish(topic.clone(), QoS::AtLeastOnce, true, payload.clone());
        }
        let _ = client.try_disconnect();
        // Give the poller a bounded moment to flush the offline status and DISCONNECT.
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while let Some(ev) = ev_rx.recv().await {
                if matches!(ev, PollerEvent::Closed | PollerEvent::Disconnected { .. }) {
                    break;
                }
            }
        })
        .await;
        poller_stop.cancel();
        let _ = poller.await;
        shared.connected.store(false, Ordering::Relaxed);
        result.map(|()| shared.counters.snapshot())
    }
}

struct LoopState {
    cursor: OutboxSeq,
    connected: bool,
    retained: HashMap<String, Publish>,
    stash: Option<Publish>,
}

/// Queue one non-alert publish on rumqttc's request queue; false when the queue is full.
fn submit(client: &AsyncClient, inflight: &Mutex<Inflight>, p: Publish) -> bool {
    let mut f = lock(inflight);
    f.submitted(Tag::Other);
    if client.try_publish(p.topic, p.qos, p.retain, p.payload).is_err() {
        f.unsubmit();
        return false;
    }
    true
}

/// Move what can go now onto rumqttc's queue: a stashed publish, the newest track batch, then
/// outbox rows up to the alert window.
fn pump(
    opts: &BusOptions,
    client: &AsyncClient,
    inflight: &Mutex<Inflight>,
    shared: &Shared,
    st: &mut LoopState,
) -> Result<(), BusError> {
    if !st.connected {
        return Ok(());
    }
    if let Some(p) = st.stash.take() {
        if !submit(client, inflight, p.clone()) {
            st.stash = Some(p);
            return Ok(());
        }
    }
    let batch = lock(&shared.tracks_slot).take();
    if let Some(p) = batch {
        if submit(client, inflight, p) {
            shared.counters.track_batches.fetch_add(1, Ordering::Relaxed);
        } else {
            shared.counters.track_batches_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
    let Some(outbox) = &shared.outbox else { return Ok(()) };
    loop {
        let room = opts.alert_window.saturating_sub(lock(inflight).alerts_in_flight());
        if room == 0 {
            return Ok(());
        }
        let rows = lock(outbox).next_after(st.cursor, room)?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in rows {
            let mut f = lock(inflight);
            f.submitted(Tag::Alert(row.seq));
            if client.try_publish(row.topic, QoS::AtLeastOnce, false, row.payload).is_err() {
                // rumqttc's queue is full: retry on the next event (an ack will come).
                f.unsubmit();
                return Ok(());
            }
            st.cursor = row.seq;
        }
    }
}

/// The only task that polls rumqttc's event loop; it is never cancelled mid-poll (see module
/// docs), only between polls and during backoff.
async fn poller(
    mut el: EventLoop,
    inflight: Arc<Mutex<Inflight>>,
    tx: mpsc::Sender<PollerEvent>,
    mut backoff: Backoff,
    stop: CancellationToken,
) {
    loop {
        if stop.is_cancelled() {
            return;
        }
        let ev = tokio::select! {
            // `poll` is raced against `stop` only at the very end of `BusLoop::run`, after the
            // DISCONNECT was flushed or 2 s passed; a cut write then no longer matters.
            _ = stop.cancelled() => return,
            ev = el.poll() => ev,
        };
        let out = match ev {
            Ok(Event::Incoming(Incoming::ConnAck(_))) => {
                backoff.reset();
                Some(PollerEvent::Connected)
            }
            Ok(Event::Incoming(Incoming::PubAck(a))) => lock(&inflight).acked(a.pkid).map(PollerEvent::Acked),
            Ok(Event::Incoming(Incoming::Publish(p))) => Some(PollerEvent::Received(p)),
            Ok(Event::Outgoing(Outgoing::Publish(pkid))) => {
                lock(&inflight).published(pkid);
                None
            }
            Ok(Event::Outgoing(Outgoing::AwaitAck(pkid))) => {
                lock(&inflight).collided(pkid);
                None
            }
            Ok(Event::Outgoing(Outgoing::Disconnect)) => {
                let _ = tx.send(PollerEvent::Closed).await;
                return;
            }
            Ok(_) => None,
            Err(e) => {
                {
                    // Drop everything rumqttc would resend on its own (it moved unacked publishes
                    // and queued requests to `pending`); the loop resends from the outbox. Under the
                    // lock, so no submission slips between the drain and the clear.
                    let mut f = lock(&inflight);
                    el.clean();
                    el.pending.clear();
                    f.disconnected();
                }
                let fatal = matches!(e, ConnectionError::RequestsDone);
                let refused = matches!(e, ConnectionError::ConnectionRefused(_));
                if tx.send(PollerEvent::Disconnected { why: e.to_string(), refused }).await.is_err() || fatal {
                    return;
                }
                let delay = backoff.next_delay();
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(delay) => {}
                }
                None
            }
        };
        if let Some(ev) = out {
            if tx.send(ev).await.is_err() {
                return;
            }
        }
    }
}
