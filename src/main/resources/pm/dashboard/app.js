// pm's dashboard: the apps' table and a page per app, kept live by the daemon's event stream
// (/api/v1/events) and, on an app's page, its log follow; nothing is polled. Written by hand with no
// framework or build step: the page is small, and it must load from the daemon's jar alone.
'use strict';

const KEEP = 150;          // samples kept per app for the sparklines: 5 minutes at one every 2 s
const LOG_LINES = 500;     // lines kept in a log tail
const procs = new Map();   // name -> its status (as GET /api/v1/processes has it), kept current by the events
const series = new Map();  // name -> {cpu: [], mem: []}, oldest first
let skew = 0;              // this browser's clock minus the daemon's (from the samples' "at")
let readOnly = true;       // until /api/v1/session says otherwise: a read-only token gets no buttons
let view = null;           // what is on screen: {el, update(name), all(), tick(), state(event), close()}
let events = null;
let loaded = false;        // a snapshot came: before it, an app missing from procs may still exist

const STATE_MARK = {running: '●', starting: '◔', stopping: '◕', backoff: '↻', stopped: '○', exited: '○', fatal: '✕'};
const HEALTH_MARK = {healthy: '✓', unhealthy: '✗', unknown: '?', none: '–'};
const DONE = {start: 'started', stop: 'stopped', restart: 'restarted'};

/** An element with attributes (null ones left out) and children (strings become text; null ones left out). */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, v);
  for (const kid of kids) if (kid != null) el.append(kid);
  return el;
}

const $ = id => document.getElementById(id);

function duration(ms) {
  if (ms == null || ms < 0) return '–';
  const s = Math.floor(ms / 1000), m = Math.floor(s / 60), hr = Math.floor(m / 60);
  if (s < 60) return s + 's';
  if (m < 60) return m + 'm ' + (s % 60) + 's';
  if (hr < 24) return hr + 'h ' + (m % 60) + 'm';
  return Math.floor(hr / 24) + 'd ' + (hr % 24) + 'h';
}

