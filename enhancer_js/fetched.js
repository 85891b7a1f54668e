/*
 * fetched.js: the data a page fetches for itself (fetch, XMLHttpRequest), kept for the key
 * reader (key.js, source fetched_data). A page that renders its test from a JSON file it fetches
 * (a page served over http with its exams as data files) holds the key there.
 *
 * Only what the page itself asked for, from its own origin, that parses as JSON, at most 2 MB a
 * response and 20 responses. The page's call and its response are left as they are: the body is
 * read as the page reads it, on its way to the page. The enhancer fetches nothing and runs
 * nothing it reads.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;
  if (!NS || NS.fetchedInstalled) return;
  NS.fetchedInstalled = true;

  var addListener = EventTarget.prototype.addEventListener; // as it is before page scripts
  var MAX_TEXT = 2000000;
  var MAX_KEPT = 20;
  var kept = []; // [{url, data}]

  // What the page fetched, as data: [{url, data}], oldest first.
  NS.fetchedData = function () { return kept.slice(); };

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (err) {
      return false;
    }
  }

  function keepData(url, data) {
    if (kept.length < MAX_KEPT && data && typeof data === 'object') kept.push({ url: String(url || ''), data: data });
  }

  function keepText(url, text) {
    if (typeof text !== 'string' || text.length > MAX_TEXT) return;
    var first = text.replace(/^\s+/, '').charAt(0);
    if (first !== '{' && first !== '[') return;
    try {
      keepData(url, JSON.parse(text));
    } catch (err) {
      /* not JSON: not data for the key reader */
    }
  }

  // A same-origin response the page fetched is read as the page reads it (json() or text()): the
  // value is kept on its way to the page, so it is held before the page can render from it (a
  // copy read apart came in later under load, and the survey after the render found no key).
  var ours = typeof WeakSet === 'function' ? new WeakSet() : null;
  var pristineFetch = window.fetch;
  if (typeof pristineFetch === 'function' && ours && window.Response) {
    window.fetch = function (input) {
      var promise = pristineFetch.apply(this, arguments);
      try {
        var url = typeof input === 'string' ? input : input && input.url ? input.url : String(input);
        if (sameOrigin(url)) {
          promise.then(NS.guard(function (response) { if (response && response.ok) ours.add(response); }), function () {});
        }
      } catch (err) {
        /* the page's call goes on unchanged */
      }
      return promise;
    };
    [['json', keepData], ['text', keepText]].forEach(function (reader) {
      var original = Response.prototype[reader[0]];
      if (typeof original !== 'function') return;
      Response.prototype[reader[0]] = function () {
        var response = this;
        var result = original.apply(this, arguments);
        if (!ours.has(response)) return result;
        var keep = NS.guard(reader[1]);
        return result.then(function (value) {
          try {
            keep(response.url, value);
          } catch (err) {
            /* the page gets its value whatever the keeping did */
          }
          return value;
        });
      };
    });
  }

  var XHR = window.XMLHttpRequest;
  if (XHR && XHR.prototype) {
    var urls = new WeakMap();
    var open = XHR.prototype.open;
    var send = XHR.prototype.send;
    XHR.prototype.open = function (method, url) {
      try {
        urls.set(this, String(url));
      } catch (err) {
        /* the page's call goes on unchanged */
      }
      return open.apply(this, arguments);
    };
    XHR.prototype.send = function () {
      var xhr = this;
      var url = urls.get(xhr);
      if (url && sameOrigin(url)) {
        addListener.call(xhr, 'load', NS.guard(function () {
          if (xhr.status && (xhr.status < 200 || xhr.status > 299)) return;
          var type = xhr.responseType;
          if (type === '' || type === 'text') keepText(xhr.responseURL || url, xhr.responseText);
          else if (type === 'json') keepData(xhr.responseURL || url, xhr.response);
        }));
      }
      return send.apply(this, arguments);
    };
  }
})();
