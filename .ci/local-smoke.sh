#!/usr/bin/env bash
# The system as a user meets it, through the real bin/clicktrends: command lines refused with a message naming the
# option, a taken port refused before anything starts, options reaching every part, every listener on 127.0.0.1,
# no password in argv, SIGTERM stopping everything within 10 s, the fan-out child exiting with a killed parent,
# --rabbitmqUri=none, and a pipeline that cannot start stopping the rest. Each check prints "ok" or fails the script.
# Usage: .ci/local-smoke.sh   (needs the modules installed: mvn install -DskipTests; RabbitMQ or the embedded broker)
set -uo pipefail
cd "$(dirname "$0")/.."
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; pkill -9 -f "clicktrends.smoke" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "local-smoke: FAILED: $*" >&2; exit 1; }
ok() { echo "local-smoke: ok: $*"; }
# waits up to $2 seconds for a file to contain a pattern (giving up early when the process $LOCAL has ended)
await() { local f=$1 t=$2 pat=$3; for _ in $(seq 1 $((t * 5))); do grep -q -- "$pat" "$f" 2>/dev/null && return 0
  kill -0 "${LOCAL:-$$}" 2>/dev/null || { grep -q -- "$pat" "$f" 2>/dev/null; return; }; sleep 0.2; done; return 1; }
# exit code and output of a command expected to end by itself
expect_exit() { local want=$1 pat=$2; shift 2; local out; out=$(timeout 600 "$@" 2>&1); local rc=$?
  [[ $rc == "$want" ]] || fail "$* exited $rc, expected $want: $out"
  grep -q -- "$pat" <<<"$out" || fail "$*: output lacks '$pat': $out"; }
