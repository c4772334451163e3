#!/usr/bin/env bash
# What the live page costs the service: the sample app's own CPU time (utime + stime of its JVM, from
# /proc) under a steady load of page views, in windows without the page and windows with the page
# open in headless Chromium, alternating. Start the sample app first (README), then:
#
#   sample-app/live-page-cost.sh                      # the app on 127.0.0.1:8080, 2,000 page views/s
#   PORT=9090 RATE=2000 WINDOW=60 ROUNDS=2 sample-app/live-page-cost.sh
#
# The load generator is a small Python script (python3): RATE page views per second, one per
# request, over keep-alive connections. Prints, per window, the achieved rate and the app's CPU in
# milliseconds per second, then the page's cost: the mean difference between the two kinds of window.
#
#   POLLS=1000 sample-app/live-page-cost.sh           # instead: the app's CPU per poll of the page
#
# replays the requests of one poll of the page (for the sample's two buffers) POLLS times back to
# back, after as many to warm up, and divides the app's CPU time by POLLS: the cost of the page at
# its 2 s poll interval is half that per second, with far less noise than the windows above.
set -euo pipefail

PORT="${PORT:-8080}"
RATE="${RATE:-2000}"
WINDOW="${WINDOW:-60}"
ROUNDS="${ROUNDS:-2}"
WARMUP="${WARMUP:-20}"
BASE="http://127.0.0.1:$PORT"

curl -sf "$BASE/actuator/health" >/dev/null || { echo "no sample app answers on $BASE (start it first)" >&2; exit 1; }
APP_PID="${APP_PID:-$(ss -ltnpH "sport = :$PORT" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)}"
[ -n "$APP_PID" ] || { echo "cannot tell the app's process id: set APP_PID" >&2; exit 1; }
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$CHROMIUM" ] || { echo "no chromium on the PATH (apt-get install chromium)" >&2; exit 1; }
TICKS="$(getconf CLK_TCK)"

if [ -n "${POLLS:-}" ]; then
    python3 - "$PORT" "$POLLS" "$APP_PID" "$TICKS" <<'PY'
import http.client, sys, time
port, polls, pid, hz = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
urls = ["/actuator/tidefall", "/actuator/health/tidefall"]
for b in ["events", "presence"]:  # what live.js asks per buffer
    urls += ["/actuator/tidefall/" + b, "/actuator/metrics/tidefall.delivery.latency?tag=buffer:" + b,
             "/actuator/metrics/tidefall.delivery.latency.percentile?tag=buffer:%s&tag=phi:0.5" % b,
             "/actuator/metrics/tidefall.delivery.latency.percentile?tag=buffer:%s&tag=phi:0.99" % b]
def ticks():
    fields = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])
connection = http.client.HTTPConnection("127.0.0.1", port)
def poll():
    for url in urls:
        connection.request("GET", url)
        connection.getresponse().read()
for _ in range(polls):
    poll()
t0, w0 = ticks(), time.time()
for _ in range(polls):
    poll()
t1, w1 = ticks(), time.time()
per_poll = (t1 - t0) * 1000 / hz / polls
print("%d requests per poll, %d polls in %.1f s: app CPU %.2f ms per poll, %.2f ms/s at one poll every 2 s (%.2f %% of one core)"
      % (len(urls), polls, w1 - w0, per_poll, per_poll / 2, per_poll / 20))
PY
    exit 0
fi
work="$(mktemp -d)"
load_pid=""
browser_pid=""
cleanup() {
    [ -n "$browser_pid" ] && kill "$browser_pid" 2>/dev/null || true
    [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/load.py" <<'PY'
import http.client, json, sys, threading, time
port, rate, counter = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
threads = 8
sent = [0] * threads
def send(i):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    pause, due, n = threads / rate, time.monotonic(), 0
    while True:
        body = json.dumps({"user": "u%d" % (n % 100), "path": "/cost/%d/%d" % (i, n)})
        try:
            connection.request("POST", "/events", body, {"Content-Type": "application/json"})
            connection.getresponse().read()
            sent[i] += 1
        except Exception:
            connection = http.client.HTTPConnection("127.0.0.1", port)
        n += 1
        due += pause
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
for i in range(threads):
    threading.Thread(target=send, args=(i,), daemon=True).start()
while True:
    time.sleep(1)
    with open(counter, "w") as out:
        out.write(str(sum(sent)))
PY

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"; }
sent() { cat "$work/sent" 2>/dev/null || echo 0; }

if [ "$RATE" != 0 ]; then # RATE=0: the page's cost on an idle service, with less noise around it
    python3 "$work/load.py" "$PORT" "$RATE" "$work/sent" &
    load_pid=$!
fi
echo "load: $RATE page views/s on $BASE; app pid $APP_PID; warming up ${WARMUP}s"
sleep "$WARMUP"

declare -a without=() with=()
measure() { # prints "<page views/s> <cpu ms/s>" over one window
    local t0 c0 s0 t1 c1 s1
    t0="$(date +%s%N)"; c0="$(cpu_ticks)"; s0="$(sent)"
    sleep "$WINDOW"
    t1="$(date +%s%N)"; c1="$(cpu_ticks)"; s1="$(sent)"
    awk -v t="$((t1 - t0))" -v c="$((c1 - c0))" -v s="$((s1 - s0))" -v hz="$TICKS" \
        'BEGIN { secs = t / 1e9; printf "%.0f %.1f\n", s / secs, c * 1000 / hz / secs }'
}
for round in $(seq 1 "$ROUNDS"); do
    read -r rate cpu < <(measure)
    without+=("$cpu")
    echo "round $round, page closed: $rate page views/s, app CPU $cpu ms/s"
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$work/profile" \
        --remote-debugging-port=0 "$BASE/" >/dev/null 2>&1 &
    browser_pid=$!
    sleep 5 # the page loads and starts polling
    read -r rate cpu < <(measure)
    with+=("$cpu")
    echo "round $round, page open:   $rate page views/s, app CPU $cpu ms/s"
    kill "$browser_pid"; wait "$browser_pid" 2>/dev/null || true; browser_pid=""
    sleep 3
done
printf '%s\n' "${without[@]}" >"$work/without"
printf '%s\n' "${with[@]}" >"$work/with"
awk 'NR == FNR { a += $1; n++; next } { b += $1; m++ } END {
    printf "page closed: %.1f ms/s; page open: %.1f ms/s; the page: %+.1f ms/s = %+.2f %% of the closed figure, %+.2f %% of one core\n",
        a / n, b / m, b / m - a / n, (b / m - a / n) * 100 / (a / n), (b / m - a / n) / 10 }' "$work/without" "$work/with"
