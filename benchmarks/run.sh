#!/usr/bin/env bash
# Builds the benchmarks jar and runs the suite, printing one table of ops/s, allocation per op and
# the ratios Tidefall/ceiling and Tidefall/peer measured in this same run, and draws the Paired ratios
# into docs/images/write-path-paired.svg (--charts DIR to write it elsewhere).
#
#   benchmarks/run.sh            quick mode: 1 ms interval, 1 and 2 threads, queue drain; Paired also at 5 s
#                                for push, put, push-shared and the JCTools limit (about 8 minutes)
#   benchmarks/run.sh full       1 ms and 5 s intervals, longer iterations, queue and map drains, 8 GB heap,
#                                3 rounds (medians; each ratio taken within a round)
#   benchmarks/run.sh quick --threads 1 --include 'QueueWrite'      any Suite option after the mode
#
# JMH's own output goes to benchmarks/target/jmh-*.log. Numbers from a shared or busy machine are
# noisy: compare the ratios, which are measured side by side in one run, not absolute ops/s.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-quick}"
[ $# -gt 0 ] && shift
case "$mode" in
  quick) defaults=() ;;
  full) defaults=(--heap 8g) ;;
  *) echo "usage: $0 [quick|full] [Suite options]" >&2; exit 2 ;;
esac

./mvnw -B -q -DskipTests package -pl benchmarks -am
exec java -cp benchmarks/target/benchmarks.jar io.tidefall.bench.Suite "$mode" "${defaults[@]}" "$@"
