#!/usr/bin/env bash
# The end-to-end tour `./x demo` runs until `seawarden demo` (embedded broker + 13 nodes + console)
# exists: every stage that has landed, on the real Macau coast, with real parts in between.
#
#   tools/demo.sh BIN [SCENARIO]
#
# 1. simulate a night on the coast (AIS NMEA, radar TTM, measurements, truth, labelled episodes);
# 2. start the embedded MQTT broker and a listener (the console's stand-in);
# 3. run one edge node over the simulated measurements: tracker + anomaly rules + outbox → MQTT;
# 4. score the tracks against truth (GOSPA) and list the alerts the listener received;
# 5. export a drone search mission over the first alert for ground-control software.
#
# With a display ($DISPLAY set; DEMO_CONSOLE=0 turns it off) the command console opens on the live
# broker and the node replays the night at DEMO_SPEED× (default 20) so the operator can watch
# tracks and alerts arrive; without one the node replays as fast as it can.
set -euo pipefail

sw=${1:?usage: tools/demo.sh BIN [SCENARIO]}
scenario=${2:-night-smuggling}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/seawarden-demo.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on port $1" >&2; return 1
}

say "1. simulating scenario '$scenario' on the Macau coast ($work/sim)"
"$sw" sim --scenario "$scenario" --out "$work/sim"
ls -l "$work/sim" | tail -n +2 | awk '{printf "   %-28s %8d bytes\n", $9, $5}'
echo "   first AIS sentences (tag-blocked, as a receiver sends them):"
head -n 3 "$work/sim/ais.nmea" | sed 's/^/     /'

say "2. embedded MQTT broker and a listener"
port=$(free_port)
"$sw" broker --listen "127.0.0.1:$port" >"$work/broker.log" 2>&1 &
pids+=($!)
wait_port "$port"
"$sw" listen --broker "mqtt://127.0.0.1:$port" --out "$work/heard.jsonl" >"$work/listen.log" 2>&1 &
pids+=($!)
sleep 0.5
echo "   broker on 127.0.0.1:$port; listener writing $work/heard.jsonl"

speed=0
if [ -n "${DISPLAY:-}" ] && [ "${DEMO_CONSOLE:-1}" = 1 ]; then
  speed=${DEMO_SPEED:-20}
  "$sw" console --broker "mqtt://127.0.0.1:$port" --record "$work/console-recordings" \
    >"$work/console.log" 2>&1 &
  pids+=($!)
  echo "   command console open on the live broker (recording to $work/console-recordings)"
fi

say "3. one edge node replaying the measurements (×${speed/#0/max}): tracker → anomaly → outbox → MQTT"
cat >"$work/node.toml" <<EOF
site = "cheoc-van"
data_dir = "$work/node"
[broker]
url = "mqtt://127.0.0.1:$port"
[[input]]
kind = "measurements"
url = "file://$work/sim/measurements.jsonl?speed=$speed"
EOF
"$sw" edge --config "$work/node.toml"
sleep 1

say "4. what arrived, and how good the tracks are"
python3 - "$work/heard.jsonl" <<'EOF'
import collections, json, sys
topics, kinds, tracks = collections.Counter(), collections.Counter(), set()
first = None
for line in open(sys.argv[1]):
    m = json.loads(line)
    p = m.get("payload", {})
    kind = m["topic"].rsplit("/", 1)[-1]
    topics[kind] += 1
    if kind == "tracks":
        tracks.update(t.get("track_id") or t.get("id") for t in p.get("tracks", []))
    if kind == "alerts":
        kinds[(p.get("kind"), p.get("severity"))] += 1
        first = first or p
print(f"   messages by topic: {dict(topics)}")
print(f"   distinct tracks published: {len(tracks)}")
for (k, s), n in sorted(kinds.items()):
    print(f"   alert {k:<20} {s:<9} x{n}")
if first:
    print("   first alert's reasons:")
    for r in first.get("reasons", []):
        print(f"     {r.get('rule')}: {r.get('value')} (threshold {r.get('threshold')})")
    with open(sys.argv[1] + ".first", "w") as f:
        f.write(f"{first['lat']},{first['lon']}")
EOF
"$sw" track --input "$work/sim/measurements.jsonl" --output "$work/tracks.jsonl" 2>/dev/null
"$sw" eval --truth "$work/sim/truth.jsonl" --tracks "$work/tracks.jsonl" --measurements "$work/sim/measurements.jsonl" | sed 's/^/   /'

say "5. a drone search mission over the first alert (QGroundControl .plan)"
if [ -s "$work/heard.jsonl.first" ]; then
  point=$(cat "$work/heard.jsonl.first")
  if "$sw" mission --point "$point" --pattern expanding-square --format plan --output "$work/mission.plan"; then
    python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print('   %d mission items, geofence with %d polygons, %d circles' % (len(p['mission']['items']), len(p['geoFence']['polygons']), len(p['geoFence']['circles'])))" "$work/mission.plan"
  else
    echo "   (mission refused — see the reason above: the geofence protects the airport)"
  fi
else
  echo "   (no alert arrived, so no mission)"
fi

say "done: everything is in $work"
if [ "$speed" != 0 ]; then
  echo "   the console stays open on the last picture: close its window to finish"
  wait "${pids[-1]}" 2>/dev/null || true
fi
trap - EXIT
cleanup
