#!/usr/bin/env bash
# Checks that the spark-yarn jar really runs on YARN: starts MiniDFSCluster + MiniYARNCluster, then per deploy
# mode a Flume agent (free ports, fresh data dir) and a private queue on a fresh exchange clicktrends.yarn.<random>
# at RabbitMQ, submits with bin/spark-submit-clicktrends.sh, replays the YOOCHOOSE sample, and waits (with a
# deadline) until the trends on the queue are valid Trend JSON and, for the first windows, equal the reference
# computation on the replayed clicks (TrendCheck). Prints the timings; exits 0 only if every mode passed.
# Stops everything it started on exit, also on failure. Work files and logs: runner-profiles/target/yarn-it/.
#   runner-profiles/yarn-it/run.sh       (or: mvn verify -f runner-profiles/pom.xml -Pyarn-it)
# Settings (environment): YARN_IT_MODES (cluster,client), YARN_IT_WINDOWS (100: how many windows, the first in
# window-end order over all dimensions, must equal the reference), YARN_IT_DEADLINE (240 s from submit to that), YARN_IT_RABBITMQ_URI (amqp://guest:guest@127.0.0.1:5672), YARN_IT_CLICKS (test-data/
# yoochoose-clicks-70k.tsv), YARN_IT_SPEED (replay speed, 3000).
set -euo pipefail
MODULE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$MODULE/.." && pwd)"
cd "$ROOT"

