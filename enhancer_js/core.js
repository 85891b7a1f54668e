/*
 * core.js: the enhancer's namespace, its configuration and the one way out to the recorder.
 *
 * The recorder injects, into every frame and before any page script runs:
 *   1. a one-line JSON prelude: window.__IELTS_RECORDER_CONFIG__ = {...};
 *   2. core.js, ids.js, widgets.js, collect.js, key.js, enhancer.js, opener.js, in that order.
 * Each file only adds functions to the namespace; enhancer.js starts the work, once per document.
 */
(function () {
  'use strict';
  var NS = (window.__ieltsRecorderNS = window.__ieltsRecorderNS || {});
  var config = window.__IELTS_RECORDER_CONFIG__ || {};

  NS.config = {
    binding: config.binding || '__ieltsRecorderSend',
    version: config.version || '0',
    progressThrottleMs: config.progressThrottleMs || 100,
    heartbeatMs: config.heartbeatMs || 15000,
    openerShim: config.openerShim !== false,
    payloadWaitMs: config.payloadWaitMs || 500,
    // After a DOM change, how long to wait before looking at the questions again.
    rescanMs: config.rescanMs || 150,
    quietMs: config.quietMs || 20,
  };

  // One token per document, so the recorder can keep the order of each document's messages
  // apart from a reloaded page's or a popup's.
  NS.docToken = Math.random().toString(36).slice(2) + Date.now().toString(36);

  NS.now = function () {
    return Date.now();
  };

  // JSON text as the enhancer found it, before any page script could replace JSON.stringify.
  var stringify = JSON.stringify;
  NS.json = function (value) {
    return stringify.call(JSON, value);
  };

  // Text cut to at most `max` characters without splitting a surrogate pair (an emoji cut in
  // half is not valid JSON text for the recorder).
  NS.cut = function (text, max) {
    var s = String(text);
    if (s.length <= max) return s;
    var end = max;
    var code = s.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
    return s.slice(0, end);
  };

  // Elements the page gives a drop listener, seen as it adds them: a drop zone is recognised
  // by what it does, whatever its class. The page's own call goes through unchanged.
  NS.dropTargets = typeof Set === 'function' ? new Set() : null;
  var listen = EventTarget.prototype.addEventListener;
  if (NS.dropTargets && !listen.__ieltsWrapped) {
    var wrapped = function (type, fn, opts) {
      if ((type === 'drop' || type === 'dragover') && this && this.nodeType === 1 &&
          this !== document.body && this !== document.documentElement) {
        NS.dropTargets.add(this);
      }
      return listen.call(this, type, fn, opts);
    };
    wrapped.__ieltsWrapped = true;
    EventTarget.prototype.addEventListener = wrapped;
  }

  NS.hasBinding = function () {
    return typeof window[NS.config.binding] === 'function';
  };

  // Send one envelope as one JSON string. Returns false when there is no recorder to talk to
  // (the page was opened on its own) so callers can carry on unchanged.
  NS.post = function (envelope) {
    if (!NS.hasBinding()) return false;
    try {
      var result = window[NS.config.binding](NS.docToken, NS.json(envelope));
      if (result && typeof result.catch === 'function') result.catch(function () {});
      return true;
    } catch (err) {
      return false;
    }
  };
})();