function bytes(n) {
  if (n == null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

const percent = x => x == null ? '–' : x.toFixed(1) + ' %';
const daemonNow = () => Date.now() - skew;

function uptime(p) {
  return p._started == null || p.state !== 'running' ? '–' : duration(daemonNow() - p._started);
}

function heartbeat(p) {
  if (!p.heartbeat_at) return '–';
  const ago = duration(daemonNow() - Date.parse(p.heartbeat_at)) + ' ago';
  return p._lost ? 'lost, ' + ago : ago;
}

function stateBadge(state) {
  return h('span', {class: 'state s-' + state}, (STATE_MARK[state] || '·') + ' ' + state);
}

function healthBadge(p) {
  return h('span', {class: 'health h-' + p.health, title: p.health_detail}, (HEALTH_MARK[p.health] || '') + ' ' + p.health);
}

/** Takes in a status from the list, a snapshot or a registration. */
function put(p) {
  p._started = p.started_at ? Date.parse(p.started_at) : null;
  procs.set(p.name, p);
  if (!series.has(p.name)) series.set(p.name, {cpu: [], mem: []});
}

// ---- sparklines: an SVG polyline over the last KEEP samples, oldest at the left

const SVG = 'http://www.w3.org/2000/svg';

function sparkline() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 100 24');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('aria-hidden', 'true'); // the number beside it says the same to a screen reader
  svg.append(document.createElementNS(SVG, 'polyline'));
  return svg;
}

/** Draws the samples across the whole width (the first minutes' few are spread out), scaled to their top. */
function draw(svg, values, floor) {
  const max = Math.max(floor, ...values.filter(v => v != null));
  const step = 100 / Math.max(1, values.length - 1);
  const points = values.map((v, i) => (i * step).toFixed(1) + ',' + (23 - (v || 0) / max * 22).toFixed(1));
  svg.firstChild.setAttribute('points', points.join(' '));
}

/** A sparkline and its number, as one cell's content. */
function meter(kind) {
  const svg = sparkline(), text = h('span', {class: 'num'});
  return {el: h('span', {class: 'meter ' + kind}, svg, text), svg, text};
}

function showMeters(p, cpu, mem) {
  const s = series.get(p.name) || {cpu: [], mem: []};
  draw(cpu.svg, s.cpu, 1);
  cpu.text.textContent = percent(p.cpu_percent);
  draw(mem.svg, s.mem, 1 << 20);
  mem.text.textContent = bytes(p.memory_bytes);
}

// ---- talking to the daemon

async function api(method, path, body) {
  const init = {method, credentials: 'same-origin', headers: {Accept: 'application/json'}};
  if (body) { init.body = JSON.stringify(body); init.headers['Content-Type'] = 'application/json'; }
  const r = await fetch(path, init);
  const data = await r.json().catch(() => null);
  if (r.status === 401) sessionEnded();
  if (!r.ok) throw new Error(data && data.error ? data.error.message : r.status + ' ' + r.statusText);
  return data;
}

function notice(text, error) {
  const n = $('notice');
  n.textContent = text;
  n.className = error ? 'error' : '';
  n.hidden = !text;
}

function sessionEnded() {
  if (events) events.close();
  if (view) view.close();
  $('link').textContent = 'logged out';
  notice('This browser is not logged in (the session ended, or the daemon restarted). Run pm dashboard on the machine pm runs on and open the link it prints.', true);
}

function confirmStop(name) {
  const d = $('confirm');
  $('confirm-text').textContent = 'Stop ' + name + '? It stays stopped until started again.';
  d.returnValue = '';
  d.showModal();
  return new Promise(done => d.addEventListener('close', () => done(d.returnValue === 'ok'), {once: true}));
}

async function act(name, verb, button) {
  if (verb === 'stop' && !await confirmStop(name)) return;
  button.disabled = true;
  notice(verb + ' ' + name + '…');
  try {
    await api('POST', '/api/v1/processes/' + encodeURIComponent(name) + '/' + verb);
    notice(name + ' ' + DONE[verb]);
  } catch (e) {
    notice(name + ': ' + e.message, true);
  } finally {
    button.disabled = false;
  }
}

function buttons(name) {
  if (readOnly) return null;
  const box = h('span', {class: 'actions'});
  for (const verb of ['start', 'stop', 'restart']) {
    const b = h('button', {type: 'button', class: verb === 'stop' ? 'danger' : null, 'data-verb': verb,
      'aria-label': verb + ' ' + name}, verb[0].toUpperCase() + verb.slice(1));
    b.addEventListener('click', () => act(name, verb, b));
    box.append(b);
  }
  return box;
}

function connect() {
  events = new EventSource('/api/v1/events?samples=2');
  const on = (type, f) => events.addEventListener(type, e => f(JSON.parse(e.data)));
  events.addEventListener('open', () => { $('link').textContent = '● live'; });
  events.addEventListener('error', () => {
    if (events.readyState !== EventSource.CLOSED) { $('link').textContent = '○ reconnecting…'; return; }
    $('link').textContent = '○ disconnected';
    // A refused stream is not retried by the browser: find out why, and try again unless it was the login.
    api('GET', '/api/v1/session').then(() => setTimeout(connect, 3000), () => {});
  });
  on('snapshot', d => {
    loaded = true;
    procs.clear();
    d.processes.forEach(put);
    view.all();
  });
  on('state', e => {
    const p = procs.get(e.name);
    if (!p) return;
    if (e.pid !== p.pid) p._started = e.pid == null ? null : Date.parse(e.at);
    Object.assign(p, {state: e.to, pid: e.pid, restarts: e.restarts, reason: e.reason});
    view.state(e);
    view.update(e.name);
  });
  on('health', e => change(e.name, {health: e.to, health_detail: e.detail}));
  on('heartbeat', e => change(e.name, {heartbeat_at: e.heartbeat_at, _lost: e.state === 'lost'}));
  on('restart', e => change(e.name, {restarts: e.restarts}));
  on('registered', e => { put(e.process); view.all(); });
  on('updated', e => { put(e.process); view.update(e.name); view.reload(e.name); });
  on('unregistered', e => { procs.delete(e.name); series.delete(e.name); view.all(); });
  on('samples', d => {
    const at = Date.parse(d.at);
    skew = Date.now() - at;
    for (const s of d.processes) {
      const p = procs.get(s.name);
      if (!p) continue;
      const {uptime_ms, ...rest} = s;
      Object.assign(p, rest);
      p._started = uptime_ms == null ? null : at - uptime_ms;
      const line = series.get(s.name);
      line.cpu.push(s.cpu_percent);
      line.mem.push(s.memory_bytes);
      if (line.cpu.length > KEEP) { line.cpu.shift(); line.mem.shift(); }
    }
    view.all();
  });
}

function change(name, fields) {
  const p = procs.get(name);
  if (!p) return;
  Object.assign(p, fields);
  view.update(name);
}

// ---- routing: #/ is the table, #/app/NAME an app's page

function route(first) {
  if (view) view.close();
  const m = location.hash.match(/^#\/app\/(.+)$/);
  view = m ? appView(decodeURIComponent(m[1])) : tableView();
  $('main').replaceChildren(view.el);
  view.all();
  if (!first) view.el.querySelector('h1').focus();
}

async function start() {
  $('logout').addEventListener('click', async () => {
    await fetch('/logout', {method: 'POST', credentials: 'same-origin'});
    sessionEnded();
  });
  try {
    const who = await api('GET', '/api/v1/session');
    readOnly = who.read_only;
    $('who').textContent = 'token ' + who.token + (readOnly ? ' (read-only)' : '');
  } catch (e) {
    if (!$('notice').textContent) notice(e.message, true);
    return;
  }
  route(true);
  window.addEventListener('hashchange', () => route(false));
  connect();
  setInterval(() => view.tick(), 1000); // ages and uptimes count on between samples; nothing is fetched
}

// After every deferred script (views.js too) has run.
document.addEventListener('DOMContentLoaded', start);