MODES=${YARN_IT_MODES:-cluster,client}
WINDOWS=${YARN_IT_WINDOWS:-100} # more than the first micro-batch holds (~35): the stream must keep going
DEADLINE=${YARN_IT_DEADLINE:-240}
RABBITMQ_URI=${YARN_IT_RABBITMQ_URI:-amqp://guest:guest@127.0.0.1:5672}
CLICKS=${YARN_IT_CLICKS:-$ROOT/test-data/yoochoose-clicks-70k.tsv}
SPEED=${YARN_IT_SPEED:-3000}
TOP_K=3
WINDOW_OPTIONS=(--windowSize=10m --windowSlide=5m --allowedLateness=0s --topK=$TOP_K) # for the pipeline and TrendCheck
WORK="$MODULE/target/yarn-it"
CONF="$WORK/hadoop-conf"

now_ms() { date +%s%3N; }
secs_since() { awk -v a="$1" -v b="${2:-$(now_ms)}" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
log() { printf '%s yarn-it: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAIL: $*"; [[ -n ${DIAGNOSE:-} ]] && diagnose "$DIAGNOSE"; exit 1; }
# diagnose MODE: what the logs of the failed deploy mode say, so a failure in CI explains itself
diagnose() {
  local mode=$1 app="clicktrends-yarn-it-$1" id driver_logs trends="$WORK/$1/trends.txt"
  DIAGNOSE= # once
  id=$(app_line "$app" | cut -d' ' -f1)
  log "[$mode] diagnosis: application ${id:-not submitted} $(app_state "$app")"
  log "[$mode]   trends: $(count_ok "$trends") valid; last: $(grep '^OK' "$trends" 2>/dev/null | tail -1 | cut -d' ' -f3-)"
  [[ -s $WORK/$mode/check.result ]] && log "[$mode]   reference check: $(cat "$WORK/$mode/check.result")"
  log "[$mode]   $(tr '\r' '\n' <"$WORK/$mode/replay.log" 2>/dev/null | grep -v '^ *$' | tail -1)"
  # the driver: in the application master's container (cluster mode) or spark-submit itself (client mode)
  driver_logs=("$WORK/$mode/submit.log")
  [[ -n $id ]] && while read -r f; do driver_logs+=("$f"); done < <(find "$WORK/yarn" -path "*${id}*" -name stderr 2>/dev/null | sort)
  local f
  for f in "${driver_logs[@]}"; do
    [[ -s $f ]] || continue
    log "[$mode]   ${f#"$WORK"/}: $(grep -c 'has completed, watermarks have been updated' "$f") batches completed; last watermark: $(grep 'Put new watermark block' "$f" | tail -1 | sed 's/.*lowWatermark=\([^,]*\),.*/\1/')"
    { grep -E 'Total delay' "$f" | tail -1
      grep -E ' (ERROR|WARN) |Exception' "$f" | grep -vE 'NativeCodeLoader|loopback address|SPARK_LOCAL_IP|well defined equals|reliable filesystem|does not exist' | head -8
    } | cut -c1-300 | sed "s/^/$(date +%T) yarn-it: [$mode]     /" >&2 || true # (set -e: grep finding nothing is fine)
  done
}
T0=$(now_ms)
declare -a REPORT=() # one line per deploy mode, printed at the end

# ---------- processes: every one started here is stopped by its pid on exit ----------
declare -A PID=()
LOGS=$WORK
start_bg() { # start_bg NAME COMMAND...: runs COMMAND in the background, output in $LOGS/NAME.log
  local name=$1; shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  PID[$name]=$!
}
alive() { [[ -n ${PID[$1]:-} ]] && kill -0 "${PID[$1]}" 2>/dev/null; }
stop() { # stop NAME: SIGTERM (Java shutdown hooks run), SIGKILL if still there after 30 s
  local name=$1 pid=${PID[$1]:-}
  [[ -z $pid ]] && return 0
  unset "PID[$name]"
  kill -TERM "$pid" 2>/dev/null || return 0
  local end=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# wait_for SECONDS WHAT CONDITION...: polls CONDITION (which may itself fail the run) until true or the deadline
wait_for() {
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@"; do
    ((SECONDS < end)) || die "$what: not within ${secs} s"
    sleep 0.25
  done
}
count_ok() { local n; n=$(grep -c '^OK' "$1" 2>/dev/null) || true; echo "${n:-0}"; }
app_line() { [[ -f $CONF/apps ]] && grep " $1\$" "$CONF/apps" || true; } # "<id> <state> <name>" of app NAME
app_state() { app_line "$1" | awk '{ print $2 }'; }
no_live_apps() { [[ -f $CONF/apps ]] && ! grep -qE ' (NEW|NEW_SAVING|SUBMITTED|ACCEPTED|RUNNING) ' "$CONF/apps"; }
kill_apps() { # through the RM, as `yarn application -kill` would; MiniCluster acts on the request file
  alive minicluster && [[ -f $CONF/apps ]] || return 0
  touch "$CONF/kill-apps"
  local end=$((SECONDS + 60))
  until no_live_apps; do ((SECONDS < end)) || { log "applications still live after 60 s"; break; }; sleep 0.25; done
  rm -f "$CONF/kill-apps"
}
cleanup() {
  local rc=$?
  set +e
  for name in check replay submit; do stop "$name"; done
  kill_apps
  for name in trendwatch agent minicluster; do stop "$name"; done
  # Safety net: containers the node manager did not stop (they run in their own sessions: kill the group).
  find "$WORK" -name 'container_*.pid' 2>/dev/null | while read -r f; do
    p=$(cat "$f" 2>/dev/null) && [[ -n $p ]] && kill -0 "$p" 2>/dev/null && { log "killing container process $p"; kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p"; }
  done
  # HDFS blocks, localized jars and Flume's file channels take ~0.5 GB a run; keep the logs only.
  rm -rf "$WORK/dfs" "$WORK"/*/flume
  find "$WORK/yarn" -maxdepth 3 -name '*-localDir-*' -exec rm -rf {} + 2>/dev/null
  if ((rc == 0)); then
    echo "YARN-IT PASSED: spark-submit --master yarn on MiniYARNCluster + MiniDFSCluster produced trends equal to the reference"
    echo "  build $(secs_since "$T0" "$T_BUILT") s, cluster up $CLUSTER_UP s"
    printf '  %s\n' "${REPORT[@]}"
    echo "  total wall time $(secs_since "$T0") s (logs in $WORK)"
  else
    log "FAILED (exit $rc) after $(secs_since "$T0") s; logs in $WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$WORK"
mkdir -p "$WORK" "$CONF"

# ---------- build ----------
# Offline first (fast, no network); online if something is not in ~/.m2 yet (as bench/run.sh does).
mvn_() {
  mvn -o -q "$@" >"$WORK/mvn-offline.log" 2>&1 || { log "offline mvn $* failed; retrying online"; mvn -q "$@" >&2; }
}
if ! compgen -G "$HOME/.m2/repository/io/clicktrends/clicktrends-pipeline/*/clicktrends-pipeline-*.jar" >/dev/null; then
  log "installing the modules (mvn install -DskipTests)"
  mvn_ install -DskipTests
fi
log "building runner-profiles/target/clicktrends-spark-yarn.jar"
mvn_ install -f "$MODULE/pom.xml" -Pspark-yarn -DskipTests
classpath() { mvn_ org.apache.maven.plugins:maven-dependency-plugin:3.7.1:build-classpath -f "$1" -DincludeScope=runtime -Dmdep.outputFile="$2"; }
classpath "$MODULE/pom.xml" "$WORK/runner.cp"                          # the direct profile: Flume agent, Replay
classpath "$MODULE/yarn-it/minicluster-pom.xml" "$WORK/minicluster.cp"
classpath "$MODULE/yarn-it/spark-dist-pom.xml" "$WORK/spark-dist.cp"  # stands in for a Spark distribution's jars/
RUNNER_CP="$MODULE/target/classes:$(cat "$WORK/runner.cp"):$WORK/classes"
MINI_CP="$(cat "$WORK/minicluster.cp"):$WORK/classes"
SRC="$MODULE/src/yarn-it/java/io/clicktrends/yarnit" # the helpers run.sh compiles (not part of the module's jar)
javac -nowarn -d "$WORK/classes" -cp "$RUNNER_CP" "$SRC/FlumeOnFreePorts.java" "$SRC/TrendWatch.java" "$SRC/TrendCheck.java"
javac -nowarn -d "$WORK/classes" -cp "$MINI_CP" "$SRC/MiniCluster.java"
T_BUILT=$(now_ms)
log "built in $(secs_since "$T0") s"

# The Java 17 flags (root pom): Spark needs them, and so does the ResourceManager's web app (Guice).
opens=$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' "$ROOT/pom.xml")
# There is no Spark distribution here: spark-submit is Spark's launcher class on the spark-dist class path, with
# the flags the driver needs in client mode (spark-class would add spark.driver.extraJavaOptions).
cat >"$WORK/spark-submit" <<EOF
#!/usr/bin/env bash
exec java $opens -Dlog4j2.configurationFile="$MODULE/yarn-it/log4j2-submit.properties" \\
  -cp "\$HADOOP_CONF_DIR:$(cat "$WORK/spark-dist.cp")" org.apache.spark.deploy.SparkSubmit "\$@"
EOF
chmod +x "$WORK/spark-submit"
# YARN containers take Spark from these paths on the node (a real cluster uploads SPARK_HOME/jars or spark.yarn.archive).
SPARK_YARN_JARS=$(tr ':' '\n' <"$WORK/spark-dist.cp" | sed 's/^/local:/' | paste -sd, -)

# ---------- the cluster ----------
log "starting MiniDFSCluster + MiniYARNCluster"
T_CLUSTER=$(now_ms)
( cd "$WORK" && exec java -Xmx2g $opens -Dtest.build.data="$WORK/yarn" -cp "$MINI_CP" io.clicktrends.yarnit.MiniCluster "$CONF" "$WORK/dfs" ) >"$WORK/minicluster.log" 2>&1 &
PID[minicluster]=$!
cluster_ready() { [[ -f $CONF/READY ]] || { alive minicluster || die "MiniCluster exited (minicluster.log)"; false; }; }
wait_for 120 "MiniDFSCluster + MiniYARNCluster up" cluster_ready
read -r HDFS RM_ADDRESS _ <"$CONF/READY"
CLUSTER_UP=$(secs_since "$T_CLUSTER")
log "cluster up in $CLUSTER_UP s: HDFS $HDFS, ResourceManager $RM_ADDRESS"

# ---------- one run per deploy mode ----------
run_mode() { # everything of one deploy mode (logs, Flume data, trends.txt) goes into $WORK/<mode>/
  local mode=$1 app="clicktrends-yarn-it-$1" exchange="clicktrends.yarn.$(head -c6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  LOGS="$WORK/$mode"
  DIAGNOSE=$mode
  mkdir -p "$LOGS"
  local trends="$LOGS/trends.txt" t_submit t_running t_enough first n windows avro_port sink_port
  log "[$mode] Flume agent, queue on exchange $exchange"
  start_bg agent java -cp "$RUNNER_CP" io.clicktrends.yarnit.FlumeOnFreePorts "$LOGS/flume" "$LOGS/flume.ports"
  start_bg trendwatch java -cp "$RUNNER_CP" io.clicktrends.yarnit.TrendWatch "$RABBITMQ_URI" "$exchange" "$TOP_K" "$trends" "$LOGS/queue" \
    "$LOGS/trends.jsonl"
  agent_ready() { [[ -f $LOGS/flume.ports ]] || { alive agent || die "Flume agent exited ($LOGS/agent.log)"; false; }; }
  queue_ready() { [[ -s $LOGS/queue ]] || { alive trendwatch || die "TrendWatch exited ($LOGS/trendwatch.log; RabbitMQ at $RABBITMQ_URI?)"; false; }; }
  wait_for 60 "Flume agent listening" agent_ready
  wait_for 60 "queue bound" queue_ready
  read -r avro_port sink_port <"$LOGS/flume.ports"

  log "[$mode] spark-submit --master yarn --deploy-mode $mode"
  t_submit=$(now_ms)
  start_bg submit env HADOOP_CONF_DIR="$CONF" SPARK_SUBMIT="$WORK/spark-submit" \
    "$MODULE/bin/spark-submit-clicktrends.sh" --deploy-mode "$mode" --name "$app" \
      --checkpointDir "$HDFS/clicktrends/$mode/checkpoint" \
      --num-executors 1 --executor-cores 2 --executor-memory 1g --driver-memory 1g \
      --conf "spark.yarn.jars=$SPARK_YARN_JARS" \
      -- --flumeSinks="127.0.0.1:$sink_port" --rabbitmqUri="$RABBITMQ_URI" --exchange="$exchange" --archivePath=none \
         "${WINDOW_OPTIONS[@]}"
  running() {
    case "$(app_state "$app")" in
      RUNNING) true ;;
      FINISHED|FAILED|KILLED) die "[$mode] application ended: $(app_line "$app") ($LOGS/submit.log, container logs under $WORK/yarn)" ;;
      *) alive submit || die "[$mode] spark-submit exited ($LOGS/submit.log)"; false ;;
    esac
  }
  wait_for "$DEADLINE" "[$mode] application RUNNING" running
  t_running=$(now_ms)
  log "[$mode] $(app_line "$app" | cut -d' ' -f1) RUNNING after $(secs_since "$t_submit" "$t_running") s; replaying $CLICKS at ${SPEED}x"
  start_bg replay java -cp "$RUNNER_CP" io.clicktrends.runner.Replay "$CLICKS" --speed "$SPEED" --to "avro://127.0.0.1:$avro_port"

  local left=$((DEADLINE - ($(now_ms) - t_submit) / 1000)) verdict="$LOGS/check.result"
  start_bg check java -cp "$RUNNER_CP" io.clicktrends.yarnit.TrendCheck "$CLICKS" "$LOGS/trends.jsonl" "$WINDOWS" "$left" "$verdict" \
    "${WINDOW_OPTIONS[@]}"
  checked() {
    if grep -q '^BAD' "$trends" 2>/dev/null; then die "[$mode] invalid trend: $(grep -m1 '^BAD' "$trends")"; fi
    if [[ -s $verdict ]]; then
      grep -q '^OK' "$verdict" && return 0
      die "[$mode] the first $WINDOWS windows differ from the reference: $(cut -c1-1500 "$verdict")"
    fi
    alive check || die "[$mode] TrendCheck exited without a verdict ($LOGS/check.log)"
    running >/dev/null # fails the run if the application or the driver died
    false
  }
  wait_for $((left + 30)) "[$mode] the first $WINDOWS windows from $exchange (logs: $LOGS)" checked
  t_enough=$(now_ms)
  first=$(awk '/^OK/ { print $2; exit }' "$trends")
  log "[$mode] first trend after $(secs_since "$t_submit" "$first") s: $(grep -m1 '^OK' "$trends" | cut -d' ' -f3-)"
  log "[$mode] $(cut -d' ' -f2- "$verdict") after $(secs_since "$t_submit" "$t_enough") s; stopping"

  stop check
  stop replay
  kill_apps
  stop submit
  stop trendwatch
  stop agent
  n=$(count_ok "$trends")
  windows=$(awk '/^OK/ { print $4, $5, $6 }' "$trends" | sort -u | wc -l) # a redelivered batch may repeat one
  if grep -q '^BAD' "$trends"; then die "[$mode] invalid trend: $(grep -m1 '^BAD' "$trends")"; fi
  log "[$mode] $n valid trends ($windows distinct windows); application $(app_line "$app" | cut -d' ' -f1,2)"
  REPORT+=("$(printf '%-7s submit->RUNNING %5s s, ->first trend %5s s, ->first %d windows = reference %5s s; %d trends (%d windows); run %5s s' \
    "$mode" "$(secs_since "$t_submit" "$t_running")" "$(secs_since "$t_submit" "$first")" "$WINDOWS" \
    "$(secs_since "$t_submit" "$t_enough")" "$n" "$windows" "$(secs_since "$t_submit")")")
}
IFS=, read -ra modes <<<"$MODES"
for mode in "${modes[@]}"; do
  run_mode "$mode"
done
