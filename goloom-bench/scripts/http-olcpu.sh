#!/usr/bin/env bash
# http-olcpu.sh JAR jdk|goloom RATE: the http row's generator (LoadMain) in open loop at RATE req/s
# against the server alone. Prints the machine's busy/idle ticks and the server's and generator's
# CPU over 6 s of the generator's measured window (it starts ~4 s in: 1 s warm-up, 1 s saturation,
# 2 s settle), and the generator's p50/p99/p999/max. Diagnosis, not a row.
set -euo pipefail
. "$(dirname "$0")/http-lib.sh"
jar=$1 side=$2 rate=$3
start_server "$jar" "$side"
wrk -t2 -c100 -d5s "http://127.0.0.1:$PORT/" >/dev/null
out=$(mktemp)
"$jdk/bin/java" -Xmx256m -cp "$jar" io.goloom.bench.http.LoadMain --port "$PORT" --pid "$SPID" --rate "$rate" \
    --warmup 1 --saturation 1 --settle 2 --open 10 >"$out" 2>&1 &
load=$!
sleep 5   # a measurement window inside the generator's open loop, not a wait for a result
read -r b1 i1 < <(machine_ticks); g1=$(process_ticks "$load"); s1=$(process_ticks "$SPID")
sleep 6
read -r b2 i2 < <(machine_ticks); g2=$(process_ticks "$load"); s2=$(process_ticks "$SPID")
wait "$load"
echo "$side rate=$rate busy=$((b2-b1))t idle=$((i2-i1))t generator=$((g2-g1))t server=$((s2-s1))t" \
     "$(grep -E '^(p50|p99|p999|max)=' "$out" | tr '\n' ' ')"
rm -f "$out"
stop_server
