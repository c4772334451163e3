#!/usr/bin/env bash
# Outage check: runs the sample app on a throwaway PostgreSQL under steady load, takes the database
# away in several ways, and counts, for every page view the app answered 202, whether it is stored.
#
# Starts its own PostgreSQL (the server binaries under /usr/lib/postgresql) on 127.0.0.1:54330 in a
# temporary directory, builds the sample app's jar, and for each row starts the app on port 18080
# with its dead-letter store in the temporary directory. Load: 2,000 page views/s from 4 senders,
# one page view per request, every path unique; the path of every 202 is recorded. After each
# row the database is up and the app has delivered what it can, with no call and no restart (dead
# letters come back by themselves once the database takes writes again); then the stored rows are
# counted against the recorded paths, and the counts the log gives of page views handed to the
# dead-letter store and replayed are set beside the meter's. Everything started is stopped and
# removed on exit.
#
#   sample-app/outage-check.sh                       # the full table (about 15 minutes)
#   ROWS="no-fault down-3" sample-app/outage-check.sh  # some rows only
#   QUICK=1 sample-app/outage-check.sh               # every row, shorter phases (development)
#   RATE=500 SENDERS=2 ...                           # lighter load
#
# Rows: no-fault, down-3, down-3-hikari-250, down-20, down-45, down-70, down-150 (past the 2 min
# delivery timeout), table-dropped-20, sigterm-back-30, sigterm-stays-down, kill-9. Exit status 0 when no row but kill-9 lost a page view.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=54330
APP_PORT=18080
RATE="${RATE:-2000}"
SENDERS="${SENDERS:-4}"
ROWS="${ROWS:-no-fault down-3 down-3-hikari-250 down-20 down-45 down-70 down-150 table-dropped-20 sigterm-back-30 sigterm-stays-down kill-9}"
QUICK="${QUICK:-0}"
SETTLE_SECONDS="${SETTLE_SECONDS:-180}"   # longest wait for the rows to be stored after a row's load

# Phase lengths in seconds; QUICK shortens them for development (outages stay longer than the 30s
# processing timeout where the row is about that).
if [ "$QUICK" = 1 ]; then
    NO_FAULT="${NO_FAULT:-15}"; BEFORE=5; AFTER=10
else
    NO_FAULT=60; BEFORE=10; AFTER=20
fi

work="$(mktemp -d /tmp/tidefall-outage-check.XXXXXX)"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
APP_PID=""
LOAD_PID=""

