#!/usr/bin/env bash
# http-hogs.sh JAR SIDE POLICY HOGS CHECKPOINT RATE: the http row's server with HOGS CPU-hog
# virtual threads on its scheduler (each spinning 20,000-iteration chunks, calling
# Go.checkpoint() between them if CHECKPOINT is true), under goloom's POLICY (go, fair or
# fair:SLICE_US:BULK_TURN_MS; ignored by the jdk side), and the generator (LoadMain) in open loop
# at RATE req/s for 10 s. Prints the requests served per second, p50/p99/p999/max, and how many
# chunks the hogs did (hog-chunks, over the whole run: do they still make progress?). NICE=N
# (default 0) passes --retaken-nice N: retaken carriers are demoted to nice N. Issue 15.
set -euo pipefail
. "$(dirname "$0")/http-lib.sh"
jar=$1 side=$2 policy=$3 hogs=$4 cp=$5 rate=$6
SERVER_ARGS=(--policy "$policy" --retaken-nice "${NICE:-0}" --hogs "$hogs" --hog-work 20000 --hog-checkpoint "$cp")
start_server "$jar" "$side"
t0=$(date +%s%N)
out=$(timeout 120 "$jdk/bin/java" -Xmx256m -cp "$jar" io.goloom.bench.http.LoadMain --port "$PORT" --pid "$SPID" \
    --rate "$rate" --warmup 1 --saturation 1 --settle 2 --open 10 2>&1 || true)
stop_server
secs=$(( ($(date +%s%N) - t0) / 1000000000 ))
echo "$side policy=$policy nice=${NICE:-0} hogs=$hogs checkpoint=$cp rate=$rate:" \
     "$(echo "$out" | grep -E '^(achieved|p50|p99|p999|max)=' | tr '\n' ' ')" \
     "$(echo "$SERVER_TAIL" | grep -E '^hog-chunks=') over ${secs}s"
