#!/usr/bin/env bash
# http-sat.sh JAR jdk|goloom [JVM flags]: the http row's server alone, saturated by wrk -t2 -c100
# for 10 s after a 3 s warm-up. Prints req/s, the machine's busy/idle ticks, the server's and
# wrk's CPU and the server's context switches over those 10 s. Diagnosis, not a row.
set -euo pipefail
. "$(dirname "$0")/http-lib.sh"
jar=$1 side=$2
shift 2
start_server "$jar" "$side" "$@"
switches() { cat /proc/"$SPID"/task/*/status | awk '/^voluntary/{v+=$2} /^nonvoluntary/{n+=$2} END{print v, n}'; }
url=http://127.0.0.1:$PORT/
wrk -t2 -c100 -d3s "$url" >/dev/null
read -r b1 i1 < <(machine_ticks); s1=$(process_ticks "$SPID"); read -r v1 n1 < <(switches)
out=$( { /usr/bin/time -f "%U %S" wrk -t2 -c100 -d10s "$url"; } 2>&1 )
read -r b2 i2 < <(machine_ticks); s2=$(process_ticks "$SPID"); read -r v2 n2 < <(switches)
echo "$side rps=$(awk '/Requests\/sec/{print $2}' <<<"$out") busy=$((b2-b1))t idle=$((i2-i1))t" \
     "server=$((s2-s1))t wrk(user sys s)=$(tail -1 <<<"$out") voluntary=$((v2-v1)) involuntary=$((n2-n1))"
stop_server
