//! Time to plan patrol intercepts for a fleet: 20 boats × 50 moving targets on the real Macau
//! coast, each pair routed around land (issue 9 goal: < 50 ms for the whole 20 × 50).
//!
//! `field_propose` is what the console runs: [`FieldPlanner`], one lazy distance field per boat
//! (grown only as far as the targets' shortlist windows need, units tried in order of their
//! straight-line ETA bound) and a real route only for the fastest boat(s) per target. `fleet_verified` is the earlier
//! [`FleetPlanner`] with `verify` (exact to the router); `fleet_tree_only` skips the check; `per_pair_exact` calls [`intercept`] for every
//! pair, the baseline the tree saves us from.

use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use seawarden::coast::WaterRouter;
use seawarden::geodesy::LatLon;
use seawarden::tasking::intercept::{intercept, FleetPlanner};
use seawarden::tasking::FieldPlanner;
use seawarden::tasking::{Target, Unit, UnitKind, Units};

fn random_water(router: &WaterRouter, rng: &mut impl Rng) -> LatLon {
    loop {
        let p = LatLon::new(rng.random_range(22.09..22.22), rng.random_range(113.52..113.62));
        if router.is_clear(p) {
            return p;
        }
    }
}

/// 20 boats and 50 targets at seeded random water positions, targets at 0–35 kn.
fn scenario(router: &WaterRouter) -> (Units, Vec<Target>) {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(2024);
    let units = (0..20)
        .map(|k| {
            let p = random_water(router, &mut rng);
            Unit {
                id: format!("pb-{k:02}"),
                name: format!("Boat {k}"),
                kind: UnitKind::PatrolBoat,
                base: "outer-harbour".into(),
                base_lat: p.lat_deg,
                base_lon: p.lon_deg,
                max_speed_kn: rng.random_range(30.0..45.0),
                endurance_h: 5.0,
                status: Default::default(),
                position: None,
                position_time_s: None,
            }
        })
        .collect();
    let targets = (0..50)
        .map(|k| {
            let p = random_water(router, &mut rng);
            Target::track(format!("{k}"), 0.0, p, rng.random_range(0.0..35.0), rng.random_range(0.0..360.0))
        })
        .collect();
    (Units { units }, targets)
}

fn bench(c: &mut Criterion) {
    let router = WaterRouter::macau();
    let (units, targets) = scenario(&router);
    let mut g = c.benchmark_group("tasking_plan_20x50");
    g.sample_size(10);
    // The water grid copy is per router (built once, like the router); the per-boat distance
    // fields and every target's search and route are inside the timed loop.
    let field_planner = FieldPlanner::new(&router);
    g.bench_function("field_propose", |b| {
        b.iter(|| field_planner.propose_all(&units, &targets));
    });
    g.bench_function("field_propose_with_grid", |b| {
        b.iter(|| FieldPlanner::new(&router).propose_all(&units, &targets));
    });
    g.bench_function("fleet_verified", |b| {
        b.iter(|| FleetPlanner::new(&router).rank_all(&units, &targets));
    });
    g.bench_function("fleet_tree_only", |b| {
        b.iter(|| {
            let mut p = FleetPlanner::new(&router);
            p.verify = false;
            p.rank_all(&units, &targets)
        });
    });
    g.bench_function("per_pair_exact", |b| {
        b.iter(|| {
            let mut n = 0;
            for u in &units.units {
                for t in &targets {
                    if let Ok(Some(_)) = intercept(&router, u.base(), u.max_speed_mps(), true, t, 5.0 * 3600.0) {
                        n += 1;
                    }
                }
            }
            n
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
