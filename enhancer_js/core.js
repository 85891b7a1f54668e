/*
 * core.js: the enhancer's namespace, its configuration and the one way out to the recorder.
 *
 * The recorder injects, into every frame and before any page script runs:
 *   1. a one-line JSON prelude: window.__IELTS_RECORDER_CONFIG__ = {...};
 *   2. core.js, ids.js, widgets.js, collect.js, key.js, enhancer.js, opener.js, in that order.
 * Each file only adds functions to the namespace; enhancer.js starts the work, once per document.
 *
 * Only the enhancer may speak the protocol. Before any page script runs, this file takes the
 * recorder's binding and the configuration off the page's globals and keeps them, with the
 * session's secret, in this closure: every message carries the secret, which no page script can
 * read, and the one function that sends is handed once to enhancer.js (NS.takeSender). Calls from
 * the recorder (window.__ieltsRecorder.receive/greet) must carry the secret too (NS.proven).
 *
 * The enhancer must not depend on what a page does to built-ins (Prototype.js defines
 * Array.prototype.toJSON; pages replace JSON.stringify or break Array.prototype.map): the
 * built-ins are taken as they are before page scripts run, and every entry into the enhancer
 * runs with them put back for its duration (NS.guard).
 */
(function () {
  'use strict';
  var NS = (window.__ieltsRecorderNS = window.__ieltsRecorderNS || {});
  if (NS.coreLoaded) return; // twice-injected: the first one holds the binding
  NS.coreLoaded = true;
  var config = window.__IELTS_RECORDER_CONFIG__ || {};
  try {
    delete window.__IELTS_RECORDER_CONFIG__;
  } catch (err) {
    window.__IELTS_RECORDER_CONFIG__ = undefined;
  }
  var secret = typeof config.secret === 'string' ? config.secret : '';
  var bindingName = config.binding || '__ieltsRecorderSend';
  var binding = typeof window[bindingName] === 'function' ? window[bindingName] : null;
  if (binding) {
    try {
      delete window[bindingName];
    } catch (err) {
      /* a binding that cannot be removed still needs the secret to be believed */
    }
  }

  // Whether a call from outside comes from the recorder (without a configured secret, as in
  // the benchmarks, every call does).
  NS.proven = function (proof) {
    return secret === '' || proof === secret;
  };

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

  // The enhancer's own listeners on the document and its window. A page that writes itself
  // anew after load (document.open, then write) erases every listener of both (HTML, "document
  // open steps"), and answers typed after it went unrecorded: they are added again at once.
  var ownListeners = [];
  NS.listen = function (target, type, fn, opts) {
    ownListeners.push([target, type, fn, opts]);
    listen.call(target, type, fn, opts);
  };
  var openDocument = Document.prototype.open;
  if (!openDocument.__ieltsWrapped) {
    var wrappedOpen = function () {
      var result = openDocument.apply(this, arguments);
      if (this === document && arguments.length < 3) { // three arguments: window.open's form
        ownListeners.forEach(function (l) { listen.call(l[0], l[1], l[2], l[3]); });
      }
      return result;
    };
    wrappedOpen.__ieltsWrapped = true;
    Document.prototype.open = wrappedOpen;
  }

  NS.hasBinding = function () {
    return !!binding;
  };

  // Send one envelope as one JSON string, with the secret. Returns false when there is no
  // recorder to talk to (the page was opened on its own) so callers can carry on unchanged.
  var post = function (envelope) {
    if (!binding) return false;
    try {
      var result = binding(NS.docToken, NS.json(envelope), secret);
      if (result && typeof result.catch === 'function') result.catch(function () {});
      return true;
    } catch (err) {
      return false;
    }
  };

  // The sending function, once: enhancer.js takes it as it loads, before any page script.
  NS.takeSender = function () {
    var taken = post;
    post = null;
    return taken ? NS.guard(taken) : null;
  };

  // ---------------------------------------------------------------- built-ins as they were
  var ARRAY_METHODS = ['map', 'forEach', 'filter', 'some', 'every', 'indexOf', 'concat', 'slice',
    'join', 'push', 'reduce', 'sort', 'splice', 'reverse', 'lastIndexOf'];
  var STRING_METHODS = ['trim', 'replace', 'split', 'slice', 'indexOf', 'toLowerCase',
    'toUpperCase', 'charCodeAt', 'match', 'substring', 'lastIndexOf'];
  var saved = [];
  function keep(owner, name) {
    var desc = Object.getOwnPropertyDescriptor(owner, name);
    saved.push({ owner: owner, name: name, desc: desc });
  }
  ARRAY_METHODS.forEach(function (name) { keep(Array.prototype, name); });
  STRING_METHODS.forEach(function (name) { keep(String.prototype, name); });
  ['keys', 'assign'].forEach(function (name) { keep(Object, name); });
  keep(Array, 'isArray');
  keep(JSON, 'stringify');
  keep(JSON, 'parse');
  // toJSON a page adds (Prototype.js) changes what JSON.stringify makes of every array
  [Array.prototype, Object.prototype, String.prototype, Number.prototype, Boolean.prototype]
    .forEach(function (proto) { keep(proto, 'toJSON'); });

  function sameDesc(a, b) {
    if (!a || !b) return a === b;
    return a.value === b.value && a.get === b.get && a.set === b.set;
  }

  // Put the built-ins back as they were; returns what undoes it (the page's versions again).
  function pristine() {
    var changed = [];
    for (var i = 0; i < saved.length; i++) {
      var item = saved[i];
      var now = Object.getOwnPropertyDescriptor(item.owner, item.name);
      if (sameDesc(now, item.desc)) continue;
      try {
        if (item.desc) Object.defineProperty(item.owner, item.name, item.desc);
        else delete item.owner[item.name];
        changed.push({ owner: item.owner, name: item.name, desc: now });
      } catch (err) {
        /* frozen by the page: left as it is */
      }
    }
    return function () {
      for (var j = changed.length - 1; j >= 0; j--) {
        var c = changed[j];
        try {
          if (c.desc) Object.defineProperty(c.owner, c.name, c.desc);
          else delete c.owner[c.name];
        } catch (err) {
          /* nothing more to do */
        }
      }
    };
  }

  // `fn`, run with the built-ins as they were before page scripts (nested calls undo once).
  var depth = 0;
  NS.guard = function (fn) {
    return function () {
      if (depth > 0) return fn.apply(this, arguments);
      depth++;
      var undo = pristine();
      try {
        return fn.apply(this, arguments);
      } finally {
        depth--;
        undo();
      }
    };
  };

  // Timers and observers as they were, entered through the guard.
  var setTimeoutPristine = window.setTimeout;
  var setIntervalPristine = window.setInterval;
  NS.later = function (fn, ms) {
    return setTimeoutPristine.call(window, NS.guard(fn), ms);
  };
  NS.every = function (fn, ms) {
    return setIntervalPristine.call(window, NS.guard(fn), ms);
  };
})();
