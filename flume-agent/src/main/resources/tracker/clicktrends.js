/*
 * Clicktrends browser tracker: batches clicks and sends them to the Flume agent's HTTP source (default :41415).
 * No framework, no dependencies. Usage:
 *
 *   <script src="clicktrends.js"></script>
 *   <script>
 *     Clicktrends.init({ endpoint: "https://collector.example.com:41415/" });
 *     Clicktrends.track("product_view", { productId: "sku-42" });
 *     Clicktrends.track("search", { query: "red shoes" });
 *   </script>
 *
 * Requests are CORS "simple requests" (text/plain body): Flume's HTTPSource cannot answer a CORS preflight, so the
 * tracker never triggers one. sendBeacon is used when the page is going away (pagehide / hidden), fetch with
 * keepalive otherwise.
 *
 * Sizes: browsers refuse sendBeacon and keep-alive fetch bodies beyond 64 KiB, counted over all such requests still
 * in flight. So a request body holds at most maxBatchBytes (default 16 KiB, measured in UTF-8 bytes, not string
 * length), and several fit at once. One click whose JSON alone exceeds maxEventBytes (default 60,000 bytes) cannot
 * be sent: it is replaced by a small stand-in carrying its eventId, type and size ("_oversize"), which the agent
 * dead-letters as BODY_TOO_LARGE, so the loss is visible rather than silent.
 *
 * Delivery: every click waits in localStorage until a request carrying it is accepted: a fetch answered by the agent
 * (any HTTP response), or a request the browser has taken over as the page goes away (sendBeacon returned true, or a
 * keep-alive fetch still under way). A failed fetch (network down, the browser's quota full) is retried with a
 * growing delay (retryMs doubling up to maxRetryMs); what a leaving page could not hand over (sendBeacon refused) is
 * sent by the next page of the same site that loads the tracker. Clicks keep their eventId through every retry, so
 * a repeat can be recognised. At most maxStoredEvents clicks wait; beyond that the oldest are dropped (counted in
 * Clicktrends.stats().dropped).
 */
