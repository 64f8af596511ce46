// pm's dashboard, its two views: the table of apps (#/) and one app's page (#/app/NAME). Each keeps its
// elements and updates them in place as events come (app.js), so the keyboard's focus stays where it was.
'use strict';

// ---- the table of apps

function tableView() {
  const rows = new Map();
  const body = h('tbody');
  const heads = ['Name', 'State', 'Health', 'Heartbeat', 'Restarts', 'PID', 'Uptime', 'CPU', 'Memory'];
  if (!readOnly) heads.push('Actions');
  const empty = h('p', {class: 'empty', hidden: ''}, 'No apps registered. Add one with pm register SCRIPT --name NAME.');
  const el = h('section', {'aria-labelledby': 'title'},
    h('h1', {id: 'title', tabindex: '-1'}, 'Apps'),
    h('table', {class: 'procs'}, h('thead', {}, h('tr', {}, ...heads.map(t => h('th', {scope: 'col'}, t)))), body),
    empty);

  function row(name) {
    const cells = {};
    const td = (key, label, ...kids) => (cells[key] = h('td', {class: key, 'data-label': label}, ...kids));
    const cpu = meter('cpu'), mem = meter('mem'), acts = buttons(name);
    const tr = h('tr', {'data-name': name},
      h('th', {scope: 'row', class: 'name'}, h('a', {href: '#/app/' + encodeURIComponent(name)}, name)),
      td('state', 'State'), td('health', 'Health'), td('heartbeat', 'Heartbeat'), td('restarts', 'Restarts'),
      td('pid', 'PID'), td('uptime', 'Uptime'), td('cpu', 'CPU', cpu.el), td('mem', 'Memory', mem.el),
      acts && td('acts', 'Actions', acts));
    return {tr, cells, cpu, mem, acts};
  }

  function update(name) {
    const p = procs.get(name);
    let r = rows.get(name);
    if (!p) {
      if (r) { r.tr.remove(); rows.delete(name); }
      return;
    }
    if (!r) { r = row(name); rows.set(name, r); body.append(r.tr); }
    r.cells.state.replaceChildren(stateBadge(p.state));
    r.cells.state.title = p.reason || '';
    r.cells.health.replaceChildren(healthBadge(p));
    r.cells.restarts.textContent = p.restarts;
    r.cells.pid.textContent = p.pid == null ? '–' : p.pid;
    showMeters(p, r.cpu, r.mem);
    tick1(r, p);
  }

  function tick1(r, p) {
    r.cells.heartbeat.textContent = heartbeat(p);
    r.cells.uptime.textContent = uptime(p);
  }

  function all() {
    for (const name of [...rows.keys()]) if (!procs.has(name)) update(name);
    for (const name of procs.keys()) update(name);
    // In the daemon's order; rows are only moved when it changed (a moved row would lose the keyboard's focus).
    const order = [...procs.keys()].map(name => rows.get(name).tr);
    if (order.some((tr, i) => body.children[i] !== tr)) body.append(...order);
    empty.hidden = procs.size > 0;
  }

  return {el, update, all, state() {}, reload() {}, tick() { for (const [name, r] of rows) tick1(r, procs.get(name)); }, close() {}};
}

// ---- one app's page

