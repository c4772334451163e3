#!/usr/bin/env bash
# End-to-end benchmark: the sample service on PostgreSQL, written to directly (a transaction per
# request) and through its Tidefall buffers (the sample as it ships), under the same load; then the
# buffered service as it ships (its events journaled, durability process) against the same service
# with durability memory.
#
#   benchmarks/e2e.sh              about 9 minutes on a 2-core machine, build included
#   SCALE=0.5 benchmarks/e2e.sh    every load phase half as long (a quick look; noisier)
#
# Builds the sample app and the benchmarks jar, installs PostgreSQL from Debian's packages when it
# is missing, starts a throwaway server on 127.0.0.1:54331 (its files in a temp dir, removed at the
# end), starts the service twice (direct on 127.0.0.1:18181, buffered on 18182, each on its own
# database), runs io.tidefall.bench.e2e.EndToEnd, then stops both and starts the buffered service
# twice afresh (events journaled as it ships on 18183, durability memory on 18184, each on its own
# database) and runs io.tidefall.bench.e2e.DurabilityComparison, and stops everything it started. Prints every target with its measured value and met/missed;
# writes the numbers to benchmarks/target/e2e/ (e2e.txt, durability.txt) and the charts to
# docs/images/e2e-*.svg. Exit status 0 when every target is met, 1 when one is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT="${TIDEFALL_E2E_POSTGRES_PORT:-54331}"
DIRECT_PORT=18181
BUFFERED_PORT=18182
JOURNALED_PORT=18183
MEMORY_PORT=18184
SCALE="${SCALE:-1}"
OUT=benchmarks/target/e2e
PG_DIR=""
APP_PIDS=()

fail() {
    echo "e2e: $*" >&2
    exit 2
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cleanup() {
    for pid in "${APP_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${APP_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || echo "e2e: PostgreSQL did not stop cleanly" >&2
    fi
    if [ -n "$PG_DIR" ]; then
        rm -rf "$PG_DIR"
    fi
}
trap cleanup EXIT

started=$(date +%s)
echo "e2e: building the sample app and the benchmarks"
# The executable jar goes first: Maven re-creates it only when the sample's own classes changed, so a
# change in the engine or the starter alone would leave the previous build's libraries in it.
rm -f sample-app/target/sample-app-*.jar sample-app/target/sample-app-*.jar.original
./mvnw -B -q -DskipTests package -pl sample-app,benchmarks -am
APP_JAR="$(ls sample-app/target/sample-app-*.jar | grep -v -- '-plain\|sources' | head -n 1)"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || fail "PostgreSQL is not installed, and installing it needs root (apt-get install postgresql)"
    echo "e2e: installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || fail "apt-get update failed"
    apt-get install -y -q --no-install-recommends postgresql || fail "apt-get install postgresql failed"
fi
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

PG_DIR="$(mktemp -d /tmp/tidefall-e2e-postgres.XXXXXX)"
mkdir -m 700 "$PG_DIR/socket"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PG_DIR"
echo "e2e: starting PostgreSQL on 127.0.0.1:$PG_PORT (defaults, fsync and synchronous_commit on)"
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; fail "initdb failed"; }
# pg_stat_statements counts statements and transactions as they run; commit timestamps date each
# row's commit, for the delay from a page view's acceptance to its row.
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR/socket -c shared_preload_libraries=pg_stat_statements -c track_commit_timestamp=on" \
        start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; fail "PostgreSQL did not start"; }
psql_su() { "$PG_BIN/psql" -X -q -h "$PG_DIR/socket" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }
psql_su -d postgres -c "create user tidefall password 'tidefall'" \
    -c "create database direct owner tidefall" -c "create database buffered owner tidefall" \
    -c "create database journaled owner tidefall" -c "create database memory owner tidefall" \
    -c "create extension pg_stat_statements" >/dev/null || fail "could not create the user, databases and extension"

start_app() { # database port ingestion [option...]; each service its own journal directory (events journals with durability process)
    local name="$1" port="$2" ingestion="$3"
    shift 3
    SAMPLE_JOURNAL_DIR="$PG_DIR/journal-$name" java -Xms1g -Xmx1g -Xlog:gc:file="$OUT/gc-$name.log" -jar "$APP_JAR" --server.port="$port" --spring.profiles.active=postgres \
        --spring.datasource.url="jdbc:postgresql://127.0.0.1:$PG_PORT/$name" \
        --sample.ingestion="$ingestion" --server.tomcat.max-keep-alive-requests=-1 \
        --logging.level.root=warn "$@" >"$OUT/app-$name.log" 2>&1 &
    APP_PIDS+=("$!")
}
await_app() { # port
    for _ in $(seq 1 180); do
        curl -sf --max-time 2 "http://127.0.0.1:$1/stats" >/dev/null && return 0
        sleep 0.5
    done
    tail -n 50 "$OUT"/app-*.log >&2
    fail "the service on :$1 did not start"
}
mkdir -p "$OUT"
echo "e2e: starting the service, direct on :$DIRECT_PORT and buffered on :$BUFFERED_PORT"
start_app direct "$DIRECT_PORT" direct
start_app buffered "$BUFFERED_PORT" buffered
await_app "$DIRECT_PORT"
await_app "$BUFFERED_PORT"

set +e
java -Xms512m -Xmx512m -cp benchmarks/target/benchmarks.jar io.tidefall.bench.e2e.EndToEnd \
    --direct "127.0.0.1:$DIRECT_PORT" --buffered "127.0.0.1:$BUFFERED_PORT" \
    --direct-pid "${APP_PIDS[0]}" --buffered-pid "${APP_PIDS[1]}" \
    --db-pid "$(head -n 1 "$PG_DIR/data/postmaster.pid")" \
    --psql "$PG_BIN/psql" --socket "$PG_DIR/socket" --port "$PG_PORT" \
    --out "$OUT" --charts docs/images --scale "$SCALE" | tee "$OUT/e2e.txt"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || fail "the benchmark failed (exit $status)"

# Both fresh, so that neither has the other's head start in the JIT: the buffered service as it
# ships (events journaled) and the same with durability memory, each on a database of its own.
echo "e2e: starting the buffered service again, with durability process (as it ships) on :$JOURNALED_PORT and memory on :$MEMORY_PORT"
kill "${APP_PIDS[0]}" "${APP_PIDS[1]}"
wait "${APP_PIDS[0]}" "${APP_PIDS[1]}" 2>/dev/null || true
start_app journaled "$JOURNALED_PORT" buffered
start_app memory "$MEMORY_PORT" buffered --tidefall.buffers.events.durability=memory
await_app "$JOURNALED_PORT"
await_app "$MEMORY_PORT"
set +e
java -Xms512m -Xmx512m -cp benchmarks/target/benchmarks.jar io.tidefall.bench.e2e.DurabilityComparison \
    --process "127.0.0.1:$JOURNALED_PORT" --memory "127.0.0.1:$MEMORY_PORT" \
    --process-pid "${APP_PIDS[2]}" --memory-pid "${APP_PIDS[3]}" \
    --psql "$PG_BIN/psql" --socket "$PG_DIR/socket" --port "$PG_PORT" --scale "$SCALE" | tee "$OUT/durability.txt"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || [ "$status" = 1 ] || fail "the durability comparison failed (exit $status)"
echo "e2e: finished in $(( $(date +%s) - started )) s"
grep -q '^  MISSED' "$OUT/e2e.txt" "$OUT/durability.txt" && exit 1
exit 0
