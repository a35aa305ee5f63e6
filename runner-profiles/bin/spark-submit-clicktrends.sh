#!/usr/bin/env bash
# Submits the Clicktrends pipeline (the shaded spark-yarn jar) to Spark on YARN with the settings it needs:
# the Java 17 module flags on the driver, the YARN application master and the executors, the streaming
# SparkRunner, and a checkpoint directory on HDFS. Everything after `--` goes to the pipeline.
#
#   runner-profiles/bin/spark-submit-clicktrends.sh --deploy-mode cluster \
#       --checkpointDir hdfs:///clicktrends/checkpoint --num-executors 4 --executor-memory 4g \
#       -- --flumeSinks=web1:41416,web2:41416 --rabbitmqUri=amqp://user:pw@mq:5672 \
#          --archivePath=hdfs:///clicktrends/archive --windowSize=10m --windowSlide=10s
#
# Needs: HADOOP_CONF_DIR (or YARN_CONF_DIR) pointing at the cluster's configuration, and spark-submit from a
# Spark 3.5.x (Scala 2.12) distribution: $SPARK_SUBMIT, else $SPARK_HOME/bin/spark-submit, else on PATH.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULE="$(cd "$HERE/.." && pwd)"

usage() {
  cat <<'USAGE'
usage: spark-submit-clicktrends.sh [settings] [spark-submit args] [-- pipeline options]

settings (defaults):
  --master URL            yarn
  --deploy-mode MODE      cluster (driver in the YARN application master) | client (driver here)
  --checkpointDir URI     hdfs:///user/$USER/clicktrends/checkpoint   (Spark streaming checkpoints; must be on HDFS)
  --num-executors N       2     (one FlumeIO split per --flumeSinks address; give each a core)
  --executor-cores N      2
  --executor-memory SIZE  2g
  --driver-memory SIZE    2g
  --batchIntervalMillis N 1000  (Spark micro-batch interval)
  --readTimePercentage F  0.4   (share of each micro-batch FlumeIO pulls from the agents: at Beam's 0.1 a 1 s
                                batch reads for 200 ms and 20,000 clicks/s piled up in the agents' channels)
  --queue NAME            (YARN queue; spark-submit default otherwise)
  --name NAME             clicktrends
  --jar PATH              runner-profiles/target/clicktrends-spark-yarn.jar (built with -Pspark-yarn if missing)
  --dry-run               print the spark-submit command instead of running it
Any other argument before `--` (e.g. --conf k=v, --files, --principal) is passed to spark-submit.
Pipeline options after `--` (see ClicktrendsOptions): --flumeSinks --rabbitmqUri --exchange --archivePath
  --windowSize --windowSlide --topK --allowedLateness --dimensions --engine ...
USAGE
}

# The module flags Spark 3.5 needs on Java 17: one home, the root pom's java17.opens property.
JAVA17_OPENS=$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' "$(dirname "$0")/../../pom.xml")
[[ -n $JAVA17_OPENS ]] || { echo "spark-submit-clicktrends: no <java17.opens> in the root pom.xml" >&2; exit 2; }

master=yarn
deploy_mode=cluster
checkpoint_dir="hdfs:///user/${USER:-clicktrends}/clicktrends/checkpoint"
num_executors=2
executor_cores=2
executor_memory=2g
driver_memory=2g
batch_interval=1000
read_time=0.4
queue=
name=clicktrends
jar="$MODULE/target/clicktrends-spark-yarn.jar"
dry_run=false
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) master=$2; shift 2 ;;
    --deploy-mode) deploy_mode=$2; shift 2 ;;
    --checkpointDir) checkpoint_dir=$2; shift 2 ;;
    --num-executors) num_executors=$2; shift 2 ;;
    --executor-cores) executor_cores=$2; shift 2 ;;
    --executor-memory) executor_memory=$2; shift 2 ;;
    --driver-memory) driver_memory=$2; shift 2 ;;
    --batchIntervalMillis) batch_interval=$2; shift 2 ;;
    --readTimePercentage) read_time=$2; shift 2 ;;
    --queue) queue=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --jar) jar=$2; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) extra+=("$1"); shift ;;
  esac
done
case "$deploy_mode" in
  cluster|client) ;;
  *) echo "spark-submit-clicktrends: --deploy-mode must be cluster or client, not '$deploy_mode'" >&2; exit 2 ;;
esac

if [[ ! -f "$jar" ]]; then
  echo "spark-submit-clicktrends: building $jar (mvn install -Pspark-yarn)..." >&2
  mvn -q install -f "$MODULE/pom.xml" -Pspark-yarn -DskipTests >&2
fi

submit=${SPARK_SUBMIT:-}
if [[ -z "$submit" ]]; then
  if [[ -n "${SPARK_HOME:-}" ]]; then submit="$SPARK_HOME/bin/spark-submit"; else submit=spark-submit; fi
fi
if [[ "$master" == yarn* && -z "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]]; then
  echo "spark-submit-clicktrends: warning: neither HADOOP_CONF_DIR nor YARN_CONF_DIR is set; spark-submit will not find YARN" >&2
fi

cmd=("$submit" --master "$master" --deploy-mode "$deploy_mode" --name "$name"
  --class io.clicktrends.pipeline.ClicktrendsPipeline
  --num-executors "$num_executors" --executor-cores "$executor_cores"
  --executor-memory "$executor_memory" --driver-memory "$driver_memory"
  --conf "spark.driver.extraJavaOptions=$JAVA17_OPENS"
  --conf "spark.executor.extraJavaOptions=$JAVA17_OPENS"
  --conf "spark.yarn.am.extraJavaOptions=$JAVA17_OPENS"
  # a long-running streaming job: retry the driver, but forget failures older than an hour
  --conf spark.yarn.maxAppAttempts=4
  --conf spark.yarn.am.attemptFailuresValidityInterval=1h
  --conf spark.task.maxFailures=8
  # streaming state would be lost with dynamic allocation removing executors
  --conf spark.dynamicAllocation.enabled=false)
[[ -n "$queue" ]] && cmd+=(--queue "$queue")
# --appName too: in client mode Beam creates the SparkContext with its own app name, which would replace --name.
cmd+=("${extra[@]}" "$jar"
  --runner=SparkRunner --streaming=true --checkpointDir="$checkpoint_dir" --batchIntervalMillis="$batch_interval"
  --readTimePercentage="$read_time" --appName="$name" "$@")

if $dry_run; then
  printf '%q ' "${cmd[@]}"; echo
else
  exec "${cmd[@]}"
fi
