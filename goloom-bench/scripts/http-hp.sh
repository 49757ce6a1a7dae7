#!/usr/bin/env bash
# http-hp.sh JAR...: the full http row (bench --only http) once per jar, in the order given;
# alternate two jars for an A/B. Each run's output goes to $TMPDIR/http-<n>-<jar>.{txt,json}.
set -euo pipefail
. "$(dirname "$0")/http-lib.sh"
n=0
for jar in "$@"; do
  n=$((n + 1))
  base=${TMPDIR:-/tmp}/http-$n-$(basename "$jar" .jar)
  echo "== $n $jar $(date +%T) $(uptime | sed 's/.*load/load/')"
  "${JAVA[@]}" -jar "$jar" bench --only http --json "$base.json" >"$base.txt" 2>&1
  grep -E '^http (jdk|goloom)' "$base.txt"
done