function appView(name) {
  const path = '/api/v1/processes/' + encodeURIComponent(name);
  const facts = {};
  const fact = (key, label) => [h('dt', {}, label), (facts[key] = h('dd', {class: key}))];
  const cpu = meter('cpu'), mem = meter('mem'), acts = buttons(name);
  const spec = h('dl', {class: 'spec'});
  const history = h('tbody');
  const log = h('pre', {class: 'log', tabindex: '0', 'aria-label': 'log of ' + name});
  const seen = new Set();
  const el = h('section', {'aria-labelledby': 'title'},
    h('p', {class: 'crumbs'}, h('a', {href: '#/'}, '← all apps')),
    h('h1', {id: 'title', tabindex: '-1'}, name, ' ', h('span', {class: 'badge'})),
    acts,
    h('dl', {class: 'facts'}, ...fact('reason', 'Reason'), ...fact('pid', 'PID'), ...fact('uptime', 'Uptime'),
      ...fact('restarts', 'Restarts'), ...fact('health', 'Health'), ...fact('heartbeat', 'Heartbeat'),
      h('dt', {}, 'CPU'), h('dd', {}, cpu.el), h('dt', {}, 'Memory'), h('dd', {}, mem.el), ...fact('exit', 'Last exit')),
    h('h2', {}, 'Log (live)'), log,
    h('h2', {}, 'State history'),
    h('table', {class: 'history'}, h('thead', {}, h('tr', {}, ...['When', 'From', 'To', 'Reason'].map(t => h('th', {scope: 'col'}, t)))), history),
    h('h2', {}, 'Spec'), spec);

  function addHistory(e) {
    const key = e.at + e.from + e.to;
    if (seen.has(key)) return;
    seen.add(key);
    history.prepend(h('tr', {}, h('td', {}, new Date(e.at).toLocaleString()), h('td', {}, stateBadge(e.from)),
      h('td', {}, stateBadge(e.to)), h('td', {}, e.reason || '')));
    while (history.rows.length > 100) history.lastChild.remove();
  }

  function update(n) {
    if (n !== name) return;
    const p = procs.get(name);
    if (!p) { el.querySelector('.badge').replaceChildren(loaded ? '(not registered)' : ''); return; }
    el.querySelector('.badge').replaceChildren(stateBadge(p.state));
    facts.reason.textContent = p.reason || '–';
    facts.pid.textContent = p.pid == null ? '–' : p.pid;
    facts.restarts.textContent = p.restarts;
    facts.health.replaceChildren(healthBadge(p), p.health_detail ? ' (' + p.health_detail + ')' : '');
    facts.exit.textContent = exitText(p.last_exit);
    showMeters(p, cpu, mem);
    tick();
  }

  function tick() {
    const p = procs.get(name);
    if (!p) return;
    facts.uptime.textContent = uptime(p);
    facts.heartbeat.textContent = heartbeat(p);
  }

  // What events do not carry (the spec, the last exit) is fetched at the start, and again after the app's
  // state changes (a run ended: its exit is news) or its spec does; a burst of events makes one fetch.
  let pending = null;
  function load() {
    pending = null;
    api('GET', path).then(d => {
      spec.replaceChildren();
      for (const [k, v] of Object.entries(d.spec || {})) spec.append(h('dt', {}, k), h('dd', {}, specValue(v)));
      // The daemon's history replaces the rows events added: their times differ from it by a few ms.
      history.replaceChildren();
      seen.clear();
      d.history.forEach(addHistory);
      const s = series.get(name);
      if (s && s.cpu.length === 0) { s.cpu.push(...d.recent_cpu_percent); s.mem.push(...d.recent_memory_bytes); }
      if (procs.has(name)) procs.get(name).last_exit = d.last_exit;
      update(name);
    }, e => notice(e.message, true));
  }
  function reload(n) {
    if (n === name && !pending) pending = setTimeout(load, 300);
  }
  load();

  const tail = new EventSource(path + '/logs?follow=true&lines=100');
  tail.addEventListener('line', e => {
    const d = JSON.parse(e.data);
    const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    log.append(h('span', {class: d.stream}, h('i', {}, d.stream === 'err' ? '! ' : '  '), d.line, '\n'));
    while (log.childNodes.length > LOG_LINES) log.firstChild.remove();
    if (atEnd) log.scrollTop = log.scrollHeight;
  });

  return {el, update, all: () => update(name), tick, reload,
    state: e => { if (e.name === name) { addHistory(e); reload(name); } },
    close: () => { tail.close(); clearTimeout(pending); }};
}

function exitText(x) {
  if (!x) return '–';
  const what = x.kind === 'exited' ? 'exited with status ' + x.code : x.kind === 'signalled' ? 'killed by ' + x.signal
    : x.kind === 'failed-to-start' ? 'failed to start: ' + x.reason : 'ended while pm was not watching';
  return x.at ? what + ', ' + new Date(x.at).toLocaleString() : what;
}

function specValue(v) {
  if (v == null) return '–';
  if (Array.isArray(v)) return v.length ? v.join(' ') : '–';
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => k + '=' + x).join('\n') || '–';
  return String(v);
}
