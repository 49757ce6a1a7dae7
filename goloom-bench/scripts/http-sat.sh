#!/bin/bash
# http-sat.sh JAR jdk|goloom: the http row's server (--work 14000, ~20 us here) saturated by wrk -t2 -c100 for 10 s after a 3 s warm-up; machine, server, wrk CPU and the server's context switches. Ad hoc diagnosis (docs/PERFORMANCE.md, session 4), not a row.
J=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=$1; SIDE=$2; EXTRA="$3"
coproc SRV { exec $J -Xmx512m --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.vm=ALL-UNNAMED $EXTRA -Dslf4j.internal.verbosity=ERROR -cp $JAR io.goloom.bench.http.ServerMain --side $SIDE --work 14000; }
SPID=$SRV_PID
read -u ${SRV[0]} line; PORT=${line#port=}; read -u ${SRV[0]} line
wrk -t2 -c100 -d3s http://127.0.0.1:$PORT/ >/dev/null
cpu() { awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat; }
pcpu() { awk '{print $14+$15}' /proc/$SPID/stat; }
cs() { cat /proc/$SPID/task/*/status | awk '/voluntary_ctxt/{ if ($1 ~ /^nonv/) n+=$2; else v+=$2 } END {print v, n}'; }
read b1 i1 < <(cpu); s1=$(pcpu); read v1 n1 < <(cs)
W=$( { /usr/bin/time -f "%U %S" wrk -t2 -c100 -d10s http://127.0.0.1:$PORT/ ; } 2>&1 )
read b2 i2 < <(cpu); s2=$(pcpu); read v2 n2 < <(cs)
RPS=$(echo "$W" | awk '/Requests\/sec/{print $2}')
WCPU=$(echo "$W" | tail -1)
echo "$1 $SIDE rps=$RPS busy=$(( (b2-b1) ))t idle=$(( (i2-i1) ))t server=$((s2-s1))t wrk(u s)=$WCPU vol=$((v2-v1)) invol=$((n2-n1))"
echo stop >&${SRV[1]}; sleep 2; kill $SPID 2>/dev/null
