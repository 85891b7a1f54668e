/*
 * key.js: finds the page's answer key without running any of the page's code.
 *
 * Strategies, tried in this fixed order; the first that yields a key names keySource:
 *   json_script      a <script type="application/json"> whose id or data-role speaks of answers/keys
 *   global_variable  a global whose name says it is the key (answerKey, correctAnswers, ...);
 *                    never `answers` or `userAnswers`, which pages use for the learner's own input
 *   script_literal   `const|let|var answerKey = {...}` inside page code (a closure, say): the
 *                    literal is parsed from the script text as data, never run
 *   data_attribute   data-correct / data-answer-key on a question's control or container
 *   results_table    a table the page renders after submit, with a question-number column and a
 *                    "correct answer" column (never a "your answer" column)
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

  NS.cleanId = cleanId;
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

  // A tolerant reader for JavaScript object and array literals: quoted or bare keys, single or
  // double quotes, trailing commas and comments. It reads data only: anything else (a call, a
  // variable, an expression) makes it give up, so no page code is ever run.
  function parseLiteral(text, start) {
    var i = start;
    function fail() { throw new Error('not a literal'); }
    function space() {
      for (;;) {
        while (i < text.length && /\s/.test(text[i])) i++;
        if (text.startsWith('//', i)) { while (i < text.length && text[i] !== '\n') i++; continue; }
        if (text.startsWith('/*', i)) { var end = text.indexOf('*/', i + 2); if (end < 0) fail(); i = end + 2; continue; }
        return;
      }
    }
    function string() {
      var quote = text[i++];
      var out = '';
      while (i < text.length && text[i] !== quote) {
        if (text[i] === '\\') { i++; out += text[i] === 'n' ? '\n' : text[i]; i++; continue; }
        out += text[i++];
      }
      if (text[i] !== quote) fail();
      i++;
      return out;
    }
    function value() {
      space();
      var ch = text[i];
      if (ch === '{') {
        i++;
        var obj = {};
        for (;;) {
          space();
          if (text[i] === '}') { i++; return obj; }
          var key;
          if (text[i] === '"' || text[i] === "'") key = string();
          else {
            var m = /^[A-Za-z0-9_$]+/.exec(text.slice(i, i + 64));
            if (!m) fail();
            key = m[0];
            i += key.length;
          }
          space();
          if (text[i++] !== ':') fail();
          obj[key] = value();
          space();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === '}') { i++; return obj; }
          fail();
        }
      }
      if (ch === '[') {
        i++;
        var arr = [];
        for (;;) {
          space();
          if (text[i] === ']') { i++; return arr; }
          arr.push(value());
          space();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === ']') { i++; return arr; }
          fail();
        }
      }
      if (ch === '"' || ch === "'") return string();
      var num = /^-?\d+(\.\d+)?/.exec(text.slice(i, i + 32));
      if (num) { i += num[0].length; return Number(num[0]); }
      fail();
    }
    return value();
  }
  NS.parseLiteral = function (text) { return parseLiteral(text, 0); };

  var DECLARATION_RE = /\b(?:const|let|var)\s+(answerKey|ANSWER_KEY|answer_key|AnswerKey|correctAnswers|CORRECT_ANSWERS|correct_answers|solutions)\s*=\s*/g;

  function fromScriptLiteral() {
    var scripts = document.querySelectorAll('script:not([src])');
    for (var i = 0; i < scripts.length; i++) {
      var text = scripts[i].textContent || '';
      if (scripts[i].type && !/javascript|module/i.test(scripts[i].type)) continue;
      DECLARATION_RE.lastIndex = 0;
      var m;
      while ((m = DECLARATION_RE.exec(text))) {
        try {
          var key = NS.normalizeKey(parseLiteral(text, DECLARATION_RE.lastIndex));
          if (key) return key;
        } catch (err) {
          /* not a plain literal: try the next declaration */
        }
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

  var NUMBER_HEAD_RE = /^\s*(q(uestion)?\.?|no\.?|number|#)\s*$/i;
  var CORRECT_HEAD_RE = /\b(correct|right|model)\b|\banswer\s*key\b/i;
  var YOURS_HEAD_RE = /\b(your|you|learner|given|candidate)\b/i;

  function cellTexts(row) {
    var out = [];
    for (var i = 0; i < row.cells.length; i++) out.push((row.cells[i].textContent || '').replace(/\s+/g, ' ').trim());
    return out;
  }

  function fromResultsTable() {
    var tables = document.querySelectorAll('table');
    for (var t = 0; t < tables.length; t++) {
      var rows = tables[t].rows;
      if (!rows.length) continue;
      var head = cellTexts(rows[0]);
      var num = -1;
      var correct = -1;
      head.forEach(function (text, i) {
        if (num < 0 && NUMBER_HEAD_RE.test(text)) num = i;
        else if (correct < 0 && CORRECT_HEAD_RE.test(text) && !YOURS_HEAD_RE.test(text)) correct = i;
      });
      if (num < 0 || correct < 0) continue;
      var out = {};
      var count = 0;
      for (var r = 1; r < rows.length; r++) {
        var cells = cellTexts(rows[r]);
        var m = /^(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?$/.exec(cells[num] || '');
        var value = cells[correct];
        if (!m || !value) continue;
        if (m[2]) {
          // "21-23 | A, C, E": a choose-N set, one list for each of its questions
          var letters = value.split(/\s*(?:,|\band\b)\s*/).filter(Boolean);
          for (var q = parseInt(m[1], 10); q <= parseInt(m[2], 10); q++) { out[String(q)] = letters; count++; }
        } else {
          out[String(parseInt(m[1], 10))] = value;
          count++;
        }
      }
      if (count) return out;
    }
    return null;
  }

  var STRATEGIES = [
    ['json_script', fromJsonScript],
    ['global_variable', fromGlobal],
    ['script_literal', fromScriptLiteral],
    ['data_attribute', fromDataAttributes],
    ['results_table', fromResultsTable],
  ];

  // {key, source} or {key: null, source: null}. Looked for once within NS.once.
  NS.extractKey = function () {
    if (!NS.memo) return extractKey();
    if (!NS.memo.key) NS.memo.key = extractKey();
    return NS.memo.key;
  };

  function extractKey() {
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
  }
})();
