#!/usr/bin/env bash
# Load check for the running sample app (start it with the README's run command first).
#
# Posts 1,000 page views in 10 requests and 1,000 heartbeats for 50 users (20 each, shuffled, so
# older heartbeats often arrive after newer ones), then polls GET /stats until the 1,000 page-view
# rows and the 50 presence rows are stored, and checks that each user holds its newest status.
# Talks to the loopback interface only; every wait is bounded. Exit status 0 when all holds.
#
#   sample-app/load-check.sh            # the app on 127.0.0.1:8080
#   PORT=9090 sample-app/load-check.sh  # another port
#   WAIT_SECONDS=60 ...                 # longest wait for the rows (default 30)
set -euo pipefail

PORT="${PORT:-8080}"
WAIT_SECONDS="${WAIT_SECONDS:-30}"
BASE="http://127.0.0.1:$PORT"
PAGE_VIEWS=1000
REQUESTS=10
USERS=50
BEATS_PER_USER=20

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }
seconds_since() { awk -v from="$1" -v to="$(now_ms)" 'BEGIN { printf "%.2f", (to - from) / 1000 }'; }
get() { curl -sS --max-time 5 "$BASE$1"; }
json_number() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

stats="$(get /stats)" || { echo "FAIL: no sample app answers on $BASE (start it first)" >&2; exit 1; }
base_views="$(json_number pageViews <<<"$stats")"
base_users="$(json_number users <<<"$stats")"
run="lc$(date +%s)"          # users of this run: lc<seconds>-u0 .. u49
first_at="$(now_ms)"         # heartbeat versions: this run's are newer than any earlier run's

# 1,000 page views in 10 requests of 100.
per_request=$((PAGE_VIEWS / REQUESTS))
start="$(now_ms)"
for ((r = 0; r < REQUESTS; r++)); do
    body="$work/events-$r.json"
    awk -v r="$r" -v n="$per_request" -v users="$USERS" -v run="$run" 'BEGIN {
        printf "["
        for (i = 0; i < n; i++) {
            id = r * n + i
            printf "%s{\"user\":\"%s-u%d\",\"path\":\"/%s/page/%d\"}", (i ? "," : ""), run, id % users, run, id
        }
        printf "]"
    }' >"$body"
    printf 'url = "%s/events"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
        "$BASE" "$body" >>"$work/events.curl"
    ((r < REQUESTS - 1)) && echo next >>"$work/events.curl"
done
event_codes="$(curl -sS --max-time 30 -K "$work/events.curl" | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')"
echo "posted $PAGE_VIEWS page views in $REQUESTS requests ($event_codes) in $(seconds_since "$start") s"

# 1,000 heartbeats for 50 users, shuffled, sent 4 at a time; each user's newest one (beat 19) says "online".
statuses=(away busy offline)
for ((u = 0; u < USERS; u++)); do
    for ((b = 0; b < BEATS_PER_USER; b++)); do
        status="${statuses[$((b % 3))]}"
        ((b == BEATS_PER_USER - 1)) && status=online
        echo "$u $b $status"
    done
done | shuf >"$work/beats.txt"
awk -v base="$BASE" -v run="$run" -v first="$first_at" '{
    if (NR > 1) print "next"
    printf "url = \"%s/presence/%s-u%d\"\nrequest = \"PUT\"\nheader = \"Content-Type: application/json\"\n", base, run, $1
    printf "data = \"{\\\"status\\\":\\\"%s\\\",\\\"at\\\":%.0f}\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", $3, first + $2 * 1000
}' "$work/beats.txt" >"$work/beats.curl"
start="$(now_ms)"
beat_codes="$(curl -sS --no-progress-meter --max-time 30 --parallel --parallel-max 4 -K "$work/beats.curl" | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')"
echo "sent $((USERS * BEATS_PER_USER)) heartbeats for $USERS users ($beat_codes) in $(seconds_since "$start") s"

# Wait until the rows are stored and each user's row holds its newest heartbeat (beat 19, "online").
newest_at=$((first_at + (BEATS_PER_USER - 1) * 1000))
for ((u = 0; u < USERS; u++)); do
    ((u > 0)) && echo next
    printf 'url = "%s/presence/%s-u%d"\nwrite-out = "\\n"\n' "$BASE" "$run" "$u"
done >"$work/presence.curl"
count_newest() {
    curl -sS --max-time 10 -K "$work/presence.curl" | grep -c "\"status\":\"online\",\"at\":$newest_at}" || true
}
sent="$(now_ms)"
deadline=$((sent + WAIT_SECONDS * 1000))
newest=0
while :; do
    stats="$(get /stats)"
    views=$(($(json_number pageViews <<<"$stats") - base_views))
    users=$(($(json_number users <<<"$stats") - base_users))
    if ((views >= PAGE_VIEWS && users >= USERS)); then
        newest="$(count_newest)"
        ((newest == USERS)) && break
    fi
    (($(now_ms) > deadline)) && break
    sleep 0.1
done
echo "stored $views new page-view rows and $users new presence rows, $newest of $USERS users holding their newest status," \
    "$(seconds_since "$sent") s after the last request"

if ((views == PAGE_VIEWS && users == USERS && newest == USERS)) \
        && [[ "$event_codes" == "202 x$REQUESTS" && "$beat_codes" == "202 x$((USERS * BEATS_PER_USER))" ]]; then
    echo "OK"
else
    if ((newest < USERS)); then
        echo "rows not holding their newest heartbeat (at $newest_at, online), first 5:" >&2
        curl -sS --max-time 10 -K "$work/presence.curl" | grep -v "\"status\":\"online\",\"at\":$newest_at}" | head -n 5 >&2 || true
    fi
    echo "FAIL: expected $PAGE_VIEWS page views, $USERS users, each with its newest status, all requests 202" >&2
    exit 1
fi