(function (global) {
  "use strict";
  var cfg = { endpoint: "http://localhost:41415/", maxBatch: 20, flushMs: 2000, maxBatchBytes: 16384,
    maxEventBytes: 60000, retryMs: 1000, maxRetryMs: 60000, maxStoredEvents: 1000, staleMs: 10 * 60 * 1000 };
  var PREFIX = "clicktrends.unsent.";
  var pageId = uuid();
  var queue = [];        // {e, json, bytes}: not yet in a request
  var inflight = {};     // request number -> items, sent by fetch while the page is here
  var requests = 0;
  var timer = null;
  var retryTimer = null;
  var failures = 0;
  var started = false;
  var leftPage = false;  // pagehide seen (until the page is shown again from the back-forward cache)
  var dropped = 0;
  var sessionId = null;

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = (Math.random() * 16) | 0;
      return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
    });
  }

  function session() {
    if (sessionId) return sessionId;
    try {
      sessionId = global.sessionStorage.getItem("clicktrends.sid");
      if (!sessionId) {
        sessionId = uuid();
        global.sessionStorage.setItem("clicktrends.sid", sessionId);
      }
    } catch (e) {
      sessionId = sessionId || uuid(); // storage blocked: one id per page load
    }
    return sessionId;
  }

  /** UTF-8 length of a string: what goes on the wire, not String.length (UTF-16 units). */
  function utf8Bytes(s) {
    if (global.TextEncoder) return new global.TextEncoder().encode(s).length;
    return unescape(encodeURIComponent(s)).length;
  }

  function item(e) {
    var json = JSON.stringify(e);
    var bytes = utf8Bytes(json);
    if (bytes > cfg.maxEventBytes) {
      // Cannot be sent by any request that outlives the page: send what the agent needs to dead-letter it instead.
      var stand = { eventId: e.eventId, eventTime: e.eventTime, type: e.type, sessionId: e.sessionId,
        _oversize: { bytes: bytes, limit: cfg.maxEventBytes, head: json.substring(0, 1000) } };
      json = JSON.stringify(stand);
      return { e: stand, json: json, bytes: utf8Bytes(json) };
    }
    return { e: e, json: json, bytes: bytes };
  }

  // ---- storage: this page's unsent clicks, under its own key ----

  function storage() {
    try { return global.localStorage; } catch (e) { return null; }
  }

  /**
   * Stores this page's unsent clicks. left: the page is going away (another page may take them at once).
   * handedOver: requests under way are the browser's now (keep-alive outlives the page), so they are not stored.
   */
  function persist(left, handedOver) {
    var ls = storage();
    if (!ls) return;
    var events = [];
    var k;
    if (!handedOver) for (k in inflight) if (Object.prototype.hasOwnProperty.call(inflight, k)) {
      inflight[k].forEach(function (it) { events.push(it.e); });
    }
    queue.forEach(function (it) { events.push(it.e); });
    try {
      if (events.length) {
        ls.setItem(PREFIX + pageId, JSON.stringify({ at: Date.now(), left: !!left || leftPage, events: events }));
      }
      else ls.removeItem(PREFIX + pageId);
    } catch (e) { /* quota or blocked storage: the clicks stay in memory */ }
  }

  /** Takes over what pages that are gone left unsent (they marked it on leaving, or stopped updating it). */
  function adopt() {
    var ls = storage();
    if (!ls) return;
    var keys = [];
    var i;
    for (i = 0; i < ls.length; i++) {
      var key = ls.key(i);
      if (key && key.indexOf(PREFIX) === 0 && key !== PREFIX + pageId) keys.push(key);
    }
    var known = {};
    queue.forEach(function (it) { known[it.e.eventId] = true; });
    keys.forEach(function (key) {
      var saved;
      try { saved = JSON.parse(ls.getItem(key)); } catch (e) { saved = null; }
      if (saved && !saved.left && Date.now() - saved.at < cfg.staleMs) return; // a live page's own
      ls.removeItem(key);
      ((saved && saved.events) || []).forEach(function (e) {
        if (e && !known[e.eventId]) { known[e.eventId] = true; queue.push(item(e)); }
      });
    });
    trim();
  }

  function trim() {
    var excess = queue.length - cfg.maxStoredEvents;
    if (excess > 0) { queue.splice(0, excess); dropped += excess; }
  }

  // ---- sending ----

  /** Takes the next request's worth of clicks off the queue: at most maxBatch clicks and maxBatchBytes bytes. */
  function nextBatch() {
    var batch = [];
    var bytes = 2; // [ ]
    while (queue.length && batch.length < cfg.maxBatch) {
      var add = queue[0].bytes + (batch.length ? 1 : 0);
      if (batch.length && bytes + add > cfg.maxBatchBytes) break;
      batch.push(queue.shift());
      bytes += add;
    }
    return batch;
  }

  function body(batch) {
    return "[" + batch.map(function (it) { return it.json; }).join(",") + "]";
  }

  function post(batch) {
    var n = ++requests;
    inflight[n] = batch;
    global.fetch(cfg.endpoint, { method: "POST", body: body(batch), mode: "no-cors", keepalive: true,
      headers: { "Content-Type": "text/plain" } }).then(function () {
      delete inflight[n]; // answered: the agent has the clicks (a refused body is its own 400, logged there)
      failures = 0;
      persist(false);
    }, function () {
      delete inflight[n]; // not sent: back to the front of the queue, retried later
      queue = batch.concat(queue);
      failures++;
      persist(false);
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    if (retryTimer || !queue.length) return;
    var delay = Math.min(cfg.maxRetryMs, cfg.retryMs * Math.pow(2, Math.max(0, failures - 1)));
    retryTimer = setTimeout(function () { retryTimer = null; flush("alive"); }, delay);
  }

  /** mode: "alive" (fetch), "hidden" (sendBeacon, the page may never come back) or "leaving" (pagehide). */
  function flush(mode) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (mode === "alive" && retryTimer) { persist(false); return; } // after a failure, sends wait for the retry
    var beacon = mode !== "alive" && global.navigator.sendBeacon;
    var kept = [];
    var batch;
    while ((batch = nextBatch()).length) {
      if (beacon) {
        var ok = false;
        try {
          ok = global.navigator.sendBeacon(cfg.endpoint, new Blob([body(batch)], { type: "text/plain" }));
        } catch (e) { ok = false; }
        if (!ok) kept = kept.concat(batch); // refused (the browser's quota is full): stays for later
      } else if (global.fetch) {
        post(batch);
      } else {
        kept = kept.concat(batch);
      }
    }
    queue = kept.concat(queue);
    persist(mode === "leaving", mode !== "alive");
    if (mode === "alive") scheduleRetry();
  }

  function resume() {
    persist(false);
    if (queue.length) flush("alive");
  }

  var Clicktrends = {
    /**
     * options: endpoint, maxBatch (clicks per request, default 20), maxBatchBytes (UTF-8 bytes per request body,
     * default 16384), maxEventBytes (default 60000), flushMs (default 2000), retryMs (default 1000), maxRetryMs
     * (default 60000), maxStoredEvents (default 1000), userId
     */
    init: function (options) {
      for (var k in options) if (Object.prototype.hasOwnProperty.call(options, k)) cfg[k] = options[k];
      if (!started) {
        started = true;
        global.addEventListener("pagehide", function () { leftPage = true; flush("leaving"); });
        global.addEventListener("pageshow", function (ev) {
          if (!ev.persisted) return;
          leftPage = false;
          // back from the back-forward cache: take back what is still ours (another page may have sent it)
          var ls = storage();
          var saved = null;
          try { saved = ls && JSON.parse(ls.getItem(PREFIX + pageId)); } catch (e) { saved = null; }
          queue = ((saved && saved.events) || []).map(item);
          resume();
        });
        global.document.addEventListener("visibilitychange", function () {
          if (global.document.visibilityState === "hidden") flush("hidden");
          else resume();
        });
        adopt();
        resume();
      }
      return Clicktrends;
    },
    /** type: product_view, category_view, search, add_to_cart, remove_from_cart, purchase, page_view */
    track: function (type, fields) {
      var e = { eventId: uuid(), eventTime: Date.now(), type: type, sessionId: session(),
        url: global.location.href, referrer: global.document.referrer || null };
      if (cfg.userId) e.userId = cfg.userId;
      for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k)) e[k] = fields[k];
      queue.push(item(e));
      trim();
      persist(false);
      if (queue.length >= cfg.maxBatch) flush("alive");
      else if (!timer) timer = setTimeout(function () { flush("alive"); }, cfg.flushMs);
    },
    flush: function () { flush("alive"); },
    /** What is waiting: clicks not yet in a request, clicks in requests not yet answered, clicks dropped. */
    stats: function () {
      var n = 0;
      for (var k in inflight) if (Object.prototype.hasOwnProperty.call(inflight, k)) n += inflight[k].length;
      return { queued: queue.length, inflight: n, dropped: dropped, failures: failures };
    }
  };
  global.Clicktrends = Clicktrends;
})(window);
