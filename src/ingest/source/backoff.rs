//! Reconnect delays: exponential, capped, with jitter.
//!
//! After the n-th consecutive failure (n = 0, 1, …) the source waits
//! `base(n) = min(max_ms, initial_ms · multiplier^n)`, less a random share of it:
//! the delay is uniform in `[base(n)·(1 − jitter), base(n)]`. With the default jitter of ½ this is
//! "equal jitter": never less than half the schedule, so a dead peer is not hammered, yet
//! thirteen nodes that lost the same server at the same moment spread their retries instead of
//! returning in lock-step. The count resets once a connection delivers a line.
//!
//! # References
//! M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015.

use std::time::Duration;

/// The reconnect schedule of a network or serial source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackoffConfig {
    /// First delay, milliseconds. Default 250 ms.
    pub initial_ms: u64,
    /// Cap on the delay, milliseconds. Default 30 000 ms: a feed that comes back is picked up
    /// within half a minute.
    pub max_ms: u64,
    /// Growth factor per failure. Default 2.
    pub multiplier: f64,
    /// Share of each delay that is randomised, 0–1. Default 0.5.
    pub jitter: f64,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        BackoffConfig { initial_ms: 250, max_ms: 30_000, multiplier: 2.0, jitter: 0.5 }
    }
}

/// The running state of a [`BackoffConfig`] schedule: failures so far and a small PRNG.
#[derive(Debug, Clone)]
pub struct Backoff {
    cfg: BackoffConfig,
    failures: u32,
    rng: u64,
}

impl Backoff {
    /// A schedule seeded with `seed` (the same seed gives the same jitter: tests pin it,
    /// [`SourceOptions`](super::SourceOptions) draws a random one per source by default).
    pub fn new(cfg: BackoffConfig, seed: u64) -> Self {
        // xorshift has one forbidden state, zero.
        Backoff { cfg, failures: 0, rng: seed | 1 }
    }

    /// The delay before the next attempt, advancing the schedule.
    pub fn next_delay(&mut self) -> Duration {
        let max = self.cfg.max_ms as f64;
        let exp = self.cfg.multiplier.max(1.0).powi(self.failures.min(64) as i32);
        let base = (self.cfg.initial_ms as f64 * exp).min(max);
        self.failures = self.failures.saturating_add(1);
        let jitter = self.cfg.jitter.clamp(0.0, 1.0);
        let delay = base * (1.0 - jitter * self.uniform());
        Duration::from_secs_f64(delay.max(0.0) / 1000.0)
    }

    /// Consecutive failures counted so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Start over from `initial_ms` (after a connection that worked).
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Uniform in `[0, 1)`, from xorshift64*.
    fn uniform(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod next_delay {
        use super::*;

        #[test]
        fn without_jitter_doubles_then_caps() {
            let cfg = BackoffConfig { initial_ms: 100, max_ms: 1_000, multiplier: 2.0, jitter: 0.0 };
            let mut b = Backoff::new(cfg, 7);
            let got: Vec<u128> = (0..6).map(|_| b.next_delay().as_millis()).collect();
            assert_eq!(got, vec![100, 200, 400, 800, 1_000, 1_000]);
        }

        #[test]
        fn with_jitter_stays_between_half_and_full_schedule() {
            let mut b = Backoff::new(BackoffConfig::default(), 42);
            for n in 0..20u32 {
                let base = (250.0 * 2f64.powi(n as i32)).min(30_000.0);
                let d = b.next_delay().as_secs_f64() * 1000.0;
                assert!(d >= base * 0.5 - 1e-6 && d <= base + 1e-6, "attempt {n}: {d} ms vs base {base}");
            }
        }

        #[test]
        fn jitter_differs_between_seeds() {
            let mut a = Backoff::new(BackoffConfig::default(), 1);
            let mut b = Backoff::new(BackoffConfig::default(), 2);
            let da: Vec<_> = (0..5).map(|_| a.next_delay()).collect();
            let db: Vec<_> = (0..5).map(|_| b.next_delay()).collect();
            assert_ne!(da, db);
        }

        #[test]
        fn reset_starts_over() {
            let cfg = BackoffConfig { jitter: 0.0, ..BackoffConfig::default() };
            let mut b = Backoff::new(cfg, 0);
            b.next_delay();
            b.next_delay();
            assert_eq!(b.failures(), 2);
            b.reset();
            assert_eq!(b.next_delay(), Duration::from_millis(250));
        }

        #[test]
        fn a_thousand_failures_never_overflow() {
            let mut b = Backoff::new(BackoffConfig::default(), 3);
            for _ in 0..1_000 {
                assert!(b.next_delay() <= Duration::from_secs(30));
            }
        }
    }
}
