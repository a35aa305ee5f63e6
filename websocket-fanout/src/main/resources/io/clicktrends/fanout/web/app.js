// Clicktrends dashboard: one WebSocket to /ws, a snapshot then updates, rendered with DOM text nodes
// only. Keys come from the public (search terms): they are never parsed as HTML.
(function () {
  'use strict';

  var latest = {};    // dimension -> Trend shown
  var previous = {};  // dimension -> Trend of the window before (for rank movement)
  var backoffMs = 500;
  var MAX_BACKOFF_MS = 10000;
  var connection = document.getElementById('connection');
  var container = document.getElementById('dimensions');

  function setConnection(state, text) {
    connection.className = 'connection ' + state;
    connection.textContent = text;
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

  function time(iso) {
    return iso.substring(11, 19);
  }

  function accept(trend) {
    var cur = latest[trend.dimension];
    if (cur) {
      var newer = trend.windowEnd > cur.windowEnd ||
          (trend.windowEnd === cur.windowEnd && trend.paneIndex > cur.paneIndex);
      if (!newer) { return; } // duplicate or late: never go back in time
      if (trend.windowEnd > cur.windowEnd) { previous[trend.dimension] = cur; }
    }
    latest[trend.dimension] = trend;
    render(trend.dimension);
  }

  function sectionFor(dimension) {
    var id = 'dim-' + dimension.replace(/[^A-Za-z0-9_-]/g, '_');
    var s = document.getElementById(id);
    if (!s) {
      var empty = document.getElementById('empty');
      if (empty) { empty.remove(); }
      s = el('section', 'dimension');
      s.id = id;
      s.setAttribute('data-dimension', dimension);
      s.appendChild(el('h2', null, dimension.replace(/_/g, ' ')));
      s.appendChild(el('div', 'window'));
      s.appendChild(el('ol', 'items'));
      // keep sections sorted by name
      var after = null;
      container.querySelectorAll('section.dimension').forEach(function (other) {
        if (!after && other.getAttribute('data-dimension') > dimension) { after = other; }
      });
      container.insertBefore(s, after);
    }
    return s;
  }

  function movement(key, rank, prev) {
    if (!prev) { return { cls: 'same', text: '' }; }
    for (var i = 0; i < prev.items.length; i++) {
      if (prev.items[i].key === key) {
        var d = (i + 1) - rank;
        if (d > 0) { return { cls: 'up', text: '▲' + d }; }
        if (d < 0) { return { cls: 'down', text: '▼' + (-d) }; }
        return { cls: 'same', text: '–' };
      }
    }
    return { cls: 'new', text: 'new' };
  }

  function render(dimension) {
    var t = latest[dimension];
    var s = sectionFor(dimension);
    s.querySelector('.window').textContent = time(t.windowStart) + '–' + time(t.windowEnd) + ' UTC · ' +
        t.timing.toLowerCase() + (t.paneIndex > 0 ? ' #' + t.paneIndex : '') + ' · ' + t.total + ' events';
    s.querySelector('.window').title = t.windowStart + ' to ' + t.windowEnd;
    var list = s.querySelector('ol.items');
    var max = t.items.length ? t.items[0].count : 1;
    var rows = document.createDocumentFragment();
    t.items.forEach(function (item, i) {
      var li = el('li');
      var mv = movement(item.key, i + 1, previous[dimension]);
      li.appendChild(el('span', 'rank', String(i + 1)));
      li.appendChild(el('span', 'move ' + mv.cls, mv.text));
      var cell = el('span', 'item');
      var bar = el('span', 'bar');
      bar.style.width = Math.max(2, Math.round(100 * item.count / max)) + '%';
      cell.appendChild(bar);
      cell.appendChild(el('span', 'key', item.key)); // textContent: shown, never parsed
      cell.title = item.key;
      li.appendChild(cell);
      li.appendChild(el('span', 'count', String(item.count)));
      rows.appendChild(li);
    });
    list.replaceChildren(rows);
  }

  function onMessage(event) {
    var m;
    try { m = JSON.parse(event.data); } catch (e) { return; }
    if (m.type === 'snapshot') {
      var previousInSnapshot = {};
      (m.previous || []).forEach(function (t) { previousInSnapshot[t.dimension] = t; });
      m.trends.forEach(function (t) {
        if (!shown(t.dimension)) { return; }
        var cur = latest[t.dimension];
        if (cur && !(t.windowEnd > cur.windowEnd || (t.windowEnd === cur.windowEnd && t.paneIndex >= cur.paneIndex))) {
          return; // older than what is shown (e.g. a lagging instance): keep ours, and our previous
        }
        // The window before the snapshot's latest; a page that missed windows while away must not compare with
        // the last one it showed.
        if (previousInSnapshot[t.dimension]) {
          previous[t.dimension] = previousInSnapshot[t.dimension];
        } else if (cur && t.windowEnd > cur.windowEnd) {
          previous[t.dimension] = cur;
        }
        latest[t.dimension] = t;
        render(t.dimension);
      });
    } else if (m.type === 'trend' && shown(m.trend.dimension)) {
      accept(m.trend);
    }
  }

  function connect() {
    var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    var ws = new WebSocket(scheme + location.host + '/ws');
    setConnection('connecting', 'connecting…');
    ws.onopen = function () {
      backoffMs = 500;
      setConnection('live', 'live');
      if (wantedList) {
        ws.send(JSON.stringify({ type: 'subscribe', dimensions: wantedList }));
      }
    };
    ws.onmessage = onMessage;
    ws.onclose = function () {
      var wait = backoffMs;
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      setConnection('down', 'disconnected · retrying in ' + Math.round(wait / 100) / 10 + ' s');
      setTimeout(connect, wait + Math.random() * 250);
    };
  }

  connect();
})();
