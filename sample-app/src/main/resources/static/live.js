'use strict';
/*
 * The live page: polls what the Tidefall starter exposes and draws it, per buffer. Nothing here is
 * computed that the starter does not count; rates are differences of its counters between polls.
 *
 * Each poll: GET actuator/tidefall (the buffers), actuator/health/tidefall (status and problem),
 * and per buffer actuator/tidefall/{name} (partitions, counters, retrying chunks, dead letters) and
 * the tidefall.delivery.latency meter (max, p50, p99) at actuator/metrics. Polls never overlap.
 *
 * What the page shows is also in the DOM, for scripts and tests: each buffer's <section> carries
 * data-size, data-delivered, data-delivered-rate, data-drains, data-retrying, data-dead-letters,
 * data-health and data-latency-p99-ms; <body> carries data-polls and data-writable.
 */
(() => {
    const params = new URLSearchParams(location.search);
    const POLL_MS = Math.max(250, Number(params.get('poll')) || 2000);
    const WINDOW_S = 300;
    const views = new Map();
    let polls = 0;
    let writable = false;

    const $ = (root, field) => root.querySelector(`[data-field="${field}"]`);
    const number = (n) => (n == null || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en'));
    const ms = (seconds) => (seconds == null ? '–' : (seconds * 1000 >= 100
        ? Math.round(seconds * 1000) : (seconds * 1000).toFixed(1)) + ' ms');

    async function json(path, options) {
        const response = await fetch(path, Object.assign({ cache: 'no-store', headers: { Accept: 'application/json' } }, options));
        if (response.status === 404) {
            return null;
        }
        const body = await response.json().catch(() => ({}));
        if (!response.ok && response.status !== 503) { // health answers 503 with its body when DOWN
            throw new Error(`${path}: HTTP ${response.status}${body.message ? ': ' + body.message : ''}`);
        }
        return body;
    }

    async function meter(name, buffer, extraTag) {
        const tags = `tag=buffer:${encodeURIComponent(buffer)}` + (extraTag ? `&tag=${extraTag}` : '');
        const body = await json(`actuator/metrics/${name}?${tags}`);
        const values = {};
        (body && body.measurements || []).forEach((m) => { values[m.statistic] = m.value; });
        return values;
    }

    async function latencyOf(buffer) {
        const [timer, p50, p99] = await Promise.all([
            meter('tidefall.delivery.latency', buffer),
            meter('tidefall.delivery.latency.percentile', buffer, 'phi:0.5'),
            meter('tidefall.delivery.latency.percentile', buffer, 'phi:0.99')]);
        return { count: timer.COUNT, max: timer.MAX, p50: p50.VALUE, p99: p99.VALUE };
    }

    /** Write access is on when the actuator lists the endpoint's write-only path (the actions). */
    async function detectAccess() {
        const links = (await json('actuator') || {})._links || {};
        writable = Object.prototype.hasOwnProperty.call(links, 'tidefall-name-action');
        document.body.dataset.writable = String(writable);
        $(document, 'access').textContent = writable
            ? 'Write access to the tidefall endpoint is on: flush, replay and processing-interval work from here.'
            : 'Write access to the tidefall endpoint is off (management.endpoint.tidefall.access=read-only): '
                + 'the controls are disabled. The sample turns it on in application.yml.';
    }

    const fromZero = (u, min, max) => [0, Math.max(1, (max || 0) * 1.1)];

    function chart(element, series, yLabel) {
        const options = {
            width: Math.max(240, element.clientWidth),
            height: 170,
            legend: { live: false },
            cursor: { show: false },
            scales: { x: { time: true }, y: { range: fromZero } },
            axes: [{ space: 60 }, { label: yLabel, size: 56 }],
            series: [{}].concat(series.map((s) => Object.assign({ width: 1.5, points: { show: false } }, s))),
        };
        series.filter((s) => s.scale).forEach((s) => { // a series on a scale of its own gets an axis on the right
            options.scales[s.scale] = { range: fromZero };
            options.axes.push({ scale: s.scale, side: 1, label: s.label, size: 48, grid: { show: false } });
        });
        return new uPlot(options, [[], ...series.map(() => [])], element);
    }

    const COLOURS = ['#2f6fdb', '#d9822b', '#1f7a4d', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#b7950b'];

    function view(name, descriptor) {
        let v = views.get(name);
        if (v) {
            return v;
        }
        const section = document.getElementById('buffer').content.firstElementChild.cloneNode(true);
        section.dataset.buffer = name;
        $(section, 'name').textContent = name;
        document.getElementById('buffers').appendChild(section);
        const partitions = descriptor.partitions;
        v = {
            section,
            partitions,
            data: { t: [], size: Array.from({ length: partitions }, () => []), delivered: [], drains: [], p50: [], p99: [], max: [] },
            last: null,
            charts: {
                size: chart(section.querySelector('[data-chart="size"]'),
                    Array.from({ length: partitions }, (_, i) => ({ label: `partition ${i}`, stroke: COLOURS[i % COLOURS.length] })), 'elements'),
                rate: chart(section.querySelector('[data-chart="rate"]'),
                    [{ label: 'delivered/s', stroke: '#2f6fdb' }, { label: 'drains/s', stroke: '#d9822b', scale: 'drains' }], 'per second'),
                latency: chart(section.querySelector('[data-chart="latency"]'),
                    [{ label: 'p50', stroke: '#1f7a4d' }, { label: 'p99', stroke: '#d9822b' }, { label: 'max', stroke: '#b3261e' }], 'ms'),
            },
        };
        wireControls(name, section);
        views.set(name, v);
        return v;
    }

    function wireControls(name, section) {
        const form = section.querySelector('form.controls');
        const result = $(section, 'result');
        const run = async (path, body) => {
            if (!writable) {
                result.textContent = 'write access is off';
                return;
            }
            result.textContent = '…';
            try {
                const answer = await json(path, body === undefined ? { method: 'POST' }
                    : { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
                result.textContent = describe(answer);
            } catch (failure) {
                result.textContent = failure.message;
            }
            schedule(0);
        };
        const base = `actuator/tidefall/${encodeURIComponent(name)}`;
        form.querySelector('[data-action="flush"]').addEventListener('click', () => run(`${base}/flush`));
        form.querySelector('[data-action="replay"]').addEventListener('click', () => run(`${base}/replay`));
        form.addEventListener('submit', (event) => {
            event.preventDefault();
            run(base, { processingInterval: form.elements.processingInterval.value.trim() });
        });
    }

    function describe(answer) {
        if (answer == null) {
            return 'not available';
        }
        if (answer.replayed != null) {
            return `replayed ${answer.replayed}, ${answer.remaining} remaining`;
        }
        if (answer.processingInterval != null) {
            return `processing-interval is now ${answer.processingInterval}`;
        }
        return `flushed: ${number(answer.bufferSize)} left in the buffer`;
    }

    function show(name, descriptor, detail, health, latency, now) {
        const v = view(name, descriptor);
        const s = v.section;
        const parts = detail.partitionDetails;
        const sum = (field) => parts.reduce((total, p) => total + p[field], 0);
        const delivered = sum('drained');
        const drains = sum('drains');
        let deliveredRate = null;
        let drainRate = null;
        if (v.last) {
            const seconds = (now - v.last.now) / 1000;
            deliveredRate = Math.max(0, delivered - v.last.delivered) / seconds;
            drainRate = Math.max(0, drains - v.last.drains) / seconds;
        }
        v.last = { now, delivered, drains };
        const retrying = parts.filter((p) => p.retryingSince);
        const status = health ? health.status : 'UNKNOWN';
        const problem = health && health.details ? health.details.problem : null;

        Object.assign(s.dataset, {
            size: detail.bufferSize, delivered, drains,
            deliveredRate: deliveredRate == null ? '' : deliveredRate.toFixed(1),
            retrying: retrying.length, deadLetters: detail.deadLetters == null ? '' : detail.deadLetters,
            health: status, latencyP99Ms: latency.p99 == null ? '' : (latency.p99 * 1000).toFixed(1),
        });
        $(s, 'kind').textContent = `${detail.type} · ${detail.partitions} partitions · processing-interval ${detail.options.processingInterval}`;
        const badge = $(s, 'health');
        badge.textContent = status;
        badge.dataset.status = status;
        $(s, 'problem').textContent = problem || '';
        $(s, 'size').textContent = number(detail.bufferSize);
        $(s, 'delivered').textContent = number(delivered);
        $(s, 'deliveredRate').textContent = number(deliveredRate);
        $(s, 'drainRate').textContent = drainRate == null ? '–' : drainRate.toFixed(1);
        $(s, 'retrying').textContent = retrying.length;
        $(s, 'deadLetters').textContent = detail.deadLetters == null ? 'no store' : number(detail.deadLetters);
        $(s, 'latency').textContent = `${ms(latency.p50)} · ${ms(latency.p99)} · ${ms(latency.max)}`;
        $(s, 'retryingRows').replaceChildren(...retrying.map((p) => {
            const row = document.createElement('tr');
            const since = new Date(p.retryingSince);
            [p.partition, since.toLocaleTimeString(), `${Math.max(0, Math.round((now - since) / 1000))} s`, p.retryCause || '']
                .forEach((text) => row.appendChild(Object.assign(document.createElement('td'), { textContent: text })));
            return row;
        }));
        const form = s.querySelector('form.controls');
        form.toggleAttribute('data-disabled', !writable);
        form.querySelectorAll('button, input').forEach((control) => { control.disabled = !writable; });
        const interval = form.elements.processingInterval;
        if (document.activeElement !== interval) {
            interval.value = detail.options.processingInterval;
        }

        const d = v.data;
        d.t.push(now / 1000);
        parts.forEach((p, i) => d.size[i] && d.size[i].push(p.bufferSize));
        d.delivered.push(deliveredRate);
        d.drains.push(drainRate);
        d.p50.push(latency.p50 == null ? null : latency.p50 * 1000);
        d.p99.push(latency.p99 == null ? null : latency.p99 * 1000);
        d.max.push(latency.max == null ? null : latency.max * 1000);
        while (d.t.length && d.t[0] < now / 1000 - WINDOW_S) {
            [d.t, ...d.size, d.delivered, d.drains, d.p50, d.p99, d.max].forEach((series) => series.shift());
        }
        v.charts.size.setData([d.t, ...d.size]);
        v.charts.rate.setData([d.t, d.delivered, d.drains]);
        v.charts.latency.setData([d.t, d.p50, d.p99, d.max]);
    }

    async function poll() {
        const [list, health] = await Promise.all([json('actuator/tidefall'), json('actuator/health/tidefall')]);
        const now = Date.now();
        const names = Object.keys(list.buffers);
        const details = await Promise.all(names.map((name) => Promise.all([
            json(`actuator/tidefall/${encodeURIComponent(name)}`), latencyOf(name)])));
        const components = (health && health.components) || {};
        names.forEach((name, i) => {
            const [detail, latency] = details[i];
            if (detail) {
                show(name, list.buffers[name], detail, components[name], latency, now);
            }
        });
        const overall = $(document, 'overall');
        overall.textContent = health ? health.status : 'UNKNOWN';
        overall.dataset.status = overall.textContent;
        polls += 1;
        document.body.dataset.polls = polls;
        document.body.dataset.lastPoll = new Date(now).toISOString();
        $(document, 'poll').textContent = `updated ${new Date(now).toLocaleTimeString()}`;
    }

    let timer = null;
    let running = false;

    function schedule(delay) {
        clearTimeout(timer);
        timer = setTimeout(tick, delay);
    }

    async function tick() {
        if (running) {
            return;
        }
        running = true;
        try {
            await poll();
            delete document.body.dataset.error;
        } catch (failure) {
            document.body.dataset.error = failure.message;
            $(document, 'poll').textContent = `poll failed: ${failure.message}`;
        } finally {
            running = false;
            schedule(POLL_MS);
        }
    }

    $(document, 'interval').textContent = `${POLL_MS / 1000} s`;
    detectAccess().catch((failure) => { $(document, 'access').textContent = `could not read /actuator: ${failure.message}`; })
        .finally(() => schedule(0));
})();
