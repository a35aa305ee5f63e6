// Clicktrends dashboard: one WebSocket to /ws, a snapshot then updates, rendered with DOM text nodes only. Keys come
// from the public (search terms) and labels from a file: both are shown as text, never parsed as HTML.
(function () {
  'use strict';

  var KINDS = ['top', 'rising'];
  var HOUR_MS = 3600 * 1000;
  var DEFAULT_SLIDE_MS = 10000;   // the pipeline's default --windowSlide, until two windows show the real one
  var STALE_SLIDES = 3;           // a card is stale when no trend arrived for this many slides
  var MAX_BACKOFF_MS = 10000;

  var latest = {};    // dimension|kind -> Trend shown
  var previous = {};  // dimension|kind -> Trend of the window before (for rank movement and change)
  var arrived = {};   // dimension -> this page's clock (ms) when its latest trend arrived at the service
  var history = {};   // dimension -> { totals: {windowEndMs: total}, counts: {windowEndMs: {key: count}} }
  var charts = {};    // dimension -> uPlot of the window total
  var sparks = {};    // dimension|kind -> the uPlot sparklines shown (destroyed before each re-render: uPlot listens on window)
  var backoffMs = 500;
  var socket = null;
  var retryTimer = null;
  var lastMessageAt = 0;
  var silentSince = 0;  // when the last message came before the watchdog gave the socket up; 0 while all is well
  var heartbeatMs = 15000;
  var connection = document.getElementById('connection');
  var container = document.getElementById('dimensions');
  var numbers = new Intl.NumberFormat();
  var compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

  function id(dimension, kind) { return dimension + '|' + kind; }
  function kindOf(t) { return t.kind === 'rising' ? 'rising' : 'top'; }

  // An ISO-8601 UTC instant as epoch milliseconds with its fraction (up to nanoseconds): windows are compared as
  // instants, never as strings ("…:00.500Z" sorts before "…:00Z" as a string).
  function instant(iso) {
    var m = /^(.*?)(?:\.(\d+))?Z$/.exec(iso);
    if (!m) { return Date.parse(iso); }
    return Date.parse(m[1] + 'Z') + (m[2] ? Number('0.' + m[2]) * 1000 : 0);
  }

  function newer(candidate, current, orSame) {
    var a = instant(candidate.windowEnd), b = instant(current.windowEnd);
    return a > b || (a === b && (candidate.paneIndex > current.paneIndex ||
        (orSame && candidate.paneIndex === current.paneIndex)));
  }

  function pad(n, w) { n = String(n); while (n.length < (w || 2)) { n = '0' + n; } return n; }

  function utcOffset(date) {
    var off = -date.getTimezoneOffset();
    var sign = off >= 0 ? '+' : '−';
    off = Math.abs(off);
    return 'UTC' + sign + pad(Math.floor(off / 60)) + ':' + pad(off % 60);
  }

  // Local wall time, with milliseconds only when there are some.
  function localTime(ms) {
    var d = new Date(ms);
    var s = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    var frac = Math.round(ms) % 1000;
    return frac ? s + '.' + pad(frac, 3).replace(/0+$/, '') : s;
  }

  function count(n) { return numbers.format(n); }

  function seconds(ms) {
    var s = ms / 1000;
    return (s < 10 ? Math.round(s * 10) / 10 : Math.round(s)) + ' s';
  }

  function setConnection(state, text) {
    if (connection.textContent !== text) { connection.textContent = text; }
    connection.className = 'connection ' + state;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // ?dimensions=a,b: only these. The first snapshot comes before our subscribe reaches the server, so filter here too.
  var wanted = new URLSearchParams(location.search).get('dimensions');
  var wantedList = wanted ? wanted.split(',') : null;

  function shown(dimension) {
    return wantedList === null || wantedList.indexOf(dimension) >= 0;
  }

  // The window slide, as the smallest step between the window ends seen; the default until two are known.
  function slideMs(dimension) {
    var h = history[dimension];
    var ends = h ? Object.keys(h.totals).map(Number).sort(function (a, b) { return a - b; }) : [];
    var slide = Infinity;
    for (var i = 1; i < ends.length; i++) { slide = Math.min(slide, ends[i] - ends[i - 1]); }
    return slide === Infinity ? DEFAULT_SLIDE_MS : slide;
  }

  function remember(t) {
    var h = history[t.dimension] || (history[t.dimension] = { totals: {}, counts: {} });
    var end = instant(t.windowEnd);
    if (kindOf(t) === 'top') { h.totals[end] = t.total; }
    var c = h.counts[end] || (h.counts[end] = {});
    t.items.forEach(function (item) { c[item.key] = item.count; });
    var newest = Math.max.apply(null, Object.keys(h.counts).map(Number));
    Object.keys(h.counts).forEach(function (k) {
      if (Number(k) < newest - HOUR_MS) { delete h.counts[k]; delete h.totals[k]; }
    });
  }

  // Shows t (the latest of its dimension and kind); receivedLocalMs is when it reached the service, on this page's clock.
  function show(t, prev, receivedLocalMs) {
    var k = id(t.dimension, kindOf(t));
    var before = latest[k];
    if (prev) { previous[k] = prev; }
    latest[k] = t;
    arrived[t.dimension] = Math.max(arrived[t.dimension] || 0, receivedLocalMs);
    remember(t);
    render(t.dimension, before, kindOf(t));
  }

  function accept(t) {
    var k = id(t.dimension, kindOf(t));
    var cur = latest[k];
    var prev = null;
    if (cur) {
      if (!newer(t, cur, false)) { return; } // duplicate or late: never go back in time
      if (instant(t.windowEnd) > instant(cur.windowEnd)) { prev = cur; }
    }
    show(t, prev, Date.now());
  }

  function sectionFor(dimension) {
    var sid = 'dim-' + dimension.replace(/[^A-Za-z0-9_-]/g, '_');
    var s = document.getElementById(sid);
    if (s) { return s; }
    var empty = document.getElementById('empty');
    if (empty) { empty.remove(); }
    s = el('section', 'dimension');
    s.id = sid;
    s.setAttribute('data-dimension', dimension);
    s.setAttribute('aria-labelledby', sid + '-h');
    var h = el('h2', null, dimension.replace(/_/g, ' '));
    h.id = sid + '-h';
    s.appendChild(h);
    var meta = el('div', 'meta');
    meta.appendChild(el('span', 'window'));
    meta.appendChild(el('span', 'total'));
    meta.appendChild(el('span', 'delay'));
    meta.appendChild(el('span', 'freshness'));
    s.appendChild(meta);
    var chart = el('div', 'chart');
    chart.setAttribute('role', 'img');
    s.appendChild(chart);
    var lists = el('div', 'lists');
    KINDS.forEach(function (kind) {
      var col = el('div', 'col ' + kind);
      var title = el('h3', null, kind === 'top' ? 'Top' : 'Rising');
      title.id = sid + '-' + kind;
      col.appendChild(title);
      var ol = el('ol', 'items');
      ol.setAttribute('role', 'list'); // list-style: none drops list semantics in some screen readers
      ol.setAttribute('aria-labelledby', title.id);
      col.appendChild(ol);
      col.appendChild(el('p', 'muted none', kind === 'top' ? 'No trend yet.' : 'Nothing rising yet.'));
      lists.appendChild(col);
    });
    s.appendChild(lists);
    // the only live region of a card: a sentence about what changed, nothing else is announced
    var changes = el('p', 'sr-only changes');
    changes.setAttribute('aria-live', 'polite');
    s.appendChild(changes);
    // keep sections sorted by name
    var after = null;
    container.querySelectorAll('section.dimension').forEach(function (other) {
      if (!after && other.getAttribute('data-dimension') > dimension) { after = other; }
    });
    container.insertBefore(s, after);
    return s;
  }

  function movement(key, rank, prev) {
    if (!prev) { return { cls: 'same', text: '', alt: '' }; }
    for (var i = 0; i < prev.items.length; i++) {
      if (prev.items[i].key === key) {
        var d = (i + 1) - rank;
        if (d > 0) { return { cls: 'up', text: '▲' + d, alt: 'up ' + d + (d === 1 ? ' place' : ' places') }; }
        if (d < 0) { return { cls: 'down', text: '▼' + (-d), alt: 'down ' + (-d) + (d === -1 ? ' place' : ' places') }; }
        return { cls: 'same', text: '–', alt: 'same place' };
      }
    }
    return { cls: 'new', text: 'new', alt: 'new in the list' };
  }

  function previousCount(key, prev) {
    if (!prev) { return null; }
    for (var i = 0; i < prev.items.length; i++) {
      if (prev.items[i].key === key) { return prev.items[i].count; }
    }
    return null;
  }

  function signed(n) { return (n > 0 ? '+' : n < 0 ? '−' : '±') + count(Math.abs(n)); }

  function sparkline(dimension, key, made) {
    var span = el('span', 'spark');
    var h = history[dimension];
    var ends = Object.keys(h.counts).map(Number).sort(function (a, b) { return a - b; });
    var ys = ends.map(function (e) { var c = h.counts[e][key]; return c === undefined ? null : c; });
    var known = ys.filter(function (y) { return y !== null; });
    span.setAttribute('role', 'img');
    span.setAttribute('aria-label', known.length > 1
        ? 'count over the last hour: ' + known.map(count).join(', ')
        : 'no history yet');
    if (known.length > 1 && window.uPlot) {
      made.push(new window.uPlot({
        width: 64, height: 18, pxAlign: false, cursor: { show: false }, legend: { show: false },
        scales: { x: { time: false } }, axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: '#2160a0', width: 1, spanGaps: true, points: { show: false } }]
      }, [ends, ys], span));
    }
    return span;
  }

  function renderList(s, dimension, kind) {
    var t = latest[id(dimension, kind)];
    var col = s.querySelector('.col.' + kind);
    var list = col.querySelector('ol.items');
    col.querySelector('.none').hidden = !!(t && t.items.length);
    if (!t) { return; }
    var prev = previous[id(dimension, kind)];
    var max = t.items.length ? t.items[0].count : 1;
    var rows = document.createDocumentFragment();
    (sparks[id(dimension, kind)] || []).forEach(function (u) { u.destroy(); });
    var made = sparks[id(dimension, kind)] = [];
    t.items.forEach(function (item, i) {
      var li = el('li');
      li.setAttribute('data-key', item.key);
      li.appendChild(el('span', 'rank', String(i + 1)));
      var mv = movement(item.key, i + 1, prev);
      var move = el('span', 'move ' + mv.cls, mv.text);
      if (mv.alt) {
        move.setAttribute('role', 'img');
        move.setAttribute('aria-label', mv.alt);
        move.title = mv.alt;
      }
      li.appendChild(move);
      var cell = el('span', 'item');
      var bar = el('span', 'bar');
      bar.style.width = Math.max(2, Math.round(100 * item.count / max)) + '%';
      cell.appendChild(bar);
      var hasLabel = typeof item.label === 'string' && item.label !== '';
      cell.appendChild(el('span', 'key', hasLabel ? item.label : item.key)); // textContent: shown, never parsed
      if (hasLabel) { cell.appendChild(el('span', 'rawkey', item.key)); }
      cell.title = hasLabel ? item.label + ' (' + item.key + ')' : item.key;
      li.appendChild(cell);
      li.appendChild(sparkline(dimension, item.key, made));
      var c = el('span', 'count', count(item.count));
      var change;
      if (kind === 'rising' && typeof item.previous === 'number') {
        change = el('span', 'change', 'from ' + count(item.previous));
        if (typeof item.score === 'number') { change.title = 'score ' + item.score.toFixed(1); }
      } else {
        var p = previousCount(item.key, prev);
        change = el('span', 'change', p === null ? (prev ? 'new' : '') : signed(item.count - p));
      }
      li.appendChild(c);
      li.appendChild(change);
      rows.appendChild(li);
    });
    list.replaceChildren(rows);
  }

  function renderChart(s, dimension) {
    var h = history[dimension];
    var ends = Object.keys(h.totals).map(Number).sort(function (a, b) { return a - b; });
    var totals = ends.map(function (e) { return h.totals[e]; });
    var box = s.querySelector('.chart');
    box.setAttribute('aria-label', 'window total over the last hour: ' +
        (ends.length ? count(totals[0]) + ' to ' + count(totals[totals.length - 1]) + ' events, ' + ends.length + ' windows'
            : 'no data yet'));
    if (!window.uPlot) { return; }
    var data = [ends.map(function (e) { return e / 1000; }), totals];
    if (!charts[dimension]) {
      charts[dimension] = new window.uPlot({
        width: Math.max(200, box.clientWidth || 500), height: 80, legend: { show: false }, cursor: { show: false },
        axes: [{ size: 24, font: '10px system-ui', stroke: '#595968' },
               { size: 48, font: '10px system-ui', stroke: '#595968',
                 values: function (u, vals) { return vals.map(function (v) { return compact.format(v); }); } }],
        series: [{}, { label: 'window total', stroke: '#2160a0', width: 1.5, fill: 'rgba(33,96,160,0.08)' }]
      }, data, box);
    } else {
      charts[dimension].setData(data);
    }
  }

  function render(dimension, before, kind) {
    var s = sectionFor(dimension);
    var top = latest[id(dimension, 'top')];
    var any = top || latest[id(dimension, 'rising')];
    var w = s.querySelector('.window');
    var zone = utcOffset(new Date(instant(any.windowEnd)));
    w.textContent = localTime(instant(any.windowStart)) + '–' + localTime(instant(any.windowEnd)) + ' ' + zone + ' · ' +
        any.timing.toLowerCase() + (any.paneIndex > 0 ? ' #' + any.paneIndex : '');
    w.title = any.windowStart + ' to ' + any.windowEnd + ' (UTC)';
    s.querySelector('.total').textContent = top ? count(top.total) + ' events' : '';
    if (any.receivedAt) {
      s.querySelector('.delay').textContent = 'delay ' + seconds(instant(any.receivedAt) - instant(any.windowEnd));
      s.querySelector('.delay').title = 'end-to-end delay: arrival at the fan-out service minus the window end';
    }
    renderList(s, dimension, 'top');
    renderList(s, dimension, 'rising');
    renderChart(s, dimension);
    freshness(dimension);
    var t = latest[id(dimension, kind)];
    if (before && t.items.length && (!before.items.length || before.items[0].key !== t.items[0].key)) {
      var first = t.items[0];
      s.querySelector('.changes').textContent = dimension.replace(/_/g, ' ') + ', ' + (kind === 'top' ? 'top' : 'rising') +
          ': ' + (first.label || first.key) + ' now first';
    }
  }

  function freshness(dimension) {
    var s = document.getElementById('dim-' + dimension.replace(/[^A-Za-z0-9_-]/g, '_'));
    if (!s || !arrived[dimension]) { return; }
    var age = Math.max(0, Date.now() - arrived[dimension]);
    var stale = age > STALE_SLIDES * slideMs(dimension);
    var f = s.querySelector('.freshness');
    var text = (stale ? 'stale · ' : '') + 'updated ' + Math.floor(age / 1000) + ' s ago';
    if (f.textContent !== text) { f.textContent = text; }
    f.classList.toggle('stale', stale);
    s.classList.toggle('stale', stale);
  }

  function onSnapshot(m) {
    var serverSkew = m.serverTime ? Date.now() - instant(m.serverTime) : 0;
    if (m.heartbeatSeconds) { heartbeatMs = m.heartbeatSeconds * 1000; }
    var previousInSnapshot = {};
    (m.previous || []).forEach(function (t) { previousInSnapshot[id(t.dimension, kindOf(t))] = t; });
    m.trends.forEach(function (t) {
      if (!shown(t.dimension)) { return; }
      var k = id(t.dimension, kindOf(t));
      var cur = latest[k];
      if (cur && !newer(t, cur, true)) {
        return; // older than what is shown (e.g. a lagging instance): keep ours, and our previous
      }
      // The window before the snapshot's latest; a page that missed windows while away must not compare with
      // the last one it showed.
      var prev = previousInSnapshot[k] || (cur && instant(t.windowEnd) > instant(cur.windowEnd) ? cur : null);
      if (prev && prev !== cur) { remember(prev); }
      show(t, prev, t.receivedAt ? instant(t.receivedAt) + serverSkew : Date.now());
    });
  }

  function onMessage(event) {
    lastMessageAt = Date.now();
    var m;
    try { m = JSON.parse(event.data); } catch (e) { return; }
    if (m.type === 'snapshot') {
      onSnapshot(m);
    } else if (m.type === 'trend' && shown(m.trend.dimension)) {
      accept(m.trend);
    }
  }

  // After a silence the badge says so until a socket opens again, whatever the attempts in between show.
  function showSilent() {
    setConnection('silent', 'no data for ' + Math.floor((Date.now() - silentSince) / 1000) + ' s · reconnecting');
  }

  function scheduleReconnect() {
    var wait = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    if (silentSince) {
      showSilent();
    } else {
      setConnection('down', 'disconnected · retrying in ' + Math.round(wait / 100) / 10 + ' s');
    }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, wait + Math.random() * 250);
  }

  function abandon(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try { ws.close(); } catch (e) { /* already closed */ }
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (socket) { abandon(socket); }
    var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    var ws = new WebSocket(scheme + location.host + '/ws');
    socket = ws;
    if (silentSince) {
      showSilent();
    } else {
      setConnection('connecting', 'connecting…');
    }
    ws.onopen = function () {
      backoffMs = 500;
      silentSince = 0;
      lastMessageAt = Date.now();
      setConnection('live', 'live');
      if (wantedList) {
        ws.send(JSON.stringify({ type: 'subscribe', dimensions: wantedList }));
      }
    };
    ws.onmessage = onMessage;
    ws.onclose = function () {
      if (socket === ws) { socket = null; }
      scheduleReconnect();
    };
  }

  // Reconnect at once when the network returns or the page is shown again, instead of waiting out the backoff.
  function reconnectNow() {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      backoffMs = 500;
      connect();
    }
  }
  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { reconnectNow(); }
  });

  // Once a second: "updated N s ago" and stale cards; and the watchdog. The service sends a heartbeat every
  // heartbeatSeconds: a socket silent for 2.5 of them is dead even if it was never closed (a vanished server or
  // network), so the badge leaves "live" and the page connects anew.
  setInterval(function () {
    Object.keys(arrived).forEach(freshness);
    if (socket && socket.readyState === WebSocket.OPEN && Date.now() - lastMessageAt > 2.5 * heartbeatMs) {
      silentSince = lastMessageAt;
      var dead = socket;
      socket = null;
      abandon(dead);
      scheduleReconnect();
    } else if (silentSince) {
      showSilent();
    }
  }, 1000);

  document.getElementById('timezone').textContent = 'Times in local time, ' + utcOffset(new Date());
  connect();
})();
