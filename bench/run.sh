#!/usr/bin/env bash
# Runs the trend-engine benchmark: builds bench/ (and the modules it needs) when missing or older than
# the sources, then runs io.clicktrends.bench.Bench with the given arguments. --runner=spark builds and
# runs with -Pspark (SparkRunner, local[2]). Extra JVM flags: BENCH_JAVA_OPTS (default -Xmx3g).
#   bench/run.sh --engine=incremental,plain-java --events=100000
#   bench/run.sh --engine=incremental --runner=spark --events=1000000 --windowSize=1h
# --live runs the live load benchmark instead (io.clicktrends.bench.LiveBench; bench/README.md, "Live benchmark"):
#   bench/run.sh --live --runner=spark --rate=5000 --duration=60s [--archivePath=none]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

profile=direct
main=io.clicktrends.bench.Bench
for arg in "$@"; do [[ $arg == --live ]] && main=io.clicktrends.bench.LiveBench; done
args=()
for arg in "$@"; do
  case "$arg" in
    --live) continue ;;
    --runner=spark) profile=spark ;;
    -h|--help|help)
      if [[ $main == io.clicktrends.bench.Bench ]]; then
        sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0
      fi ;;
  esac
  args+=("$arg")
done
mvn_profile=()
[[ $profile == spark ]] && mvn_profile=(-Pspark)

cp_file="bench/target/classpath-$profile.txt"
stamp="bench/target/built-$profile.stamp"
if [[ ! -f "$cp_file" || ! -f "$stamp" || ! -d bench/target/classes \
      || -n "$(find bench/src bench/pom.xml pipeline/src pipeline/pom.xml test-data/src schemas/src io-flume/src \
                 flume-agent/src flume-agent/conf io-rabbitmq/src embedded-broker/src pom.xml -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
  echo "bench: building bench ($profile)..." >&2
  build() {
    mvn "$@" -q install -pl bench -am -DskipTests -Dspotless.check.skip=true "${mvn_profile[@]}" >&2 &&
    mvn "$@" -q -f bench/pom.xml dependency:build-classpath "${mvn_profile[@]}" \
        -Dmdep.outputFile="target/classpath-$profile.txt" >&2
  }
  # Offline first (fast, no network); online if something is not in ~/.m2 yet.
  build -o 2>/dev/null || { echo "bench: offline build failed; building online" >&2; build; }
  touch "$stamp"
fi

# Spark (and Netty/Arrow) on Java 17 need these: the root pom's java17.opens property, read from it.
opens=$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml)
exec java ${BENCH_JAVA_OPTS:--Xmx3g} $opens -Dclicktrends.sharedData="$ROOT/../shared/data" \
  -cp "bench/target/classes:$(cat "$cp_file")" "$main" ${args[@]+"${args[@]}"}
