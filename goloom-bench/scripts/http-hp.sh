#!/bin/bash
# http-hp.sh JAR...: the full http row once per jar, in the order given (alternate them for an A/B); no go on PATH.
J=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
export PATH=/usr/bin:/bin
i=0
for jar in "$@"; do
  i=$((i+1))
  echo "== $i $jar $(date +%T) $(uptime | sed 's/.*load/load/')"
  $J --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -jar $jar bench --only http --json ${TMPDIR:-/tmp}/http-$i-$(basename $jar .jar).json > ${TMPDIR:-/tmp}/http-$i-$(basename $jar .jar).txt 2>&1
  grep -E '^http (jdk|goloom)' ${TMPDIR:-/tmp}/http-$i-$(basename $jar .jar).txt
done
echo done $(date +%T)
