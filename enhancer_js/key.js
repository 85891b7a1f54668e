/*
 * key.js: finds the page's answer key without running any of the page's code.
 *
 * Strategies, tried in this fixed order; the first that yields a key names keySource:
 *   json_script      a <script type="application/json"> whose id or data-role speaks of answers/keys
 *   global_variable  a global whose name says it is the key (answerKey, correctAnswers, ...);
 *                    never `answers` or `userAnswers`, which pages use for the learner's own input
 *   data_attribute   data-correct / data-answer-key on a question's control or container
 * The key is returned as {questionId: string | string[]}.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  var KEY_NAME_RE = /(answer[-_]?key|correct[-_]?answers?|solutions?|answers?[-_]?correct)/i;
  var GLOBAL_NAMES = [
    'answerKey', 'ANSWER_KEY', 'answer_key', 'AnswerKey',
    'correctAnswers', 'CORRECT_ANSWERS', 'correct_answers', 'solutions',
  ];

  function cleanId(raw) {
    var m = /^(?:q|question|ans)?[-_ ]?(\d{1,3})$/i.exec(String(raw).trim());
    return m ? String(parseInt(m[1], 10)) : null;
  }

  function cleanValue(value) {
    if (typeof value === 'string') return value.trim() === '' ? null : value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) {
      var out = [];
      for (var i = 0; i < value.length; i++) {
        if (typeof value[i] === 'string' || typeof value[i] === 'number') out.push(String(value[i]));
        else return null;
      }
      return out.length ? out : null;
    }
    return null;
  }

  // An object or array from a page, as {questionId: value}; null if it does not look like a key.
  NS.normalizeKey = function (data) {
    if (data && typeof data === 'object' && !Array.isArray(data)) {
      if (data.answers && typeof data.answers === 'object') data = data.answers;
    }
    var out = {};
    var count = 0;
    if (Array.isArray(data)) {
      for (var i = 0; i < data.length; i++) {
        var v = cleanValue(data[i]);
        if (v === null) return null;
        out[String(i + 1)] = v;
        count++;
      }
    } else if (data && typeof data === 'object') {
      var keys = Object.keys(data);
      for (var j = 0; j < keys.length; j++) {
        var id = cleanId(keys[j]);
        var value = cleanValue(data[keys[j]]);
        if (id === null || value === null) return null;
        out[id] = value;
        count++;
      }
    }
    return count ? out : null;
  };

  function fromJsonScript() {
    var scripts = document.querySelectorAll('script[type="application/json"]');
    for (var i = 0; i < scripts.length; i++) {
      var s = scripts[i];
      var label = (s.id || '') + ' ' + (s.getAttribute('data-role') || '') + ' ' + (s.className || '');
      if (!KEY_NAME_RE.test(label)) continue;
      try {
        var key = NS.normalizeKey(JSON.parse(s.textContent));
        if (key) return key;
      } catch (err) {
        /* not JSON: try the next one */
      }
    }
    return null;
  }

  function fromGlobal() {
    for (var i = 0; i < GLOBAL_NAMES.length; i++) {
      var value;
      try {
        // Reads a data property only; a getter defined by the page is not called.
        var desc = Object.getOwnPropertyDescriptor(window, GLOBAL_NAMES[i]);
        value = desc && 'value' in desc ? desc.value : undefined;
      } catch (err) {
        value = undefined;
      }
      if (value && typeof value === 'object') {
        var key = NS.normalizeKey(value);
        if (key) return key;
      }
    }
    return null;
  }

  function fromDataAttributes() {
    var els = document.querySelectorAll('[data-correct], [data-answer-key]');
    var out = {};
    var count = 0;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var raw = el.getAttribute('data-correct');
      if (raw === null) raw = el.getAttribute('data-answer-key');
      var ids = NS.questionIdsOf(el);
      if (!ids) {
        var inner = el.querySelector('input, select, textarea, [contenteditable]');
        ids = inner ? NS.questionIdsOf(inner) : null;
      }
      if (!ids || raw === null || raw.trim() === '') continue;
      // A pair such as data-question="10-11" data-correct="B,D" holds one letter per question.
      var parts = ids.length > 1 ? raw.split(/\s*,\s*/) : [raw];
      ids.forEach(function (id, n) {
        out[id] = ids.length > 1 ? parts : parts[n];
      });
      count++;
    }
    return count ? out : null;
  }

  var STRATEGIES = [
    ['json_script', fromJsonScript],
    ['global_variable', fromGlobal],
    ['data_attribute', fromDataAttributes],
  ];

  // {key, source} or {key: null, source: null}.
  NS.extractKey = function () {
    for (var i = 0; i < STRATEGIES.length; i++) {
      var key = null;
      try {
        key = STRATEGIES[i][1]();
      } catch (err) {
        key = null;
      }
      if (key) return { key: key, source: STRATEGIES[i][0] };
    }
    return { key: null, source: null };
  };
})();
