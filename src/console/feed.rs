//! Where the console's messages come from: a live MQTT subscription on a background thread, or a
//! recorded window replayed at ×1–×60. Both end in the same [`Inbound`] values the UI drains once a
//! frame, so the picture cannot tell them apart — only the banner can (REPLAY).
//!
//! Live messages are recorded (append-only rotating files, [`crate::bus::record`]) before they
//! reach the UI, when a recording directory is given.

use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rumqttc::QoS;
use tokio_util::sync::CancellationToken;

use crate::bus::record::{Envelope, Recorder, RecorderConfig};
use crate::bus::replay::{ReplayEvent, ReplayHandle};
use crate::bus::{BusHandle, BusOptions, Publish, bus, topic};

/// One received message, live or replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// Its topic.
    pub topic: String,
    /// The payload as received.
    pub payload: Vec<u8>,
    /// Receive time, seconds since the epoch (the recorded one in a replay).
    pub received_s: f64,
}

impl From<Envelope> for Inbound {
    fn from(e: Envelope) -> Self {
        Inbound { topic: e.topic, payload: e.payload, received_s: e.received_ms as f64 / 1000.0 }
    }
}

/// Why the live feed could not start.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// Bus options unusable (URL, TLS).
    #[error("bus: {0}")]
    Bus(#[from] crate::bus::BusError),
    /// The recording directory could not be opened.
    #[error("recorder: {0}")]
    Record(String),
    /// The background thread could not start.
    #[error("starting the feed thread: {0}")]
    Thread(#[from] std::io::Error),
}

/// A live subscription to `seawarden/v1/#` on its own thread.
pub struct LiveFeed {
    rx: Receiver<Inbound>,
    shutdown: CancellationToken,
    thread: Option<JoinHandle<()>>,
    handle: Arc<Mutex<Option<BusHandle>>>,
    /// Maps a wall epoch time to the console's time; `None` is the wall clock.
    clock: Option<WallToConsole>,
    /// Human-readable broker address, for the status bar.
    pub broker: String,
}

/// A clock mapping (wall epoch seconds to the console's), e.g. `seawarden demo`'s scenario time.
pub type WallToConsole = Arc<dyn Fn(f64) -> f64 + Send + Sync>;

impl std::fmt::Debug for LiveFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveFeed").field("broker", &self.broker).finish()
    }
}

impl LiveFeed {
    /// Subscribe with `opts` (its subscriptions and outbox are replaced); call `repaint` after each
    /// message so an idle UI wakes. Record to `record` when given.
    ///
    /// # Errors
    /// [`FeedError`] when the options, the recorder or the thread fail at start. Connection
    /// failures later are retried by the bus client with back-off.
    pub fn start(
        mut opts: BusOptions,
        record: Option<RecorderConfig>,
        repaint: impl Fn() + Send + 'static,
    ) -> Result<Self, FeedError> {
        opts.subscriptions = vec![(topic::all(), QoS::AtLeastOnce)];
        opts.outbox = None;
        let broker = format!("{}:{}", opts.url.host, opts.url.port);
        let mut recorder = match record {
            Some(cfg) => Some(Recorder::open(cfg).map_err(|e| FeedError::Record(e.to_string()))?),
            None => None,
        };
        let (tx, rx) = channel();
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let handle = Arc::new(Mutex::new(None));
        let handle_out = handle.clone();
        let (handle_tx, mut bus_loop) = bus(opts, 64)?;
        *handle.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle_tx);
        let thread = std::thread::Builder::new().name("seawarden-console-feed".into()).spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!("console feed: no runtime: {e}");
                    return;
                }
            };
            rt.block_on(async move {
                let mut incoming = bus_loop.incoming();
                let task = tokio::spawn(bus_loop.run(stop.child_token()));
                loop {
                    let r = tokio::select! {
                        _ = stop.cancelled() => break,
                        r = incoming.recv() => match r { Some(r) => r, None => break },
                    };
                    if let Some(rec) = recorder.as_mut()
                        && let Err(e) = rec.append(&Envelope::from_received(&r))
                    {
                        tracing::warn!("console recorder: {e}");
                    }
                    if tx.send(Inbound { topic: r.topic, payload: r.payload, received_s: r.received_s }).is_err() {
                        break;
                    }
                    repaint();
                }
                stop.cancel();
                let _ = task.await;
                if let Some(mut rec) = recorder {
                    let _ = rec.close();
                }
            });
            drop(handle_out);
        })?;
        Ok(LiveFeed { rx, shutdown, thread: Some(thread), handle, clock: None, broker })
    }

    /// Run the console on another clock than the wall's (`seawarden demo` at `--speed S` runs on
    /// scenario time): "now" and every message's receive time go through `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: WallToConsole) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The console's time for wall epoch time `wall_s`.
    pub fn time_at(&self, wall_s: f64) -> f64 {
        self.clock.as_ref().map_or(wall_s, |c| c(wall_s))
    }

    /// Hand a publish (patrol tasking, node command) to the bus; false when its queue is full.
    pub fn publish(&self, p: Publish) -> bool {
        self.handle.lock().unwrap_or_else(|p| p.into_inner()).as_ref().is_some_and(|h| h.try_publish(p).is_ok())
    }
}

