/**
 * The page's script (plain ES2017, no build step, no dependency). It polls `state.json` and
 * renders with `textContent` and SVG elements only: nothing it receives is parsed as HTML, so a
 * key (or, with `showValues`, a value) such as `<script>` shows as text.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var root = document.getElementById('tc');
  var base = root.getAttribute('data-base');
  var refreshMs = Number(root.getAttribute('data-refresh'));
  var SVG = 'http://www.w3.org/2000/svg';
  var showValues = root.getAttribute('data-values') === '1';

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function fmt(n) { return n === null || n === undefined ? '–' : String(n); }
  function ratio(h, m) { return h + m === 0 ? '–' : (100 * h / (h + m)).toFixed(1) + ' %'; }
  function fill(id, rows, cells) {
    var body = document.getElementById(id);
    body.textContent = '';
    if (rows.length === 0) {
      var tr = el('tr');
      var td = el('td', 'nothing yet', 'empty');
      td.colSpan = body.parentNode.querySelectorAll('th').length;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (row) {
      var tr = el('tr');
      cells(row).forEach(function (cell) {
        var td;
        if (cell && cell.node) {
          td = el('td');
          td.appendChild(cell.node);
        } else {
          td = el('td', cell && cell.text !== undefined ? cell.text : cell);
          if (cell && cell.cls) td.className = cell.cls;
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function chart(points, bucketMs) {
    var svg = document.getElementById('chart');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var w = 600, h = 160, n = Math.max(points.length, 2), bw = w / n;
    var max = 1, hits = 0, misses = 0;
    points.forEach(function (p) { max = Math.max(max, p.hits + p.stale + p.misses); hits += p.hits + p.stale; misses += p.misses; });
    var line = [];
    points.forEach(function (p, i) {
      var total = p.hits + p.stale + p.misses;
      var x = i * bw;
      var bar = document.createElementNS(SVG, 'rect');
      var bh = total / max * (h - 20);
      bar.setAttribute('x', String(x + 1));
      bar.setAttribute('y', String(h - bh));
      bar.setAttribute('width', String(Math.max(bw - 2, 1)));
      bar.setAttribute('height', String(bh));
      bar.setAttribute('class', 'bar');
      var title = document.createElementNS(SVG, 'title');
      title.textContent = new Date(p.at).toLocaleTimeString() + ': ' + total + ' reads, hit ratio ' + ratio(p.hits + p.stale, p.misses);
      bar.appendChild(title);
      svg.appendChild(bar);
      if (total > 0) line.push((x + bw / 2).toFixed(1) + ',' + (h - (p.hits + p.stale) / total * (h - 20)).toFixed(1));
    });
    if (line.length > 0) {
      var pl = document.createElementNS(SVG, 'polyline');
      pl.setAttribute('points', line.join(' '));
      pl.setAttribute('class', 'ratio');
      svg.appendChild(pl);
    }
    svg.setAttribute('data-reads', String(hits + misses));
    svg.setAttribute('aria-label', 'Hit ratio over the last ' + Math.round(points.length * bucketMs / 60000) + ' minutes: ' + ratio(hits, misses) + ' of ' + (hits + misses) + ' reads');
    document.getElementById('ratio').textContent = ratio(hits, misses);
    document.getElementById('reads').textContent = String(hits + misses);
  }

  function sourceRows(id, rows) {
    fill(id, rows, function (r) {
      return [r.cache, r.name, r.hits, r.stale, r.misses, ratio(r.hits + r.stale, r.misses), r.loads, fmt(r.meanLoadMs)];
    });
  }

  function render(s) {
    chart(s.timeline, s.bucketMs);
    fill('backends', s.backends, function (b) {
      return [b.cache, b.backend, { text: b.healthy ? 'healthy' : 'down', cls: b.healthy ? 'ok' : 'bad' },
        { text: b.circuit, cls: b.circuit === 'closed' ? 'ok' : 'bad' }, fmt(b.latencyMs), fmt(b.meanCallMs), b.calls,
        fmt(b.entries), b.bytes === null ? '–' : (b.bytes / 1024).toFixed(1) + ' KiB', b.error || ''];
    });
    sourceRows('routes', s.routes);
    sourceRows('models', s.models);
    sourceRows('others', s.others);
    fill('invalidations', s.invalidations, function (i) {
      return [new Date(i.at).toLocaleTimeString(), i.cache, i.origin, i.detail, i.tags.join(', ') + (i.more > 0 ? ' (+' + i.more + ')' : '')];
    });
    fill('purges', s.purges, function (p) {
      return [new Date(p.at).toLocaleTimeString(), p.cache, p.purger, { text: p.ok ? 'purged' : p.error, cls: p.ok ? 'ok' : 'bad' },
        p.all ? '(everything)' : p.tags.join(', ') + (p.more > 0 ? ' (+' + p.more + ')' : ''), p.attempts];
    });
    fill('hotkeys', s.hotKeys, function (k) {
      if (!showValues) return [k.cache, k.key, k.count];
      var button = el('button', 'show');
      button.type = 'button';
      button.addEventListener('click', function () { lookup(k.cache, k.key); });
      return [k.cache, k.key, k.count, { node: button }];
    });
    document.getElementById('updated').textContent = new Date(s.at).toLocaleTimeString();
  }

  var timer;
  function poll() {
    clearTimeout(timer);
    fetch(base + '/state.json', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (s) { render(s); document.getElementById('live').textContent = 'live'; })
      .catch(function (e) { document.getElementById('live').textContent = 'offline (' + e.message + ')'; })
      .then(function () { timer = setTimeout(poll, refreshMs); });
  }

  // The value preview, as text: the server's bounded rendering and the entry's facts.
  function showValue(v) {
    var pre = document.getElementById('value');
    if (!pre) return;
    if (!v) { pre.textContent = ''; return; }
    var t = function (ms) { return new Date(ms).toLocaleString(); };
    pre.textContent = v.key + ' (' + v.cache + ') · ' + v.state + ' · ' + v.type +
      ' · stored ' + t(v.createdAt) + ' · fresh until ' + t(v.freshUntil) +
      (v.staleUntil > v.freshUntil ? ' · stale until ' + t(v.staleUntil) : '') +
      (v.tags.length ? '\ntags: ' + v.tags.join(', ') : '') + '\n\n' + v.preview +
      (v.truncated ? '\n… (cut: longer than ' + v.preview.length + ' characters)' : '');
  }

  function send(form) {
    var status = document.getElementById('status');
    var isLookup = form.id === 'lookup';
    fetch(form.action, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: 'same-origin',
    })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        status.textContent = answer.message; status.className = answer.ok ? 'ok' : 'bad';
        if (isLookup) showValue(answer.value); else poll();
      })
      .catch(function (e) { status.textContent = e.message; status.className = 'bad'; });
  }

  function lookup(cache, key) {
    var form = document.getElementById('lookup');
    form.elements.cache.value = cache;
    form.elements.key.value = key;
    send(form);
  }

  Array.prototype.forEach.call(document.querySelectorAll('form.action'), function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      send(form);
    });
  });
  poll();
})();
`;
