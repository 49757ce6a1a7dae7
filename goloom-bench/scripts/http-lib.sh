# Sourced by the http-*.sh diagnosis scripts (docs/PERFORMANCE.md, issue 14 session 4): the JDK
# (found as ./goloom finds it), the http row's server child, and /proc CPU counters.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../.mvn/find-jdk.sh
. "$here/.mvn/find-jdk.sh"
jdk=$(goloom_find_jdk) || { echo "no JDK $GOLOOM_MIN_JDK or later found: install Temurin 25 or set JAVA_HOME" >&2; exit 1; }
# --enable-native-access: for ServerMain --retaken-nice (issue 15); unused otherwise.
JAVA=("$jdk/bin/java" --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.vm=ALL-UNNAMED
      --enable-native-access=ALL-UNNAMED)
# Work.spin iterations per request: the bench calibrates ~20 us; 14000 is that on the machine of session 4.
WORK=${WORK:-14000}

# start_server JAR SIDE [JVM flags...]: starts ServerMain as coproc SRV, with ServerMain's own
# options from the array SERVER_ARGS if set (e.g. --policy fair --hogs 4); sets SPID and PORT.
start_server() {
  local jar=$1 side=$2 line
  shift 2
  coproc SRV { exec "${JAVA[@]}" -Xmx512m "$@" -Dslf4j.internal.verbosity=ERROR -cp "$jar" \
      io.goloom.bench.http.ServerMain --side "$side" --work "$WORK" ${SERVER_ARGS[@]+"${SERVER_ARGS[@]}"}; }
  SPID=$SRV_PID
  read -r -u "${SRV[0]}" line && PORT=${line#port=}
  read -r -u "${SRV[0]}" line
  [ "$line" = ready ] || { echo "server did not start: $line" >&2; exit 1; }
}

# stop_server: asks it to stop, reads what it prints as it exits into SERVER_TAIL (where the
# requests ran, hog-chunks=C), waits up to 10 s for it to exit, else kills it and says so.
stop_server() {
  echo stop >&"${SRV[1]}"
  SERVER_TAIL=$(timeout 10 cat <&"${SRV[0]}" || true)
  for _ in $(seq 100); do kill -0 "$SPID" 2>/dev/null || return 0; sleep 0.1; done
  echo "server $SPID still running 10 s after stop: killed" >&2
  kill "$SPID"
}

# Machine CPU ticks "busy idle" from /proc/stat; a process's utime+stime ticks.
machine_ticks() { awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat; }
process_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
