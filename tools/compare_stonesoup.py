#!/usr/bin/env python3
"""Compare Seawarden's tracker with a well-configured Stone Soup GNN tracker.

For each scenario: `seawarden sim` writes measurements and truth; `seawarden track` and a Stone
Soup tracker (run in this process) track the same measurements, both timed; `seawarden eval`
scores both with GOSPA (p = 1, c = 100 m, alpha = 2) at every scan time, plus ID switches.
Prints one table row per scenario.

Usage:
    python3 tools/compare_stonesoup.py [SCENARIO ...] [--bin target/release/seawarden]
                                       [--out .cache/compare] [--grid small|full|none] [--duration 3m]
    python3 tools/compare_stonesoup.py --synthetic   # a built-in small scenario, no sim needed

The script installs Stone Soup (pinned in tools/requirements-stonesoup.txt) into
.cache/stonesoup-venv on first use and re-runs itself with that interpreter.

Stone Soup set-up (the classic GNN recipe from its tutorials): constant-velocity motion in a local
east/north tangent plane (the same exact WGS-84 ENU frame `seawarden eval` uses, at the truth's
centroid); a linear-Gaussian position measurement per detection, isotropic with `sigma_m`, or for
polar lines (`range_m`, `bearing_deg`, `sigma_range_m`, `sigma_bearing_deg`, `site`) the
elongated converted-measurement covariance along/across the line of sight from the mast in
assets/sites.toml (the same information Seawarden's tracker uses); a Mahalanobis distance
hypothesiser with a gate; GNNWith2DAssignment; a MultiMeasurementInitiator (a track is released
after `min_points` updates) fed only with detections whose major-axis sigma is at most
--init-max-sigma-m (IR horizon ranges are kilometres long); deletion after --delete-s without an
update or when the position covariance grows past a 300 m radius. Scans are fed exactly as the
batch contract defines them (one step per time+sensor; an empty scan is a coast, which for a
linear model is folded into the next prediction), and at every scan time one line per track with
at least `min_updates_out` updates is written in the same JSONL contract. q, gate, min_points and
min_updates_out are tuned per scenario on a grid (--grid) against truth and the best GOSPA is
reported: this favours Stone Soup (oracle tuning); Seawarden runs with its default config.

Runtimes: Seawarden is timed as the whole `seawarden track` process (reading and writing files
included); Stone Soup as reading, tracking and writing in this process, without interpreter
start-up and imports.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".cache" / "stonesoup-venv"
REQUIREMENTS = ROOT / "tools" / "requirements-stonesoup.txt"
DEFAULT_SCENARIOS = [
    "quiet-day",
    "busy-harbour",
    "night-smuggling",
    "rendezvous",
    "drifting-boat",
    "crossing",
    "manoeuvring",
]

# WGS-84 (NIMA TR8350.2), as in src/geodesy.rs.
WGS84_A_M = 6_378_137.0
WGS84_F = 1.0 / 298.257_223_563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
MPS_PER_KNOT = 1852.0 / 3600.0


# ---------------------------------------------------------------------------------------------
# Environment


def ensure_venv() -> None:
    """Re-run this script inside .cache/stonesoup-venv, creating it first if needed."""
    py = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not py.exists():
        print(f"creating {VENV} and installing Stone Soup ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)
    else:
        # Cheap check that the pinned package is there (a half-finished install).
        ok = subprocess.run([str(py), "-c", "import stonesoup"], capture_output=True).returncode == 0
        if not ok:
            subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)
    os.execv(str(py), [str(py), *sys.argv])


# ---------------------------------------------------------------------------------------------
# Local tangent plane (exact ECEF-based, the same as geodesy::Enu)


class Enu:
    """East/north on the WGS-84 sea surface around an origin, both ways, like `geodesy::Enu`."""

    def __init__(self, lat0: float, lon0: float):
        import numpy as np

        self.np = np
        self.lat0, self.lon0 = lat0, lon0
        sl, cl = math.sin(math.radians(lat0)), math.cos(math.radians(lat0))
        so, co = math.sin(math.radians(lon0)), math.cos(math.radians(lon0))
        self.rot = np.array([[-so, co, 0.0], [-sl * co, -sl * so, cl], [cl * co, cl * so, sl]])
        self.origin = self._ecef(np.array([lat0]), np.array([lon0]), np.array([0.0]))[:, 0]

    def _ecef(self, lat, lon, h):
        np = self.np
        lat, lon = np.radians(lat), np.radians(lon)
        n = WGS84_A_M / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
        return np.vstack(
            [
                (n + h) * np.cos(lat) * np.cos(lon),
                (n + h) * np.cos(lat) * np.sin(lon),
                (n * (1.0 - WGS84_E2) + h) * np.sin(lat),
            ]
        )

    def _geodetic(self, p):
        np = self.np
        x, y, z = p
        lon = np.arctan2(y, x)
        r = np.hypot(x, y)
        b = WGS84_A_M * (1.0 - WGS84_F)
        ep2 = (WGS84_A_M**2 - b**2) / b**2
        beta = np.arctan2(WGS84_A_M * z, b * r)
        lat = np.arctan2(z + ep2 * b * np.sin(beta) ** 3, r - WGS84_E2 * WGS84_A_M * np.cos(beta) ** 3)
        h = np.zeros_like(lat)
        for _ in range(3):
            n = WGS84_A_M / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
            h = r / np.cos(lat) - n
            lat = np.arctan2(z, r * (1.0 - WGS84_E2 * n / (n + h)))
        return np.degrees(lat), np.degrees(lon), h

    def to_en(self, lat, lon):
        """Degrees in (arrays), metres out: (east, north)."""
        np = self.np
        lat, lon = np.atleast_1d(lat).astype(float), np.atleast_1d(lon).astype(float)
        enu = self.rot @ (self._ecef(lat, lon, np.zeros_like(lat)) - self.origin[:, None])
        return enu[0], enu[1]

    def from_en(self, e, n):
        """Metres in (arrays), degrees out: the sea-surface point under (east, north)."""
        np = self.np
        e, n = np.atleast_1d(e).astype(float), np.atleast_1d(n).astype(float)
        up = np.zeros_like(e)
        lat = lon = None
        for _ in range(3):
            ecef = self.origin[:, None] + self.rot.T @ np.vstack([e, n, up])
            lat, lon, h = self._geodetic(ecef)
            up = up - h
        return lat, lon


def truth_centroid(truth_path: Path) -> tuple[float, float]:
    """Mean lat/lon over all truth samples: the origin `seawarden eval` uses by default."""
    s_lat = s_lon = 0.0
    count = 0
    with open(truth_path) as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                s_lat += o["lat"]
                s_lon += o["lon"]
                count += 1
    if count == 0:
        raise SystemExit(f"{truth_path}: no truth samples")
    return s_lat / count, s_lon / count


# ---------------------------------------------------------------------------------------------
# Measurements


def read_scans(path: Path):
    """The measurement log as scans: [(time, [(sensor, [line, ...]), ...]), ...].

    Lines with the same time and sensor are one scan; scans at one time are kept in file order.
    `scan_only` lines make empty scans.
    """
    scans: list = []
    index: dict = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            t, sensor = o["time"], o.get("sensor", "")
            if not scans or scans[-1][0] != t:
                scans.append((t, []))
                index = {}
            if sensor not in index:
                index[sensor] = len(scans[-1][1])
                scans[-1][1].append((sensor, []))
            if not o.get("scan_only", False) and "lat" in o:
                scans[-1][1][index[sensor]][1].append(o)
    return scans


def read_sites(enu: Enu) -> dict:
    """Site id -> (east, north) of its mast in `enu`, from assets/sites.toml."""
    import tomllib

    path = ROOT / "assets" / "sites.toml"
    if not path.exists():
        return {}
    sites = tomllib.loads(path.read_text()).get("sites", [])
    out = {}
    for site in sites:
        e, n = enu.to_en([site["lat"]], [site["lon"]])
        out[site["id"]] = (float(e[0]), float(n[0]))
    return out


def measurement_covariance(line: dict, e: float, n: float, sites: dict):
    """2x2 east/north covariance of one detection, and its major-axis sigma (m).

    A polar line (radar plot, IR detection with a range estimate) is elongated: sigma_range_m along
    the line of sight from its mast, range x sigma_bearing across it. The line of sight is taken
    from the mast's position in the frame when the site is known (so meridian convergence does not
    rotate a 0.05 deg IR bearing), else from the bearing itself. Other lines are isotropic with
    sigma_m, as the batch contract defines it.
    """
    import numpy as np

    sigma = float(line.get("sigma_m", 20.0))
    r, b = line.get("range_m"), line.get("bearing_deg")
    sr, sb = line.get("sigma_range_m"), line.get("sigma_bearing_deg")
    if None in (r, b, sr, sb) or r <= 0:
        return np.diag([sigma**2, sigma**2]), sigma
    mast = sites.get(line.get("site"))
    if mast is not None and math.hypot(e - mast[0], n - mast[1]) > 1.0:
        d = math.hypot(e - mast[0], n - mast[1])
        u = np.array([(e - mast[0]) / d, (n - mast[1]) / d])
    else:
        u = np.array([math.sin(math.radians(b)), math.cos(math.radians(b))])
    v = np.array([u[1], -u[0]])
    s_along, s_across = float(sr), float(r) * math.radians(float(sb))
    cov = s_along**2 * np.outer(u, u) + s_across**2 * np.outer(v, v)
    return cov, max(s_along, s_across)


# ---------------------------------------------------------------------------------------------
# Stone Soup tracker


def run_stonesoup(scans, enu: Enu, sites: dict, out_path: Path, *, q: float, gate: float, min_points: int,
                  delete_s: float, init_max_sigma_m: float, min_updates_out: int,
                  prior_speed_mps: float = 10.0) -> int:
    """Track `scans` with Stone Soup and write the tracks JSONL contract to `out_path`.

    q: white-acceleration spectral density of the CV model, m^2/s^3.
    gate: Mahalanobis gate, in standard deviations.
    init_max_sigma_m: detections less precise than this (major axis) update tracks but do not
    start them (IR ranges from the horizon are kilometres long).
    min_updates_out: a track is written once it has this many updates (its initiation included).
    Returns the number of distinct track ids written.
    """
    import datetime as dt

    import numpy as np
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.deleter.error import CovarianceBasedDeleter
    from stonesoup.deleter.multi import CompositeDeleter
    from stonesoup.deleter.time import UpdateTimeDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import CombinedLinearGaussianTransitionModel, ConstantVelocity
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    epoch = dt.datetime(1970, 1, 1)
    transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
    predictor = KalmanPredictor(transition)
    updater = KalmanUpdater(measurement_model=None)
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=gate)
    associator = GNNWith2DAssignment(hypothesiser)
    # Position variance beyond which a coasting track is dropped: a 1-sigma radius of ~300 m.
    deleter = CompositeDeleter(
        [
            UpdateTimeDeleter(dt.timedelta(seconds=delete_s)),
            CovarianceBasedDeleter(covar_trace_thresh=2 * 300.0**2, mapping=[0, 2]),
        ],
        intersect=False,
    )
    v2 = prior_speed_mps**2
    initiator = MultiMeasurementInitiator(
        prior_state=GaussianState(np.zeros((4, 1)), np.diag([0.0, v2, 0.0, v2])),
        deleter=UpdateTimeDeleter(dt.timedelta(seconds=min(delete_s, 10.0))),
        data_associator=GNNWith2DAssignment(hypothesiser),
        updater=updater,
        measurement_model=None,
        min_points=min_points,
    )

    def model(cov):
        return LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=cov)

    tracks: set = set()
    ids: dict = {}
    last_update: dict = {}  # track id -> time (s) of its last update
    updates: dict = {}  # track id -> number of updates
    with open(out_path, "w") as out:
        for t, sensor_scans in scans:
            stamp = epoch + dt.timedelta(seconds=t)
            for _sensor, lines in sensor_scans:
                if not lines:
                    # A scan with no detections: every track misses. Coasting is a pure prediction,
                    # which the next step (or the output below) does in one go for a linear model,
                    # and deletion is by time since update, so skipping the step changes nothing.
                    continue
                detections, starters = set(), set()
                e, n = enu.to_en([o["lat"] for o in lines], [o["lon"] for o in lines])
                for k, o in enumerate(lines):
                    cov, major = measurement_covariance(o, float(e[k]), float(n[k]), sites)
                    det = Detection(np.array([[e[k]], [n[k]]]), timestamp=stamp, measurement_model=model(cov))
                    detections.add(det)
                    if major <= init_max_sigma_m:
                        starters.add(det)
                associations = associator.associate(tracks, detections, stamp)
                used = set()
                for track, hyp in associations.items():
                    if hyp:
                        track.append(updater.update(hyp))
                        used.add(hyp.measurement)
                        last_update[track.id] = t
                        updates[track.id] += 1
                    else:
                        track.append(hyp.prediction)
                tracks -= deleter.delete_tracks(tracks)
                born = initiator.initiate(starters - used, stamp)
                for track in born:
                    last_update[track.id] = t
                    updates[track.id] = min_points
                tracks |= born
            # Output once per time, after all of that time's scans: deletion by time since update
            # is checked here too, since empty scans were skipped above.
            tracks = {tr for tr in tracks if t - last_update[tr.id] <= delete_s}
            shown = [tr for tr in tracks if updates[tr.id] >= min_updates_out]
            if not shown:
                continue
            ordered = sorted(shown, key=lambda tr: ids.setdefault(tr.id, len(ids) + 1))
            states = [
                tr.state if tr.state.timestamp == stamp else predictor.predict(tr.state, timestamp=stamp)
                for tr in ordered
            ]
            sv = np.hstack([np.asarray(st.state_vector, dtype=float) for st in states])
            lat, lon = enu.from_en(sv[0], sv[2])
            for k, tr in enumerate(ordered):
                ve, vn = float(sv[1, k]), float(sv[3, k])
                out.write(
                    json.dumps(
                        {
                            "time": t,
                            "track_id": str(ids[tr.id]),
                            "lat": float(lat[k]),
                            "lon": float(lon[k]),
                            "sog_kn": math.hypot(ve, vn) / MPS_PER_KNOT,
                            "cog_deg": math.degrees(math.atan2(ve, vn)) % 360.0,
                        }
                    )
                    + "\n"
                )
    return len(ids)


# ---------------------------------------------------------------------------------------------
# Synthetic data (to check this script without `seawarden sim`)


def write_synthetic(d: Path, seed: int = 1, duration_s: int = 300) -> tuple[Path, Path]:
    """A small scenario: four boats (one turning), a 2 s radar scan with clutter and misses,
    truth at 1 Hz. Writes d/measurements.jsonl and d/truth.jsonl in the contract formats."""
    import numpy as np

    rng = np.random.default_rng(seed)
    enu = Enu(22.15, 113.55)
    boats = [  # east, north (m), speed (m/s), course (deg), turn rate (deg/s)
        (-3000.0, -2000.0, 5.0, 45.0, 0.0),
        (2000.0, 1000.0, 8.0, 270.0, 0.0),
        (0.0, 3000.0, 3.0, 180.0, 0.6),
        (-1000.0, 1500.0, 0.3, 90.0, 0.0),
    ]
    truth_lines, meas_lines = [], []
    state = [list(b) for b in boats]
    for t in range(duration_s + 1):
        for k, (e, n, v, c, w) in enumerate(state):
            lat, lon = enu.from_en([e], [n])
            truth_lines.append({"time": float(t), "id": f"boat-{k}", "lat": float(lat[0]), "lon": float(lon[0])})
            if t % 2 == 0 and rng.random() < 0.9:
                sigma = 20.0
                me, mn = e + rng.normal(0, sigma), n + rng.normal(0, sigma)
                la, lo = enu.from_en([me], [mn])
                meas_lines.append({"time": float(t), "sensor": "radar-syn", "kind": "radar",
                                   "lat": float(la[0]), "lon": float(lo[0]), "sigma_m": sigma})
        if t % 2 == 0:
            for _ in range(rng.poisson(3)):
                me, mn = rng.uniform(-5000, 5000), rng.uniform(-5000, 5000)
                la, lo = enu.from_en([me], [mn])
                meas_lines.append({"time": float(t), "sensor": "radar-syn", "kind": "radar",
                                   "lat": float(la[0]), "lon": float(lo[0]), "sigma_m": 20.0})
            if not any(m["time"] == float(t) for m in meas_lines[-10:]):
                meas_lines.append({"time": float(t), "sensor": "radar-syn", "scan_only": True})
        for s in state:
            e, n, v, c, w = s
            s[3] = c + w
            s[0] = e + v * math.sin(math.radians(c))
            s[1] = n + v * math.cos(math.radians(c))
    d.mkdir(parents=True, exist_ok=True)
    meas, truth = d / "measurements.jsonl", d / "truth.jsonl"
    meas.write_text("".join(json.dumps(m) + "\n" for m in meas_lines))
    truth.write_text("".join(json.dumps(x) + "\n" for x in truth_lines))
    return meas, truth


# ---------------------------------------------------------------------------------------------
# Driver


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-2000:]}")
    return r


def evaluate(bin_path: str, truth: Path, tracks: Path, meas: Path) -> dict:
    r = sh([bin_path, "eval", "--truth", str(truth), "--tracks", str(tracks), "--measurements", str(meas), "--json"])
    return json.loads(r.stdout)


def find_file(d: Path, names: list[str]) -> Path:
    for n in names:
        if (d / n).exists():
            return d / n
    raise SystemExit(f"{d}: none of {names} found (have: {sorted(p.name for p in d.iterdir())})")


GRIDS = {
    # (q m^2/s^3, gate sigmas, min_points, min_updates_out)
    "none": [(0.3, 4.0, 3, 5)],
    "small": list(itertools.product([0.05, 0.5], [4.0], [3], [3, 6])),
    "full": list(itertools.product([0.02, 0.1, 0.5, 2.0], [3.0, 4.0, 5.0], [2, 3], [3, 5, 8])),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="*", default=DEFAULT_SCENARIOS)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "seawarden"), help="seawarden binary")
    ap.add_argument("--out", default=str(ROOT / ".cache" / "compare"), help="working directory")
    ap.add_argument("--grid", choices=sorted(GRIDS), default="small", help="Stone Soup tuning grid")
    ap.add_argument("--delete-s", type=float, default=10.0, help="Stone Soup: delete after this long unupdated")
    ap.add_argument("--init-max-sigma-m", type=float, default=150.0,
                    help="Stone Soup: detections less precise than this do not start tracks")
    ap.add_argument("--duration", help="sim: scenario length, e.g. 10m (default: the scenario's own)")
    ap.add_argument("--seed", help="sim: random seed (default: the scenario's own)")
    ap.add_argument("--measurements", help="skip sim: use this measurement file (with --truth)")
    ap.add_argument("--truth", help="skip sim: truth file for --measurements")
    ap.add_argument("--synthetic", action="store_true", help="skip sim: use a small built-in scenario")
    ap.add_argument("--skip-ours", action="store_true", help="only run Stone Soup (for checking this script)")
    ap.add_argument("--json", help="also write the results to this JSON file")
    args = ap.parse_args()
    ensure_venv()

    out_root = Path(args.out)
    out_root.mkdir(parents=True, exist_ok=True)
    rows = []
    if args.synthetic:
        args.measurements, args.truth = map(str, write_synthetic(out_root / "synthetic"))
    runs = [("synthetic" if args.synthetic else "custom", None)] if args.measurements else [
        (s, s) for s in args.scenarios
    ]
    for name, scenario in runs:
        d = out_root / name
        d.mkdir(parents=True, exist_ok=True)
        if scenario is None:
            meas, truth = Path(args.measurements), Path(args.truth)
        else:
            print(f"[{name}] simulating ...", file=sys.stderr)
            cmd = [args.bin, "sim", "--scenario", scenario, "--out", str(d)]
            cmd += ["--duration", args.duration] if args.duration else []
            cmd += ["--seed", args.seed] if args.seed else []
            sh(cmd)
            meas = find_file(d, ["measurements.jsonl"])
            truth = find_file(d, ["truth.jsonl"])
        row = {"scenario": name}

        if not args.skip_ours:
            ours = d / "seawarden.jsonl"
            t0 = time.perf_counter()
            sh([args.bin, "track", "--input", str(meas), "--output", str(ours)])
            row["ours_s"] = time.perf_counter() - t0
            row["ours"] = evaluate(args.bin, truth, ours, meas)
            print(f"[{name}] seawarden: {row['ours']['gospa_m']:.1f} m in {row['ours_s']:.2f} s", file=sys.stderr)

        enu = Enu(*truth_centroid(truth))
        sites = read_sites(enu)
        t0 = time.perf_counter()
        scans = read_scans(meas)
        read_s = time.perf_counter() - t0
        best = None
        for q, gate, min_points, min_out in GRIDS[args.grid]:
            ss = d / f"stonesoup-q{q}-g{gate}-m{min_points}-n{min_out}.jsonl"
            t0 = time.perf_counter()
            run_stonesoup(scans, enu, sites, ss, q=q, gate=gate, min_points=min_points, delete_s=args.delete_s,
                          init_max_sigma_m=args.init_max_sigma_m, min_updates_out=min_out)
            elapsed = read_s + time.perf_counter() - t0
            score = evaluate(args.bin, truth, ss, meas)
            print(
                f"[{name}] stone soup q={q} gate={gate} min_points={min_points} min_updates_out={min_out}: "
                f"{score['gospa_m']:.1f} m, {score['id_switches']} switches, {elapsed:.2f} s",
                file=sys.stderr,
            )
            if best is None or score["gospa_m"] < best[0]["gospa_m"]:
                best = (score, elapsed, {"q": q, "gate": gate, "min_points": min_points, "min_updates_out": min_out})
        row["ss"], row["ss_s"], row["ss_params"] = best
        rows.append(row)

    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'scenario':<16} {'GOSPA m (ours / SS)':>21} {'ID sw (ours / SS)':>18} "
        f"{'runtime s (ours / SS)':>22} {'speed-up':>9}  SS params"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        ss = r["ss"]
        p = r["ss_params"]
        params = f"q={p['q']} gate={p['gate']} min_points={p['min_points']} min_updates_out={p['min_updates_out']}"
        if "ours" in r:
            o = r["ours"]
            speed = r["ss_s"] / r["ours_s"] if r["ours_s"] > 0 else float("inf")
            print(
                f"{r['scenario']:<16} {o['gospa_m']:>9.1f} / {ss['gospa_m']:<9.1f} "
                f"{o['id_switches']:>7} / {ss['id_switches']:<8} "
                f"{r['ours_s']:>9.2f} / {r['ss_s']:<10.2f} {speed:>8.1f}x  {params}"
            )
        else:
            print(
                f"{r['scenario']:<16} {'-':>9} / {ss['gospa_m']:<9.1f} {'-':>7} / {ss['id_switches']:<8} "
                f"{'-':>9} / {r['ss_s']:<10.2f} {'-':>9}  {params}"
            )


if __name__ == "__main__":
    sys.exit(main())
