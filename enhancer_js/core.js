/*
 * core.js: the enhancer's namespace, its configuration and the one way out to the recorder.
 *
 * The recorder injects, into every frame and before any page script runs:
 *   1. a one-line JSON prelude: window.__IELTS_RECORDER_CONFIG__ = {...};
 *   2. the files recorder/enhancer.py lists (ENHANCER_FILES), core.js first, in that order,
 *      all in the frame of document.js.
 * Each file only adds functions to the namespace; enhancer.js starts the work, once per document.
 *
 * Only the enhancer may speak the protocol. Before any page script runs, this file takes the
 * recorder's binding and the configuration off the page's globals and keeps them, with the
 * session's secret, in this closure. The secret never leaves it: every message carries an
 * HMAC-SHA-256 signature of its text made with the secret, the one function that sends is handed
 * once to enhancer.js (NS.takeSender), and calls from the recorder
 * (window.__ieltsRecorder.receive/greet/offerScript) carry a signature of what they bring
 * (NS.proven). Playwright's plumbing in the page is page-visible JS that a page script can hook:
 * a signature read there is good for that one text only. The way in and the namespace are
 * pinned (frozen, not replaceable) once every file has loaded (NS.pin).
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

  // ------------------------------------------------ HMAC-SHA-256 (FIPS 180-4, RFC 2104)
  // The secret never leaves this closure. What crosses to the recorder, or comes from it, is a
  // signature of the one text it goes with: Playwright's plumbing in the page (its binding
  // controller, the code that runs an evaluate) is page-visible JS, which a page script can hook
  // to read what passes through. A signature read there is good for that text only. Written
  // with arithmetic and typed arrays only (no built-in a page could have replaced); run inside
  // the guard, where String.prototype.charCodeAt is the original.
  //
  // Written for the interpreter: a document's first signatures run before the JIT has compiled
  // anything, and they are on the way to SESSION_READY. Rotations written out (no call each),
  // constants as 32-bit words, the keyed states computed once, the message padded where it is
  // encoded: the signing's share of a greeting fell from 24 to 4-10 ms (bench/greeting.py).
  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  // Every buffer is a typed array, made with the constructors as they were: a write into a
  // plain array's missing index would go through any setter a page put on Array.prototype, and
  // hand it the key's bytes.
  var Bytes = Uint8Array;
  var Words = Int32Array;
  var w = new Words(64);

  // SHA-256's compression of the 64-byte block of `m` at `off` into the state `h`. The
  // rotations are written out: a call per rotation is what the interpreter pays most for.
  function compress(h, m, off) {
    var i, x, y;
    for (i = 0; i < 16; i++) {
      x = off + 4 * i;
      w[i] = (m[x] << 24) | (m[x + 1] << 16) | (m[x + 2] << 8) | m[x + 3];
    }
    for (i = 16; i < 64; i++) {
      x = w[i - 15];
      y = w[i - 2];
      w[i] = (w[i - 16] + ((x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3)) + w[i - 7] +
        ((y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10))) | 0;
    }
    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7], t1, t2;
    for (i = 0; i < 64; i++) {
      t1 = (k + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) +
        ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      t2 = (((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) +
        ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
  }

  // The UTF-8 bytes of `text` (a lone surrogate as U+FFFD, as every encoder writes it) after
  // `before` bytes already hashed, padded as SHA-256 pads its message: 0x80, zeros, and the
  // length in bits of everything hashed as the last 8 bytes of the last block.
  function padded(text, before) {
    var out = new Bytes(((text.length * 3 + 72) >> 6) << 6);
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c < 0x80) {
        out[n++] = c;
        continue;
      }
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      if (c < 0x800) {
        out[n++] = 0xc0 | (c >> 6);
        out[n++] = 0x80 | (c & 63);
      } else if (c < 0x10000) {
        out[n++] = 0xe0 | (c >> 12);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
      } else {
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 63);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
      }
    }
    var total = ((n + 72) >> 6) << 6; // lengths as counted: a typed array's `length` is a
    // getter on its prototype, which a page may have replaced
    out[n] = 0x80;
    var bits = (before + n) * 8;
    var high = (bits / 0x100000000) | 0;
    var low = bits >>> 0;
    for (i = 0; i < 4; i++) {
      out[total - 8 + i] = (high >>> (24 - 8 * i)) & 255;
      out[total - 4 + i] = (low >>> (24 - 8 * i)) & 255;
    }
    return { bytes: out, total: total };
  }

  // HMAC's two keyed states (RFC 2104), each SHA-256 after its one block of the padded key,
  // computed once, before any page script runs: the secret is 32 hex characters (ASCII, its
  // own UTF-8), shorter than the 64-byte block.
  function keyed(pad) {
    var h = new Words(8);
    var block = new Bytes(64);
    var i;
    for (i = 0; i < 8; i++) h[i] = H0[i];
    for (i = 0; i < 64; i++) block[i] = (i < secret.length ? secret.charCodeAt(i) & 255 : 0) ^ pad;
    compress(h, block, 0);
    return h;
  }
  var innerKeyed = secret === '' ? null : keyed(0x36);
  var outerKeyed = secret === '' ? null : keyed(0x5c);
  var HEX = '0123456789abcdef';

  // HMAC-SHA-256 of `text` under the secret, in hex ('' without a secret).
  function sign(text) {
    if (secret === '') return '';
    var message = padded(text, 64);
    var h = new Words(8);
    var block = new Bytes(64);
    var i;
    for (i = 0; i < 8; i++) h[i] = innerKeyed[i];
    for (var off = 0; off < message.total; off += 64) compress(h, message.bytes, off);
    for (i = 0; i < 32; i++) block[i] = (h[i >> 2] >>> (24 - 8 * (i & 3))) & 255;
    block[32] = 0x80;
    block[62] = 3; // the outer message is 64 + 32 bytes: 768 bits, 0x0300
    for (i = 0; i < 8; i++) h[i] = outerKeyed[i];
    compress(h, block, 0);
    var out = '';
    for (i = 0; i < 32; i++) {
      var byte = (h[i >> 2] >>> (24 - 8 * (i & 3))) & 255;
      out += HEX[byte >> 4] + HEX[byte & 15];
    }
    return out;
  }

  // Whether a call from outside comes from the recorder: `proof` is the signature of `text`
  // (without a configured secret, as in the benchmarks, every call does).
  NS.proven = function (proof, text) {
    return secret === '' || (typeof text === 'string' && typeof proof === 'string' && proof === sign(text));
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

  // The clock as it was: a page that stops Date.now would make every synthetic event of its own
  // fall "within a second" of the learner's last input, and count as the learner's.
  var dateNow = Date.now;
  NS.now = function () {
    return dateNow();
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

  // An element's text with its white space folded, as a reader sees its words.
  NS.textOf = function (el) {
    return (el.textContent || '').replace(/\s+/g, ' ').trim();
  };

  // Each text node of the page's body that a reader sees as text (not a script's, a style's, a
  // template's, a text box's or a list option's), in page order, with its element, until `fn`
  // returns true.
  var NOT_READ_RE = /^(SCRIPT|STYLE|TEMPLATE|TEXTAREA|OPTION)$/;
  NS.eachText = function (fn, root) {
    if (!document.body) return;
    var walker = document.createTreeWalker(root || document.body, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var parent = node.parentElement;
      if (parent && !NOT_READ_RE.test(parent.tagName) && fn(node, parent)) return;
    }
  };

  // Elements the page gives a drop listener, seen as it adds them: a drop zone is recognised
  // by what it does, whatever its class; likewise an element given a click listener may be a
  // button the page made of a div. The page's own call goes through unchanged.
  NS.dropTargets = typeof Set === 'function' ? new Set() : null;
  NS.clickTargets = typeof Set === 'function' ? new Set() : null;
  NS.dropDelegates = typeof Set === 'function' ? new Set() : null; // the document, its window
  var MAX_CLICK_TARGETS = 5000; // a page that gives every word a listener: the first ones
  var listen = EventTarget.prototype.addEventListener;
  if (NS.dropTargets && !listen.__ieltsWrapped) {
    var wrapped = function (type, fn, opts) {
      if (this && this.nodeType === 1 && this !== document.body && this !== document.documentElement) {
        if (type === 'drop' || type === 'dragover') NS.dropTargets.add(this);
        else if (type === 'click' && NS.clickTargets.size < MAX_CLICK_TARGETS) NS.clickTargets.add(this);
      } else if (type === 'drop' && this && NS.dropDelegates.size < 4) {
        NS.dropDelegates.add(this); // one listener for the whole page's drops (jQuery's .on)
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

  // Send one envelope as one JSON string, signed. Returns false when there is no
  // recorder to talk to (the page was opened on its own) so callers can carry on unchanged.
  var post = function (envelope) {
    if (!binding) return false;
    try {
      var text = NS.json(envelope);
      var result = binding(NS.docToken, text, sign(NS.docToken + '\n' + text));
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
  // Called through Reflect.apply as it was: a page that replaced Function.prototype.apply
  // would otherwise be handed every argument, the recorder's secret among them.
  var reflectApply = Reflect.apply;
  var depth = 0;
  NS.guard = function (fn) {
    return function () {
      if (depth > 0) return reflectApply(fn, this, arguments);
      depth++;
      var undo = pristine();
      try {
        return reflectApply(fn, this, arguments);
      } finally {
        depth--;
        undo();
      }
    };
  };

  // The enhancer's globals, pinned once every file has loaded: `name` on window can be neither
  // replaced nor deleted, and the object is frozen, so no page script can put a function of its
  // own where the recorder calls in with the secret (or where the enhancer calls its parts).
  var defineProperty = Object.defineProperty;
  var freeze = Object.freeze;
  NS.pin = function (name, value) {
    freeze(value);
    try {
      defineProperty(window, name, { value: value, writable: false, configurable: false, enumerable: false });
    } catch (err) {
      /* pinned already (a second injection): the first one stands */
    }
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
