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
 */
(function (global) {
  "use strict";
  var cfg = { endpoint: "http://localhost:41415/", maxBatch: 20, flushMs: 2000 };
  var queue = [];
  var timer = null;
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

  function send(batch, leaving) {
    var body = JSON.stringify(batch);
    var blob = new Blob([body], { type: "text/plain" });
    if (leaving && global.navigator.sendBeacon && global.navigator.sendBeacon(cfg.endpoint, blob)) return;
    if (global.fetch) {
      global.fetch(cfg.endpoint, { method: "POST", body: body, mode: "no-cors", keepalive: true,
        headers: { "Content-Type": "text/plain" } }).catch(function () { /* best effort */ });
    } else if (global.navigator.sendBeacon) {
      global.navigator.sendBeacon(cfg.endpoint, blob);
    }
  }

  function flush(leaving) {
    if (timer) { clearTimeout(timer); timer = null; }
    while (queue.length) send(queue.splice(0, cfg.maxBatch), leaving);
  }

  var Clicktrends = {
    /** options: endpoint, maxBatch (events per request, default 20), flushMs (default 2000), userId */
    init: function (options) {
      for (var k in options) if (Object.prototype.hasOwnProperty.call(options, k)) cfg[k] = options[k];
      global.addEventListener("pagehide", function () { flush(true); });
      global.document.addEventListener("visibilitychange", function () {
        if (global.document.visibilityState === "hidden") flush(true);
      });
      return Clicktrends;
    },
    /** type: product_view, category_view, search, add_to_cart, remove_from_cart, purchase, page_view */
    track: function (type, fields) {
      var e = { eventId: uuid(), eventTime: Date.now(), type: type, sessionId: session(),
        url: global.location.href, referrer: global.document.referrer || null };
      if (cfg.userId) e.userId = cfg.userId;
      for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k)) e[k] = fields[k];
      queue.push(e);
      if (queue.length >= cfg.maxBatch) flush(false);
      else if (!timer) timer = setTimeout(function () { flush(false); }, cfg.flushMs);
    },
    flush: function () { flush(false); }
  };
  global.Clicktrends = Clicktrends;
})(window);
