#!/bin/bash
# http-olcpu.sh JAR jdk|goloom RATE: the http row's generator in open loop at RATE req/s; machine, server and generator CPU over 6 s of its measured window. Ad hoc diagnosis (docs/PERFORMANCE.md, session 4).
J=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=$1; SIDE=$2; RATE=$3
coproc SRV { exec $J -Xmx512m --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Dslf4j.internal.verbosity=ERROR -cp $JAR io.goloom.bench.http.ServerMain --side $SIDE --work 14000; }
SPID=$SRV_PID
read -u ${SRV[0]} line; PORT=${line#port=}; read -u ${SRV[0]} line
wrk -t2 -c100 -d5s http://127.0.0.1:$PORT/ >/dev/null
$J -Xmx256m -cp $JAR io.goloom.bench.http.LoadMain --port $PORT --pid $SPID --rate $RATE --warmup 1 --saturation 1 --settle 2 --open 10 > ${TMPDIR:-/tmp}/http-ol.out 2>&1 &
LP=$!
sleep 5
cpu() { awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat; }
read b1 i1 < <(cpu); g1=$(awk '{print $14+$15}' /proc/$LP/stat); s1=$(awk '{print $14+$15}' /proc/$SPID/stat)
sleep 6
read b2 i2 < <(cpu); g2=$(awk '{print $14+$15}' /proc/$LP/stat); s2=$(awk '{print $14+$15}' /proc/$SPID/stat)
wait $LP
echo "$SIDE rate=$RATE busy=$((b2-b1)) idle=$((i2-i1)) (ticks/6s, 1200 max) generator=$((g2-g1)) server=$((s2-s1)) $(grep -E '^(p50|p99)=' ${TMPDIR:-/tmp}/http-ol.out | tr '\n' ' ')"
echo stop >&${SRV[1]}; sleep 2; kill $SPID 2>/dev/null