log() { echo "$(date +%H:%M:%S) $*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
    [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null || true
    [ -n "${WATCH_PID:-}" ] && kill "$WATCH_PID" 2>/dev/null || true
    [ -n "$APP_PID" ] && kill -9 "$APP_PID" 2>/dev/null || true
    if [ -f "$work/pg/data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- PostgreSQL -------------------------------------------------------------------------------
[ -x "$PG_BIN/initdb" ] || fail "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)"
mkdir -p "$work/pg" && mkdir -m 700 "$work/pg/socket"
if [ "$(id -u)" = 0 ]; then
    chmod 711 "$work"   # the postgres user reaches its own folder below, and nothing else
    chown -R postgres:postgres "$work/pg"
fi
as_postgres "$PG_BIN/initdb" -D "$work/pg/data" -U postgres -E UTF8 --locale=C --auth-local=trust \
    --auth-host=scram-sha-256 >"$work/pg/initdb.log" 2>&1 || fail "initdb failed: $(cat "$work/pg/initdb.log")"

pg_start() {
    as_postgres "$PG_BIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $work/pg/socket" start >/dev/null || fail "PostgreSQL did not start"
}
pg_stop() {
    as_postgres "$PG_BIN/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null || fail "PostgreSQL did not stop"
}
psql_q() {
    as_postgres "$PG_BIN/psql" -q -At -h "$work/pg/socket" -p "$PG_PORT" -U postgres -d "${2:-tidefall}" -v ON_ERROR_STOP=1 -c "$1"
}

pg_start
psql_q "create user tidefall password 'tidefall'" postgres
psql_q "create database tidefall owner tidefall" postgres
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"

# --- the sample app ---------------------------------------------------------------------------
log "building the sample app"
# Maven re-creates the executable jar only when the sample's own classes changed: it goes first, so
# that a change in the engine or the starter is in the jar measured.
rm -f sample-app/target/sample-app-*.jar sample-app/target/sample-app-*.jar.original
./mvnw -B -q -pl sample-app -am package -DskipTests >"$work/build.log" 2>&1 || fail "build failed: $(tail -20 "$work/build.log")"
JAR="$(ls sample-app/target/sample-app-*.jar | grep -v original | head -n 1)"

app_start() { # $1: row, $2...: extra arguments
    local row="$1"; shift
    java -jar "$JAR" --spring.profiles.active=postgres --server.port="$APP_PORT" \
        --spring.datasource.url="jdbc:postgresql://127.0.0.1:$PG_PORT/tidefall" \
        --tidefall.dead-letter.directory="$work/dead-letters" --tidefall.dead-letter.replay-on-start=true \
        "$@" >>"$work/app-$row.log" 2>&1 &
    APP_PID=$!
    local deadline=$((SECONDS + 90))
    until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$APP_PORT/stats"; do
        kill -0 "$APP_PID" 2>/dev/null || fail "the app exited at startup: $(tail -30 "$work/app-$row.log")"
        [ $SECONDS -lt $deadline ] || fail "the app did not start within 90 s"
        sleep 0.5
    done
}
app_stop() { # $1: TERM or KILL
    [ -n "$APP_PID" ] || return 0
    kill "-$1" "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
}

# --- the load: a small Java program, run from source ------------------------------------------
cat >"$work/Load.java" <<'JAVA'
import java.io.*;
import java.net.URI;
import java.net.http.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.LockSupport;

/** args: port run perSecond senders seconds outputDirectory. One page view per request, unique paths. */
public class Load {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String run = args[1];
        int perSecond = Integer.parseInt(args[2]);
        int senders = Integer.parseInt(args[3]);
        long endAt = System.nanoTime() + (long) (Double.parseDouble(args[4]) * 1e9);
        File out = new File(args[5]);
        new File(out, "started").createNewFile(); // the script times its faults from here
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        Map<Integer, AtomicLong> statuses = new TreeMap<>();
        for (int s : new int[] {0, 202, 400, 500, 503}) statuses.put(s, new AtomicLong());
        AtomicLong other = new AtomicLong();
        Map<String, AtomicLong> failures = new java.util.concurrent.ConcurrentSkipListMap<>();
        long pause = 1_000_000_000L * senders / perSecond;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            int sender = t;
            Thread thread = new Thread(() -> {
                try (PrintWriter accepted = new PrintWriter(new BufferedWriter(new FileWriter(new File(out, "accepted-" + sender))))) {
                    long next = System.nanoTime();
                    for (long n = 0; System.nanoTime() < endAt; n++) {
                        String path = "/" + run + "/" + sender + "-" + n;
                        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"u" + (n % 50) + "\",\"path\":\"" + path + "\"}"))
                                .build();
                        int status;
                        try {
                            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (IOException noAnswer) {
                            status = 0;
                            failures.computeIfAbsent(noAnswer.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                        }
                        if (status == 202) accepted.println(path);
                        AtomicLong count = statuses.get(status);
                        (count != null ? count : other).incrementAndGet();
                        next += pause;
                        long ahead = next - System.nanoTime();
                        if (ahead > 0) LockSupport.parkNanos(ahead); else next = System.nanoTime();
                    }
                } catch (Exception failed) {
                    failed.printStackTrace();
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) thread.join();
        StringBuilder summary = new StringBuilder();
        statuses.forEach((s, c) -> { if (c.get() > 0) summary.append(s == 0 ? "no answer " + failures : s).append(" x").append(c.get()).append(", "); });
        if (other.get() > 0) summary.append("other x").append(other.get()).append(", ");
        System.out.println(summary.length() > 2 ? summary.substring(0, summary.length() - 2) : "no request");
    }
}
JAVA

mkdir -p "$work/load-classes"
javac -d "$work/load-classes" "$work/Load.java" || fail "the load program does not compile"

load_start() { # $1: row run id, $2: seconds; returns once the senders run
    mkdir -p "$work/load-$1"
    java -cp "$work/load-classes" Load "$APP_PORT" "$1" "$RATE" "$SENDERS" "$2" "$work/load-$1" \
        >"$work/load-$1/summary" 2>"$work/load-$1/errors" &
    LOAD_PID=$!
    local deadline=$((SECONDS + 60))
    until [ -f "$work/load-$1/started" ]; do
        [ $SECONDS -lt $deadline ] || fail "the load did not start within 60 s"
        sleep 0.1
    done
}
load_wait() {
    wait "$LOAD_PID" || true
    LOAD_PID=""
}

# --- counting ---------------------------------------------------------------------------------
accepted_paths() { cat "$work/load-$1"/accepted-* | sort -u; }
stored_count() { psql_q "select count(distinct path) from page_views where path like '/$1/%'" 2>/dev/null || echo -1; }
duplicate_count() { psql_q "select count(*) - count(distinct path) from page_views where path like '/$1/%'"; }

# Waits until every accepted page view of the row is stored, or the stored count stops growing for 20 s.
settle() {
    local run="$1" accepted stored last=-1 still=0 deadline=$((SECONDS + SETTLE_SECONDS))
    accepted="$(accepted_paths "$run" | wc -l)"
    while [ $SECONDS -lt $deadline ]; do
        stored="$(stored_count "$run")"
        [ "$stored" -ge "$accepted" ] && return 0
        if [ "$stored" = "$last" ]; then still=$((still + 1)); else still=0; last="$stored"; fi
        [ $still -ge 20 ] && return 0
        sleep 1
    done
}

logged_replayed() { # sums "Replayed N dead-lettered element(s) into buffer 'events'" in a row's log
    { grep -o "Replayed [0-9]* dead-lettered element(s) into buffer 'events'" "$work/app-$1.log" 2>/dev/null || true; } \
        | awk '{s += $2} END {print s + 0}'
}
logged_handed_over() { # sums "Buffer 'events': N element(s) went to the failure handler" in a row's log
    { grep -o "Buffer 'events': [0-9]* element(s) went to the failure handler" "$work/app-$1.log" 2>/dev/null || true; } \
        | awk '{s += $3} END {print s + 0}'
}
metered_handed_over() { # the meter's count of page views handed to the failure handler (failed or timed out)
    local outcome total=0 value
    for outcome in failure timeout; do
        value="$(curl -s --max-time 5 "http://127.0.0.1:$APP_PORT/actuator/metrics/tidefall.processing.elements?tag=buffer:events&tag=outcome:$outcome" \
            | grep -o '"value":[0-9.E]*' | head -n 1 | cut -d : -f 2 || true)"
        total="$(awk -v t="$total" -v v="${value:-0}" 'BEGIN {printf "%d", t + v}')"
    done
    echo "$total"
}
BACK_AT=""   # SECONDS when the row's database came back

# Records each change of /actuator/health/tidefall while a row runs: "UP DOWN UP" for an outage
# longer than management.health.tidefall.retrying-threshold.
health_watch() {
    local last=""
    while :; do
        local status
        status="$(curl -s --max-time 2 "http://127.0.0.1:$APP_PORT/actuator/health/tidefall" \
            | grep -o '"status":"[A-Z_]*"' | tail -n 1 | cut -d '"' -f 4 || true)"
        if [ -n "$status" ] && [ "$status" != "$last" ]; then
            printf '%s ' "$status" >>"$work/health-$1"
            last="$status"
        fi
        sleep 1
    done
}
WATCH_PID=""
watch_start() { : >"$work/health-$1"; health_watch "$1" & WATCH_PID=$!; }
watch_stop() { [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null || true; WATCH_PID=""; }

RESULTS="$work/results"
: >"$RESULTS"
lost_rows=0

finish_row() { # $1: row, $2: description
    local row="$1" run="$1" accepted stored lost dups healed="" counts
    settle "$run"
    [ -n "$BACK_AT" ] && healed="$((SECONDS - BACK_AT)) s"
    watch_stop
    sleep 11   # a count the log's throttle holds back is written when its 10 s interval ends
    accepted="$(accepted_paths "$run" | wc -l)"
    stored="$(stored_count "$run")"
    dups="$(duplicate_count "$run")"
    lost=$((accepted - stored))
    counts="log $(logged_handed_over "$row") / meter $(metered_handed_over) handed over, log $(logged_replayed "$row") replayed"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$accepted" "$stored" "$lost" "${healed:-n/a}" \
        "$counts" "$dups" "$(cat "$work/health-$row" 2>/dev/null)" \
        "$(cat "$work/load-$run/summary")" | tee -a "$RESULTS"
    BACK_AT=""
    if [ "$lost" -ne 0 ] && [ "$row" != kill-9 ]; then lost_rows=$((lost_rows + 1)); fi
    app_stop TERM
    rm -rf "$work/dead-letters"
}

outage_row() { # $1: row, $2: seconds down, $3...: extra app arguments
    local row="$1" down="$2"; shift 2
    app_start "$row" "$@"
    watch_start "$row"
    load_start "$row" $([ "$down" -gt 0 ] && echo $((BEFORE + down + AFTER)) || echo "$NO_FAULT")
    sleep "$BEFORE"
    [ "$down" -gt 0 ] && { log "$row: PostgreSQL down for $down s"; pg_stop; sleep "$down"; pg_start; BACK_AT=$SECONDS; log "$row: PostgreSQL back"; }
    load_wait
    finish_row "$row" "$([ "$down" -gt 0 ] && echo "PostgreSQL down $down s" || echo "no fault, $NO_FAULT s")$([ $# -gt 0 ] && echo ", $*" || true)"
}

sigterm_row() { # $1: row, $2: seconds until PostgreSQL is back after the SIGTERM (empty: only after the app stopped)
    local row="$1" back="$2"
    app_start "$row"
    load_start "$row" $((BEFORE + 10))
    sleep "$BEFORE"
    log "$row: PostgreSQL down"; pg_stop
    sleep 10
    log "$row: SIGTERM to the app"; kill -TERM "$APP_PID"
    local term_at; term_at=$(date +%s%N)
    if [ -n "$back" ]; then
        ( sleep "$back"; pg_start; log "$row: PostgreSQL back" ) &
        local restarter=$!
    fi
    wait "$APP_PID" 2>/dev/null || true; APP_PID=""
    local stop_ms=$(( ($(date +%s%N) - term_at) / 1000000 ))
    load_wait
    log "$row: the app has stopped ${stop_ms} ms after the SIGTERM (shutdown phase 30 s); dead letters: $(cat "$work/dead-letters/events"/*.jsonl 2>/dev/null | wc -l)"
    if [ -n "$back" ]; then wait "$restarter"; else pg_start; log "$row: PostgreSQL back"; fi
    app_start "$row"   # replays the dead letters on start
    finish_row "$row" "SIGTERM 10 s into an outage, $([ -n "$back" ] && echo "PostgreSQL back ${back} s later" || echo "PostgreSQL stays down, then a restart") (+ replay)"
}

table_row() { # $1: row, $2: seconds the table is away (dropped, then created again)
    local row="$1" away="$2"
    app_start "$row"
    watch_start "$row"
    load_start "$row" $((BEFORE + away + AFTER))
    sleep "$BEFORE"
    # What the drop takes is kept aside in the same transaction, so that every page view can be counted.
    # The lock comes first: it waits for the MERGEs in flight, so the copy's snapshot holds their rows
    # (without it, a MERGE committed between the copy and the drop was lost by this script).
    log "$row: table page_views dropped for $away s"
    psql_q "begin; lock table page_views in access exclusive mode;
        create table page_views_before_drop as select * from page_views; drop table page_views; commit" >/dev/null
    sleep "$away"
    # Created again as a migration would, with the rows the drop took put back.
    psql_q "begin; create table page_views (like page_views_before_drop including all); alter table page_views add primary key (id);
        alter table page_views owner to tidefall; insert into page_views select * from page_views_before_drop;
        drop table page_views_before_drop; commit" >/dev/null
    BACK_AT=$SECONDS; log "$row: table page_views back"
    load_wait
    finish_row "$row" "table dropped under load, created again $away s later"
}

kill9_row() {
    local row=kill-9
    app_start "$row"
    load_start "$row" $((BEFORE + 2))
    sleep "$BEFORE"
    log "$row: kill -9 to the app"; app_stop KILL
    load_wait
    app_start "$row"
    finish_row "$row" "kill -9 under load, no outage, then a restart"
}

echo "| run | accepted (202) | stored | lost | all stored after the fault's end | dead letters: log and meter | stored twice | health/tidefall seen | answers |"
echo "|---|---|---|---|---|---|---|---|---|"
for row in $ROWS; do
    log "row $row"
    case "$row" in
        no-fault) outage_row no-fault 0 ;;
        down-3) outage_row down-3 3 ;;
        down-3-hikari-250) outage_row down-3-hikari-250 3 --spring.datasource.hikari.connection-timeout=250 ;;
        down-20) outage_row down-20 20 ;;
        down-45) outage_row down-45 45 ;;
        down-70) outage_row down-70 70 ;;
        down-150) outage_row down-150 150 ;;
        table-dropped-20) table_row table-dropped-20 20 ;;
        sigterm-back-30) sigterm_row sigterm-back-30 30 ;;
        sigterm-stays-down) sigterm_row sigterm-stays-down "" ;;
        kill-9) kill9_row ;;
        *) fail "unknown row $row" ;;
    esac
done

if [ "$lost_rows" -ne 0 ]; then
    log "FAIL: $lost_rows row(s) lost page views answered 202"
    exit 1
fi
log "OK: no page view answered 202 was lost (kill -9 aside)"