impl Drop for LiveFeed {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The console's source of messages.
#[derive(Debug, Default)]
pub enum Feed {
    /// Nothing connected (tests, or fed by hand).
    #[default]
    None,
    /// Live MQTT.
    Live(LiveFeed),
    /// A recorded window (G's replayer), clearly marked in the UI.
    Replay(ReplayHandle),
}

/// What draining the feed found besides messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Drained {
    /// The replay finished (or failed: the message).
    pub finished: Option<String>,
}

impl Feed {
    /// True for a replay: the UI shows REPLAY and refuses live actions (tasking).
    pub fn is_replay(&self) -> bool {
        matches!(self, Feed::Replay(_))
    }

    /// Take up to `max` waiting messages without blocking.
    pub fn drain(&mut self, max: usize, out: &mut Vec<Inbound>) -> Drained {
        let mut d = Drained::default();
        for _ in 0..max {
            match self {
                Feed::None => break,
                Feed::Live(l) => match l.rx.try_recv() {
                    Ok(m) => out.push(Inbound { received_s: l.time_at(m.received_s), ..m }),
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                },
                Feed::Replay(h) => match h.events.try_recv() {
                    Ok(ReplayEvent::Message(e)) => out.push(e.into()),
                    Ok(ReplayEvent::Finished(s)) => {
                        d.finished = Some(format!("replay finished: {} messages", s.delivered));
                        break;
                    }
                    Ok(ReplayEvent::Failed(e)) => {
                        d.finished = Some(format!("replay failed: {e}"));
                        break;
                    }
                    Err(_) => break,
                },
            }
        }
        d
    }

    /// Publish through the live bus; false in replay or offline.
    pub fn publish(&self, p: Publish) -> bool {
        match self {
            Feed::Live(l) => l.publish(p),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::replay::{ManualClock, Replayer};

    #[test]
    fn a_live_feed_receives_and_records_what_a_node_publishes() {
        let url = crate::bus::broker::start_on_loopback().unwrap();
        let rec = tempfile::tempdir().unwrap();
        let opts = BusOptions { url: url.clone(), client_id: "console-test".into(), ..BusOptions::default() };
        let repaints = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let r2 = repaints.clone();
        let mut feed = Feed::Live(
            LiveFeed::start(opts, Some(RecorderConfig::new(rec.path())), move || {
                r2.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            })
            .unwrap(),
        );
        // A node publishing its status (retained) and a track batch, from its own client.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let node = BusOptions { url, client_id: "node-ka-ho".into(), ..BusOptions::default() };
        let (h, lp) = bus(node, 16).unwrap();
        let stop = CancellationToken::new();
        let status = crate::bus::msg::StatusMsg {
            state: crate::bus::msg::NodeState::Online,
            ..crate::bus::msg::StatusMsg::offline("ka-ho")
        };
        let tracks = crate::bus::msg::TracksMsg::new("ka-ho", 1.0, vec![]);
        let mut got = Vec::new();
        rt.block_on(async {
            let task = tokio::spawn(lp.run(stop.clone()));
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            // Until both topics have arrived: the retained status can come twice before a batch.
            let both = |got: &Vec<Inbound>| {
                let has = |t: String| got.iter().any(|m: &Inbound| m.topic == t);
                has(topic::status("ka-ho")) && has(topic::tracks("ka-ho"))
            };
            while !both(&got) && std::time::Instant::now() < deadline {
                let p =
                    |topic: String, payload: Vec<u8>, retain| Publish { topic, qos: QoS::AtLeastOnce, retain, payload };
                let _ = h.try_publish(p(topic::status("ka-ho"), serde_json::to_vec(&status).unwrap(), true));
                let _ = h.try_publish(p(topic::tracks("ka-ho"), serde_json::to_vec(&tracks).unwrap(), false));
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                feed.drain(100, &mut got);
            }
            stop.cancel();
            let _ = task.await;
        });
        let topics: std::collections::BTreeSet<&str> = got.iter().map(|m| m.topic.as_str()).collect();
        assert!(
            topics.contains(topic::status("ka-ho").as_str()) && topics.contains(topic::tracks("ka-ho").as_str()),
            "{topics:?}"
        );
        assert!(repaints.load(std::sync::atomic::Ordering::Relaxed) >= 2);
        drop(feed); // stops the thread and closes the recording
        let envs: Vec<Envelope> =
            crate::bus::record::RecordingReader::open(rec.path()).unwrap().filter_map(Result::ok).collect();
        assert!(envs.len() >= 2, "recorded {}", envs.len());
        assert!(envs.iter().any(|e| e.topic == topic::tracks("ka-ho")));
    }

    #[test]
    fn a_replay_feeds_recorded_envelopes_in_order_then_finishes() {
        let envs: Vec<Envelope> = (0..5)
            .map(|i| Envelope { received_ms: 1_000 + i * 500, topic: format!("t/{i}"), payload: vec![i as u8] })
            .collect();
        let r = Replayer::from_envelopes(envs, 0, i64::MAX, 10.0, ManualClock::at(0)).unwrap();
        let mut feed = Feed::Replay(r.spawn(16));
        assert!(feed.is_replay());
        let mut got = Vec::new();
        let mut finished = None;
        for _ in 0..200 {
            let d = feed.drain(100, &mut got);
            if d.finished.is_some() {
                finished = d.finished;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(got.len(), 5);
        assert_eq!(got[4].topic, "t/4");
        assert_eq!(got[1].received_s, 1.5);
        assert!(finished.unwrap().contains("5 messages"));
        assert!(!feed.publish(Publish { topic: "x".into(), qos: QoS::AtMostOnce, retain: false, payload: vec![] }));
    }
}
