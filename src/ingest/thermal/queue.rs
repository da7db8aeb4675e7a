//! The bounded hand-off between GStreamer's streaming thread and the detector.
//!
//! Two policies, chosen by the source: from a file every frame matters and decoding may wait
//! for the detector ([`QueuePolicy::Block`], backpressure); from a live camera only the newest
//! frame matters, so a full queue drops its oldest frame and counts it
//! ([`QueuePolicy::LatestWins`]). No I/O here, so both are tested without GStreamer.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// What a full queue does with a new frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueuePolicy {
    /// The producer waits for room: nothing is lost (files).
    Block,
    /// The oldest queued frame is dropped and counted (live sources).
    LatestWins,
}

/// What [`FrameQueue::pop_timeout`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Pop<T> {
    /// The oldest queued item.
    Item(T),
    /// Nothing arrived within the timeout.
    Empty,
    /// The queue is closed and drained: end of stream.
    Closed,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
    pushed: u64,
    dropped: u64,
}

/// A bounded multi-thread queue with a drop counter (see the module docs).
#[derive(Debug)]
pub struct FrameQueue<T> {
    policy: QueuePolicy,
    capacity: usize,
    state: Mutex<State<T>>,
    not_empty: Condvar,
    not_full: Condvar,
}

impl<T> FrameQueue<T> {
    /// An open, empty queue holding at most `capacity` (≥ 1) items.
    pub fn new(policy: QueuePolicy, capacity: usize) -> FrameQueue<T> {
        FrameQueue {
            policy,
            capacity: capacity.max(1),
            state: Mutex::new(State { items: VecDeque::new(), closed: false, pushed: 0, dropped: 0 }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic while holding this lock leaves only counters and a deque behind, both valid.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `item`, waiting for room under [`QueuePolicy::Block`].
    ///
    /// # Errors
    /// Gives `item` back if the queue is (or becomes, while waiting) closed.
    pub fn push(&self, item: T) -> Result<(), T> {
        let mut s = self.lock();
        loop {
            if s.closed {
                return Err(item);
            }
            if s.items.len() < self.capacity {
                break;
            }
            match self.policy {
                QueuePolicy::LatestWins => {
                    s.items.pop_front();
                    s.dropped += 1;
                }
                QueuePolicy::Block => s = self.not_full.wait(s).unwrap_or_else(|e| e.into_inner()),
            }
        }
        s.items.push_back(item);
        s.pushed += 1;
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the oldest item, waiting up to `timeout` for one.
    pub fn pop_timeout(&self, timeout: Duration) -> Pop<T> {
        let mut s = self.lock();
        if s.items.is_empty() && !s.closed {
            s = self
                .not_empty
                .wait_timeout_while(s, timeout, |s| s.items.is_empty() && !s.closed)
                .map_or_else(|e| e.into_inner().0, |r| r.0);
        }
        match s.items.pop_front() {
            Some(item) => {
                self.not_full.notify_one();
                Pop::Item(item)
            }
            None if s.closed => Pop::Closed,
            None => Pop::Empty,
        }
    }

    /// Ends the stream: producers stop (waiting ones get their item back), the consumer drains
    /// what is queued and then sees [`Pop::Closed`].
    pub fn close(&self) {
        self.lock().closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// Re-opens a closed queue, emptied, for a reconnected source; counters are kept.
    pub fn reopen(&self) {
        let mut s = self.lock();
        s.items.clear();
        s.closed = false;
    }

    /// Items pushed and items dropped so far.
    pub fn counters(&self) -> (u64, u64) {
        let s = self.lock();
        (s.pushed, s.dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn latest_wins_drops_the_oldest_and_counts_it() {
        let q = FrameQueue::new(QueuePolicy::LatestWins, 2);
        for i in 0..5 {
            q.push(i).unwrap();
        }
        assert_eq!(q.pop_timeout(Duration::ZERO), Pop::Item(3));
        assert_eq!(q.pop_timeout(Duration::ZERO), Pop::Item(4));
        assert_eq!(q.pop_timeout(Duration::ZERO), Pop::Empty);
        assert_eq!(q.counters(), (5, 3));
    }

    #[test]
    fn block_loses_nothing_and_keeps_order() {
        let q = Arc::new(FrameQueue::new(QueuePolicy::Block, 1));
        let producer = {
            let q = Arc::clone(&q);
            std::thread::spawn(move || {
                for i in 0..100 {
                    q.push(i).unwrap();
                }
                q.close();
            })
        };
        let mut got = Vec::new();
        loop {
            match q.pop_timeout(Duration::from_secs(5)) {
                Pop::Item(i) => got.push(i),
                Pop::Closed => break,
                Pop::Empty => panic!("producer stalled"),
            }
        }
        producer.join().unwrap();
        assert_eq!(got, (0..100).collect::<Vec<_>>());
        assert_eq!(q.counters(), (100, 0));
    }

    #[test]
    fn close_releases_a_blocked_producer_with_its_item() {
        let q = Arc::new(FrameQueue::new(QueuePolicy::Block, 1));
        q.push(1).unwrap();
        let producer = {
            let q = Arc::clone(&q);
            std::thread::spawn(move || q.push(2))
        };
        q.close();
        assert_eq!(producer.join().unwrap(), Err(2));
        assert_eq!(q.pop_timeout(Duration::ZERO), Pop::Item(1));
        assert_eq!(q.pop_timeout(Duration::ZERO), Pop::Closed);
    }
}
