/*
 * key.js: finds the page's answer key without running any of the page's code.
 *
 * Strategies, tried in this fixed order; the first that yields a key names keySource:
 *   json_script      a <script type="application/json"> whose id or data-role speaks of answers/keys;
 *                    in any other JSON block (a framework's page data such as __NEXT_DATA__), a
 *                    key or a list of questions with their answers at any depth, where it fits
 *   global_variable  a global whose name says it is the key (answerKey, correctAnswers, ...);
 *                    never `answers` or `userAnswers`, which pages use for the learner's own input
 *   global_object    such a key one or two levels inside a page's global object (App.answerKey)
 *   script_literal   `const answerKey = {...}`, `App.answerKey = {...}`, `answerKey: {...}` (in a
 *                    closure, or inside a `X.register("id", {...})` call) in the page's inline
 *                    scripts: the literal is parsed from the script text as data, never run;
 *                    also `var answers = [...]`, `const KEY = {...}` or a list of questions that
 *                    carry their answers (`questions = [{number: 21, answer: "B"}]`) where it
 *                    fits the page (LOOSE_KEY_NAMES). A list is read by question number, or as
 *                    the page's questions in page order
 *   fetched_data     the same, in JSON the page fetched for itself from its own origin (fetch or
 *                    XMLHttpRequest: fetched.js keeps what the page received)
 *   data_attribute   data-correct / data-answer-key / data-correct-answer / data-solution on a
 *                    question's control or container (its answer), or on the choice that is
 *                    right (data-correct, data-correct="true": that choice's value)
 *   results_table    a table the page renders after submit, with a question-number column and a
 *                    "correct answer" column (never a "your answer" column), headers in English,
 *                    Chinese, Spanish, French, German, Vietnamese or Portuguese
 *   script_file      the same literals in the page's own script files, whose text the recorder
 *                    reads (as data) and offers with window.__ieltsRecorder.offerScript
 * A key's question ids are read as the page names them (q1, t3_q11, "14") and put on the
 * page's printed numbers: through the page's own display map where the data has one
 * (questionDisplayMap), else through the controls' tokens. Where several keys are found (a data
 * file of many exams), the one that fits the page's questions best is taken.
 * The key is returned as {questionId: string | string[]}.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  var KEY_NAME_RE = /(answer[-_]?key|correct[-_]?answers?|solutions?|answers?[-_]?correct)/i;
  var KEY_NAMES = [
    'answerKey', 'ANSWER_KEY', 'answer_key', 'AnswerKey', 'answerkey',
    'correctAnswers', 'CORRECT_ANSWERS', 'correct_answers', 'solutions',
  ];
  var DISPLAY_NAMES = ['questionDisplayMap', 'displayMap', 'questionNumbers', 'displayNumbers'];

  // A question number from a key's own id, as the page would print it ("q7", "Q7", "7").
  NS.cleanId = cleanId;
  function cleanId(raw) {
    var parsed = NS.parseToken(raw, false);
    return parsed && parsed.nums.length === 1 ? String(parsed.nums[0]) : null;
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
    if (value && typeof value === 'object') {
      // {answer: "x", alternatives: [...]} and the like
      var main = value.answer !== undefined ? value.answer : value.correct !== undefined ? value.correct : value.value;
      var main2 = cleanValue(main);
      var alts = cleanValue(value.alternatives || value.accepted || value.alternates || null);
      if (main2 === null) return null;
      return alts ? [].concat(main2, alts) : main2;
    }
    return null;
  }

  // Resolves a key's own ids to the page's question ids.
  function resolver() {
    var questions = NS.findQuestions();
    var byToken = {};
    var byElementNumber = {};
    var ids = {};
    questions.forEach(function (q) {
      q.ids.forEach(function (id) { ids[id.toLowerCase()] = id; });
      if (q.element) byToken[q.element.toLowerCase()] = q.ids;
      if (q.nums && q.nums.length === q.ids.length) {
        q.nums.forEach(function (n, i) { byElementNumber[(q.test || '') + '|' + n] = q.ids[i]; });
      }
    });
    return { ids: ids, byToken: byToken, byElementNumber: byElementNumber, empty: !questions.length };
  }

  // The page's ids for one key id, by one of two readings: 'element' (the key speaks the
  // controls' tokens: q1 is the control named q1, printed 14) or 'printed' (q14 is question 14).
  function resolveId(raw, reading, r, displayMap) {
    var low = String(raw).trim().toLowerCase();
    if (displayMap && displayMap[raw] !== undefined) {
      var shown = cleanId(displayMap[raw]);
      if (shown) return [r.ids[shown.toLowerCase()] || shown];
    }
    if (r.byToken[low]) return r.byToken[low];
    var parsed = NS.parseToken(raw, false);
    if (!parsed) return null;
    var out = [];
    parsed.nums.forEach(function (n) {
      var viaElement = r.byElementNumber[(parsed.test || '') + '|' + n];
      var direct = parsed.test && r.ids[parsed.test + '.' + n] ? r.ids[parsed.test + '.' + n] : r.ids[String(n)];
      var id = reading === 'element' ? viaElement || direct : direct || viaElement;
      out.push(id || (parsed.test && !r.empty ? parsed.test + '.' + n : String(n)));
    });
    return out;
  }

  // The page's question id for one id of the page's own data (a payload's answers), or null.
  NS.keyId = function (raw) {
    var ids = resolveId(raw, 'element', resolver(), null);
    return ids && ids.length === 1 ? ids[0] : null;
  };

  // The page's question ids in page order (a choose-N set gives each of its questions).
  function pageOrder() {
    var ids = [];
    NS.findQuestions().forEach(function (q) { ids = ids.concat(q.ids); });
    return ids;
  }

  // entries: [[key id, value]]. ordered: they are a list, the n-th for the n-th question: also
  // read as the page's questions in page order (a list of 13 answers on a page printing 14-26),
  // where the list has exactly as many answers as the page has questions.
  function mapKey(entries, displayMap, ordered) {
    var r = resolver();
    var best = null;
    var order = ordered ? pageOrder() : [];
    var readings = ['printed', 'element'];
    if (ordered && order.length === entries.length) readings.push('ordinal');
    readings.forEach(function (reading) {
      var out = {};
      var hits = 0;
      var count = 0;
      for (var i = 0; i < entries.length; i++) {
        var ids = reading === 'ordinal' ? [order[i]] : resolveId(entries[i][0], reading, r, displayMap);
        var value = cleanValue(entries[i][1]);
        if (!ids || value === null) {
          if (r.empty) return; // nothing on the page to tell a typo from a wrong guess
          continue;
        }
        ids.forEach(function (id, n) {
          // "21-23": one list of letters for each of its questions
          out[id] = ids.length > 1 && Array.isArray(value) ? value : ids.length > 1 ? String(value).split(/\s*,\s*/) : value;
          if (r.ids[id.toLowerCase()]) hits++;
          count++;
        });
      }
      if (count && (!best || hits > best.hits)) best = { key: out, hits: hits, count: count };
    });
    return best;
  }

  NS.mapKey = mapKey;

  function entriesOf(data) {
    if (Array.isArray(data)) return data.map(function (v, i) { return [String(i + 1), v]; });
    return Object.keys(data).map(function (k) { return [k, data[k]]; });
  }

  // An object or array from a page, as {questionId: value} with a fit score; null if it does
  // not look like a key.
  function candidate(data, displayMap) {
    if (!data || typeof data !== 'object') return null;
    if (!Array.isArray(data)) {
      for (var i = 0; i < KEY_NAMES.length; i++) {
        if (data[KEY_NAMES[i]] && typeof data[KEY_NAMES[i]] === 'object') {
          return candidate(data[KEY_NAMES[i]], displayMap || displayMapOf(data));
        }
      }
      if (data.answers && typeof data.answers === 'object') data = data.answers;
    }
    var bank = Array.isArray(data) ? bankOf(data) : null;
    var entries = bank ? bank.entries : entriesOf(data);
    if (!entries.length || entries.length > 500) return null;
    return mapKey(entries, displayMap, Array.isArray(data) && !(bank && bank.numbered));
  }

  var NUMBER_FIELDS = ['number', 'num', 'no', 'questionNumber', 'question_number', 'qNo', 'qid', 'id'];
  // The right answer's field before a plain `answer`, which may be the learner's (a review page).
  var ANSWER_FIELDS = ['correctAnswer', 'correct_answer', 'correct', 'answerKey', 'solution', 'answer'];

  function firstField(item, fields, ok) {
    for (var i = 0; i < fields.length; i++) if (ok(item[fields[i]])) return fields[i];
    return null;
  }

  function answerLike(v) {
    return typeof v === 'string' || typeof v === 'number' || (Array.isArray(v) && v.length > 0);
  }

  // [['1', 'mules'], [2, '1881']]: a list of (question number, answer) pairs, or null.
  function pairsOf(list) {
    var entries = [];
    for (var i = 0; i < list.length; i++) {
      var item = list[i];
      if (!Array.isArray(item) || item.length !== 2 || !answerLike(item[1])) return null;
      if (!(typeof item[0] === 'string' || typeof item[0] === 'number') || !NS.parseToken(item[0], false)) return null;
      entries.push([String(item[0]), item[1]]);
    }
    return entries.length ? { entries: entries, numbered: true } : null;
  }

  // A list of questions that each carry their answer ([{number: 21, text, options, answer: "B"}]),
  // or of (number, answer) pairs: {entries: [[number or position, answer]], numbered}, or null.
  function bankOf(list) {
    if (list.length && Array.isArray(list[0])) return pairsOf(list);
    var entries = [];
    var numbered = true;
    for (var i = 0; i < list.length; i++) {
      var item = list[i];
      if (!plainObject(item)) return null;
      var answer = firstField(item, ANSWER_FIELDS, answerLike);
      if (!answer) return null;
      var number = firstField(item, NUMBER_FIELDS, function (v) { return typeof v === 'string' || typeof v === 'number'; });
      if (!number) numbered = false;
      entries.push([number ? String(item[number]) : String(i + 1), item[answer]]);
    }
    if (!numbered) entries.forEach(function (e, n) { e[0] = String(n + 1); });
    return entries.length ? { entries: entries, numbered: numbered } : null;
  }

  function displayMapOf(data) {
    for (var i = 0; i < DISPLAY_NAMES.length; i++) {
      var m = data[DISPLAY_NAMES[i]];
      if (m && typeof m === 'object' && !Array.isArray(m)) return m;
    }
    return null;
  }

  NS.normalizeKey = function (data, displayMap) {
    var found = candidate(data, displayMap || null);
    return found ? found.key : null;
  };

  // The best of several candidate keys: the one whose ids are most the page's questions.
  function bestOf(list) {
    var best = null;
    list.forEach(function (c) {
      if (c && (!best || c.hits > best.hits)) best = c;
    });
    return best ? best.key : null;
  }

  var JSON_SCRIPT_MAX = 2000000; // characters: a page's data block, not a bundle of everything
  var DEEP_NODES = 5000;

  // A page's JSON data blocks, parsed: [{data, keyed}] where keyed: its id or role names a key.
  function jsonBlocks() {
    var scripts = document.querySelectorAll('script[type="application/json"], script[type="application/ld+json"]');
    var blocks = [];
    for (var i = 0; i < scripts.length; i++) {
      var s = scripts[i];
      var label = (s.id || '') + ' ' + (s.getAttribute('data-role') || '') + ' ' + (s.className || '');
      var text = s.textContent || '';
      if (text.length > JSON_SCRIPT_MAX) continue;
      try {
        blocks.push({ data: JSON.parse(text), keyed: KEY_NAME_RE.test(label) });
      } catch (err) {
        /* not JSON: try the next one */
      }
    }
    return blocks;
  }

  // The page's JSON data blocks (<script type="application/json">).
  function fromJsonScript() {
    return keyInBlocks(jsonBlocks());
  }

  // The JSON the page fetched for itself (fetched.js): a block is keyed when its file's name
  // says it holds the key (answer-key.json, solutions.json).
  function fromFetchedData() {
    var fetched = NS.fetchedData ? NS.fetchedData() : [];
    return keyInBlocks(fetched.map(function (f) {
      var file = f.url.split(/[?#]/)[0].split('/').pop() || '';
      return { data: f.data, keyed: KEY_NAME_RE.test(file) };
    }));
  }

  // A block that says it holds the key; else, in any block (a framework's page data such as
  // __NEXT_DATA__), a key under a key's name at any depth that fits the page; else one under a
  // loose name (never `answers`, which a page's saved state may hold for the learner).
  function keyInBlocks(blocks) {
    var named = bestOf(blocks.filter(function (b) { return b.keyed; }).map(function (b) { return candidate(b.data); }));
    if (named) return named;
    // last, a list under any name whose items each carry a right answer ({qNo, correct_answer})
    var passes = [KEY_NAMES, LOOSE_DATA_NAMES, null];
    for (var p = 0; p < passes.length; p++) {
      var found = [];
      blocks.forEach(function (b) {
        if (!b.keyed) found = found.concat(deepCandidates(b.data, passes[p]).filter(fitsThePage));
      });
      if (found.length) return bestOf(found);
    }
    return null;
  }

  var RIGHT_ANSWER_FIELDS = ANSWER_FIELDS.filter(function (f) { return f !== 'answer'; });

  // Whether every item of a list carries a right answer by a field that says so (not a plain
  // `answer`, which may be the learner's).
  function rightAnswerList(list) {
    return list.length > 0 && list.every(function (item) {
      return plainObject(item) && firstField(item, RIGHT_ANSWER_FIELDS, answerLike) !== null;
    });
  }

  // Candidate keys anywhere in parsed data, breadth first: under one of `names`, or (names null)
  // every list whose items carry their right answers.
  function deepCandidates(data, names) {
    var queue = [data];
    var out = [];
    for (var seen = 0; queue.length && seen < DEEP_NODES; seen++) {
      var node = queue.shift();
      if (!node || typeof node !== 'object') continue;
      if (names === null) {
        if (Array.isArray(node) && rightAnswerList(node)) out.push(candidate(node, null));
      } else if (!Array.isArray(node)) {
        names.forEach(function (name) {
          var v = node[name];
          if (v && typeof v === 'object') out.push(candidate(v, displayMapOf(node)));
        });
      }
      Object.keys(node).forEach(function (k) {
        if (node[k] && typeof node[k] === 'object') queue.push(node[k]);
      });
    }
    return out;
  }

  // Reads a data property only; a getter defined by the page is never called.
  function dataProperty(obj, name) {
    try {
      var desc = Object.getOwnPropertyDescriptor(obj, name);
      return desc && 'value' in desc ? desc.value : undefined;
    } catch (err) {
      return undefined;
    }
  }

  function fromGlobal() {
    var found = [];
    for (var i = 0; i < KEY_NAMES.length; i++) {
      var value = dataProperty(window, KEY_NAMES[i]);
      if (value && typeof value === 'object') found.push(candidate(value));
    }
    return bestOf(found);
  }

  function plainObject(v) {
    if (!v || typeof v !== 'object' || v.nodeType || v === window) return false;
    var proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
  }

  // A key one or two levels inside the page's own global objects (window.App.answerKey).
  function fromGlobalObject() {
    var found = [];
    var names = Object.keys(window).slice(0, 400);
    function visit(obj, depth) {
      for (var i = 0; i < KEY_NAMES.length; i++) {
        var v = dataProperty(obj, KEY_NAMES[i]);
        if (v && typeof v === 'object') found.push(candidate(v, displayMapOf(obj)));
      }
      if (depth >= 2) return;
      var keys = Object.keys(obj).slice(0, 100);
      for (var j = 0; j < keys.length; j++) {
        var child = dataProperty(obj, keys[j]);
        if (plainObject(child)) visit(child, depth + 1);
      }
    }
    for (var n = 0; n < names.length; n++) {
      if (names[n].indexOf('__ielts') === 0) continue;
      var value = dataProperty(window, names[n]);
      if (plainObject(value)) visit(value, 1);
    }
    return bestOf(found);
  }

  // const answerKey = {, App.answerKey = {, answerKey: {, "answerKey": {
  function keyAtRe(names) {
    return new RegExp('(?:\\b(?:const|let|var)\\s+|\\.|[{,\\s]["\']?)(' + names.join('|') + ')["\']?\\s*[:=]\\s*(?=[\\[{])', 'g');
  }
  var KEY_AT_RE = keyAtRe(KEY_NAMES);
  // Names that may hold the key as the page's author wrote it, or the learner's answers as a
  // page script fills them in: read only as a literal in a script's text (its value as written,
  // never the global as it is now), and taken only when it fits the page: every entry one of
  // its questions, and most of its questions (var answers = ["TRUE", "B", ...]).
  var LOOSE_KEY_NAMES = [
    'answers', 'ANSWERS', 'Answers', 'rightAnswers', 'right_answers', 'correct', 'CORRECT',
    'key', 'KEY', 'keys', 'KEYS', 'questions', 'QUESTIONS', 'quiz', 'quizData', 'questionBank',
  ];
  var LOOSE_AT_RE = keyAtRe(LOOSE_KEY_NAMES);
  // In a page's data (not its script text) `answers` may be the learner's saved state: never read.
  var LOOSE_DATA_NAMES = LOOSE_KEY_NAMES.filter(function (n) { return !/^answers$/i.test(n); });
  var LOOSE_FIT = 0.8;

  function fitsThePage(c) {
    var questions = pageOrder().length;
    return !!c && c.hits === c.count && c.hits >= 2 && c.hits >= LOOSE_FIT * questions;
  }
  var DISPLAY_AT_RE = new RegExp('\\b(' + DISPLAY_NAMES.join('|') + ')["\']?\\s*[:=]\\s*(?=\\{)', 'g');

  // Every key literal in a script's text, with the display map that stands nearest before it.
  NS.keysInText = function (text) {
    var found = [];
    var maps = [];
    var m;
    DISPLAY_AT_RE.lastIndex = 0;
    while ((m = DISPLAY_AT_RE.exec(text))) {
      try { maps.push({ at: m.index, map: NS.parseLiteralAt(text, DISPLAY_AT_RE.lastIndex) }); } catch (err) { /* not data */ }
    }
    [[KEY_AT_RE, false], [LOOSE_AT_RE, true]].forEach(function (pass) {
      var re = pass[0];
      re.lastIndex = 0;
      while ((m = re.exec(text))) {
        var literal;
        try {
          literal = NS.parseLiteralAt(text, re.lastIndex);
        } catch (err) {
          continue; // not a plain literal: try the next one
        }
        var near = null;
        for (var j = 0; j < maps.length; j++) {
          if (Math.abs(maps[j].at - m.index) < 20000 && (!near || Math.abs(maps[j].at - m.index) < Math.abs(near.at - m.index))) near = maps[j];
        }
        var c = candidate(literal, near && plainObject(near.map) ? near.map : null);
        if (!pass[1] || fitsThePage(c)) found.push(c);
      }
    });
    return found;
  };

  function fromScriptLiteral() {
    var scripts = document.querySelectorAll('script:not([src])');
    var found = [];
    for (var i = 0; i < scripts.length; i++) {
      if (scripts[i].type && !/javascript|module/i.test(scripts[i].type)) continue;
      found = found.concat(NS.keysInText(scripts[i].textContent || ''));
    }
    return bestOf(found);
  }

  // Script files of the page whose text the recorder read and offered (as data).
  NS.offeredScripts = [];
  function fromScriptFile() {
    var found = [];
    NS.offeredScripts.forEach(function (text) { found = found.concat(NS.keysInText(text)); });
    return bestOf(found);
  }

  var KEY_ATTRS = ['data-correct', 'data-answer-key', 'data-correct-answer', 'data-right-answer', 'data-solution'];
  var KEY_ATTR_SELECTOR = KEY_ATTRS.map(function (a) { return '[' + a + ']'; }).join(', ');
  var MARKED_RE = /^(?:|true|1|yes|correct|right)$/i;
  var UNMARKED_RE = /^(?:false|0|no|wrong|incorrect)$/i;

  function keyAttribute(el) {
    for (var i = 0; i < KEY_ATTRS.length; i++) {
      var raw = el.getAttribute(KEY_ATTRS[i]);
      if (raw !== null) return raw.trim();
    }
    return null;
  }

  // A choice the page marks as the right one (<input type=radio value=B data-correct>,
  // <option data-correct="true">, an option it built): its value, else null.
  function markedChoice(el, raw) {
    if (!MARKED_RE.test(raw)) return null;
    if (el.matches('input[type=radio], input[type=checkbox]')) return NS.choiceValue(el);
    if (el.matches('option')) return el.value;
    var group = NS.pickGroupOf(el);
    return group && NS.pickOptionsOf(group).indexOf(el) >= 0 ? NS.pickValue(el) : null;
  }

  function fromDataAttributes() {
    var els = document.querySelectorAll(KEY_ATTR_SELECTOR);
    var out = {};
    var count = 0;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var raw = keyAttribute(el);
      var ids = NS.questionIdsOf(el);
      if (!ids) {
        var inner = el.querySelector('input, select, textarea, [contenteditable]');
        ids = inner ? NS.questionIdsOf(inner) : null;
      }
      if (!ids || raw === null || UNMARKED_RE.test(raw)) continue;
      var marked = markedChoice(el, raw);
      if (marked !== null) {
        // one right choice per question; a choose-TWO's right choices, one for each
        ids.forEach(function (id) { out[id] = out[id] === undefined ? marked : [].concat(out[id], marked); });
        count++;
        continue;
      }
      if (raw === '' || MARKED_RE.test(raw)) continue;
      // A pair such as data-question="10-11" data-correct="B,D" holds one letter per question.
      var parts = ids.length > 1 ? raw.split(/\s*,\s*/) : [raw];
      ids.forEach(function (id, n) {
        out[id] = ids.length > 1 ? parts : parts[n];
      });
      count++;
    }
    return count ? out : null;
  }

  // Column headers, in the languages practice pages are written in.
  var NUMBER_HEAD_RE = /^\s*(q(uestion)?\.?|no\.?|number|#|n[º°o]\.?|nr\.?|num(é|e)ro|pregunta|frage|câu(\s*hỏi)?|quest(ão|ao)|题号|题目|序号|題號|题|問題|번호)\s*$/i;
  var CORRECT_HEAD_RE = /\b(correct|right|model)\b|\banswer\s*key\b|正确答案|正確答案|参考答案|標準答案|标准答案|答案|correcta|respuesta|bonne|corrig|richtig|lösung|losung|đáp\s*án|đúng|correta|resposta|정답/i;
  var YOURS_HEAD_RE = /\b(your|you|learner|given|candidate)\b|你的|您的|我的|用户|作答|tu\b|votre|ihre|deine|của\s+bạn|sua\b|su\s+respuesta/i;

  function cellTexts(row) {
    var out = [];
    for (var i = 0; i < row.cells.length; i++) out.push((row.cells[i].textContent || '').replace(/\s+/g, ' ').trim());
    return out;
  }

  // A question's number as a key's row gives it: "14", "Q14", or "21-23" (a choose-N set).
  NS.ROW_NUMBER_RE = /^(?:q(?:uestion)?\.?\s*)?(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?$/i;

  // Rows [first, last (or none), value] as key entries [number, value]: a set's row ("21-23 |
  // A, C, E") gives each of its questions the list of its letters.
  NS.rowEntries = function (rows) {
    var entries = [];
    rows.forEach(function (row) {
      if (!row[1]) {
        entries.push([row[0], row[2]]);
        return;
      }
      var letters = row[2].split(/\s*(?:,|\band\b|、|，)\s*/).filter(Boolean);
      for (var q = parseInt(row[0], 10); q <= parseInt(row[1], 10); q++) entries.push([String(q), letters]);
    });
    return entries;
  };

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
      var marked = [];
      for (var r = 1; r < rows.length; r++) {
        var cells = cellTexts(rows[r]);
        var m = NS.ROW_NUMBER_RE.exec(cells[num] || '');
        if (m && cells[correct]) marked.push([m[1], m[2], cells[correct]]);
      }
      var entries = NS.rowEntries(marked);
      var found = entries.length ? mapKey(entries, null) : null;
      if (found) return found.key;
    }
    return null;
  }

  var STRATEGIES = [
    ['json_script', fromJsonScript],
    ['fetched_data', fromFetchedData],
    ['global_variable', fromGlobal],
    ['global_object', fromGlobalObject],
    ['script_literal', fromScriptLiteral],
    ['data_attribute', fromDataAttributes],
    ['answer_text', function () { return NS.keyInAnswerText(); }],
    ['results_table', fromResultsTable],
    ['script_file', fromScriptFile],
  ];
  NS.KEY_SOURCES = STRATEGIES.map(function (s) { return s[0]; });

  // {key, source} or {key: null, source: null}. Looked for once within NS.once.
  NS.extractKey = function () {
    return NS.memoized('key', extractKey);
  };

  // What each strategy found, for the diagnosis: [{source, found, questions | error}].
  NS.keyTrials = function () {
    return STRATEGIES.map(function (s) {
      try {
        var key = s[1]();
        return { source: s[0], found: !!key, questions: key ? Object.keys(key).length : 0 };
      } catch (err) {
        return { source: s[0], found: false, questions: 0, error: NS.cut(String(err && err.message), 200) };
      }
    });
  };

  function extractKey() {
    for (var i = 0; i < STRATEGIES.length; i++) {
      var key = null;
      try {
        key = STRATEGIES[i][1]();
      } catch (err) {
        key = null;
      }
      if (key) return { key: onTheChoices(key), source: STRATEGIES[i][0] };
    }
    return { key: null, source: null };
  }

  // A key that names a choice by the letter the page prints before it ("B"), or by its words
  // ("the new harbour"), where the control's value is something else ("2", "B") is put on that
  // value: the value is what the page reports and what the learner's answer will be.
  function onTheChoices(key) {
    NS.findQuestions().forEach(function (q) {
      var widget = NS.WIDGETS[q.kind];
      var choices = widget.choices ? widget.choices(q) : null;
      if (!choices) return;
      var values = q.options || [];
      q.ids.forEach(function (id) {
        if (key[id] === undefined || key[id] === null) return;
        var put = [].concat(key[id]).map(function (v) {
          var named = String(v).trim();
          if (values.indexOf(named) >= 0) return v;
          var value = choices.byLetter[named.toUpperCase()];
          if (value === undefined) value = choices.byText[named.replace(/\s+/g, ' ').toLowerCase()];
          return value === undefined ? v : value;
        });
        key[id] = Array.isArray(key[id]) ? put : put[0];
      });
    });
    return key;
  }
})();