port_free() { ! (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

head -2001 test-data/yoochoose-clicks-70k.tsv > "$T/clicks.tsv"
PORTS=(--port 18080 --avroPort 18414 --httpPort 18415 --sparkSinkPort 18416 --metricsPort 18464)
# the JVMs carry a marker so the cleanup finds them
export JAVA_OPTS="-Xmx1g -Dclicktrends.smoke=1"

# 1. one command line
expect_exit 0 "--port" bin/clicktrends fanout --port 9090 --help
expect_exit 2 "--speedX=2" bin/clicktrends replay "$T/clicks.tsv" --speedX=2
expect_exit 2 "--port" bin/clicktrends local --port 80.5
expect_exit 0 "Clicktrends 0." bin/clicktrends --version
expect_exit 0 "--windowSize" bin/clicktrends help
ok "command lines: --opt value, refusals naming the option, --help, --version"

# 2. a taken port is refused before anything starts
python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",18414)); s.listen(); time.sleep(120)' &
PIDS+=($!); sleep 0.5
kill -0 "${PIDS[-1]}" 2>/dev/null || fail "could not hold port 18414 for the check (is another smoke run going?)"
expect_exit 2 "port 18414.*--avroPort" bin/clicktrends local "${PORTS[@]}" --dataDir "$T/taken"
[[ -e $T/taken ]] && fail "local started something although a port was taken"
kill "${PIDS[-1]}"; ok "a taken port is refused naming the port and --avroPort"

# 3. a running system: options reach every part, loopback listeners, no password in argv, SIGTERM within 10 s
CLICKTRENDS_RABBITMQ_URI=amqp://guest:guest@127.0.0.1:5672 bin/clicktrends local "${PORTS[@]}" --dataDir "$T/run" \
  --exchange smoke.x --windowSize=30m --windowSlide 5m --topK=7 --replay "$T/clicks.tsv" --speed 100000 \
  >"$T/run.log" 2>&1 &
LOCAL=$!; PIDS+=($LOCAL)
await "$T/run.log" 240 "Clicktrends is running" || fail "local did not start: $(tail -20 "$T/run.log")"
await "$T/run/fanout.log" 30 "exchange smoke.x" || fail "the fan-out does not consume --exchange: $(cat "$T/run/fanout.log")"
grep -q "exchange smoke.x" "$T/run.log" || fail "the banner does not show --exchange"
ss -ltn | grep -E ':(18080|18414|18415|18416|18464)\b' | grep -vq '127.0.0.1' && fail "a listener is not on 127.0.0.1: $(ss -ltn)"
ps -eo args | grep -v grep | grep -q 'guest:guest' && fail "the broker password is in some process's argv"
await "$T/run.log" 60 "replay done" || fail "the replay did not finish: $(tail -5 "$T/run.log")"
await "$T/run.log" 60 "trend sink: connected" || fail "the pipeline never published (30m/5m windows)"
[[ -d $T/run/archive ]] || fail "the archive is not under --dataDir"
curl -sf http://127.0.0.1:18464/metrics | grep -q '^jvm_memory_used_bytes' || fail "no metrics at --metricsPort"
sleep 2; kill -0 $LOCAL 2>/dev/null || fail "local died: $(tail -20 "$T/run.log")"
ok "local runs with --windowSize=30m --windowSlide 5m; --exchange and --dataDir reach every part; listeners on 127.0.0.1"
start=$(date +%s%N); kill -TERM $LOCAL
for _ in $(seq 1 100); do kill -0 $LOCAL 2>/dev/null || break; sleep 0.1; done
kill -0 $LOCAL 2>/dev/null && fail "local did not stop within 10 s of SIGTERM"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
for _ in $(seq 1 50); do port_free 18080 && break; sleep 0.1; done
port_free 18080 || fail "the fan-out outlived local (port 18080 still open)"
ok "SIGTERM stopped every part in ${ms} ms"

# 4. a parent killed with SIGKILL takes the fan-out child with it
bin/clicktrends local "${PORTS[@]}" --dataDir "$T/kill" >"$T/kill.log" 2>&1 &
LOCAL=$!; PIDS+=($LOCAL)
await "$T/kill.log" 240 "Clicktrends is running" || fail "local did not start: $(tail -20 "$T/kill.log")"
kill -9 $LOCAL
for _ in $(seq 1 100); do port_free 18080 && break; sleep 0.1; done
port_free 18080 || fail "the fan-out child outlived a parent killed with SIGKILL"
ok "the fan-out child exits with a killed parent"

# 5. --rabbitmqUri=none: no broker, no fan-out, trends printed
bin/clicktrends local "${PORTS[@]}" --dataDir "$T/none" --rabbitmqUri=none --printTrends >"$T/none.log" 2>&1 &
LOCAL=$!; PIDS+=($LOCAL)
await "$T/none.log" 240 "not published (--rabbitmqUri=none)" || fail "--rabbitmqUri=none: $(tail -20 "$T/none.log")"
kill -TERM $LOCAL; wait $LOCAL 2>/dev/null
ok "--rabbitmqUri=none runs without a broker"

# 6. a pipeline that cannot start stops the parts already started, with one line naming it
expect_exit 1 "clicktrends local: pipeline: " bin/clicktrends local "${PORTS[@]}" --dataDir "$T/bad" \
  --input=/no/such/clicks.jsonl
for _ in $(seq 1 50); do port_free 18080 && break; sleep 0.1; done
port_free 18080 && port_free 18414 || fail "parts outlived the failed pipeline"
ok "a pipeline that cannot start stops the rest: exit 1 naming it"
# 7. the durable local mode: the SparkRunner, chosen by --runner alone (bin/clicktrends builds its class path)
if [[ ${SMOKE_SPARK:-1} == 1 ]]; then
  bin/clicktrends local "${PORTS[@]}" --dataDir "$T/spark" --runner SparkRunner --replay "$T/clicks.tsv" \
    >"$T/spark.log" 2>&1 &
  LOCAL=$!; PIDS+=($LOCAL)
  await "$T/spark.log" 600 "Clicktrends is running (incremental engine, SparkRunner)" \
    || fail "local --runner SparkRunner did not start: $(tail -20 "$T/spark.log")"
  await "$T/spark.log" 120 "trend sink: connected" || fail "the SparkRunner never published: $(tail -20 "$T/spark.log")"
  [[ -d $T/spark/spark-checkpoint ]] || fail "the SparkRunner's checkpoint is not under --dataDir"
  start=$(date +%s%N); kill -TERM $LOCAL
  for _ in $(seq 1 100); do kill -0 $LOCAL 2>/dev/null || break; sleep 0.1; done
  kill -0 $LOCAL 2>/dev/null && fail "local --runner SparkRunner did not stop within 10 s of SIGTERM"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  for _ in $(seq 1 50); do port_free 18080 && port_free 18414 && break; sleep 0.1; done
  port_free 18080 && port_free 18414 || fail "parts outlived local --runner SparkRunner"
  ok "local --runner SparkRunner: checkpoint under --dataDir, SIGTERM stopped every part in ${ms} ms"
  # 8. resuming that checkpoint with another window is refused, naming the option (Spark would ignore the new value)
  ls "$T/spark/spark-checkpoint/spark-checkpoint" | grep -q '^checkpoint-' \
    || fail "the SparkRunner left no checkpoint to resume: $(ls -R "$T/spark/spark-checkpoint" | head)"
  expect_exit 1 "windowSize=10m (now 5m)" bin/clicktrends local "${PORTS[@]}" --dataDir "$T/spark" \
    --runner SparkRunner --windowSize 5m
  for _ in $(seq 1 50); do port_free 18080 && port_free 18414 && break; sleep 0.1; done
  port_free 18080 && port_free 18414 || fail "parts outlived the refused restart"
  ok "a restart from the checkpoint with --windowSize 5m: refused, naming the option and both values"
fi
echo "local-smoke: all checks passed"
