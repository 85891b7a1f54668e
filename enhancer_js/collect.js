/*
 * collect.js: finds the questions on a page and reads the learner's answers.
 *
 * A question is a group of controls that answer the same question numbers (ids.js says which,
 * widgets.js what kind of widget they are). Answers: a radio group gives its checked value,
 * checkboxes the list of checked values, a select its value, a text box or textarea its text, a
 * contenteditable its text, a drop zone the value of what was dropped in it, an ordering list
 * each position's item once the learner has moved one. Nothing given is null.
 *
 * The scan is cached and made again only after the page's DOM changed (enhancer.js watches), so
 * reading the answers on every keystroke does not rescan the page. What was not taken, and why,
 * is kept for the diagnosis (`ielts exams check --explain`).
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  var CONTROLS =
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset])' +
    ':not([type=image]):not([type=file]):not([type=search]):not([type=password]), select, textarea, ' +
    '[contenteditable=""], [contenteditable=true]';
  // Kinds whose control is a form control or an ordering list (found by selector above); the
  // others' (drop zones, choices a page built) are found by what they do.
  var OWN_CONTROLS = { order: true, editable: true, selects: true, select: true, radio: true, checkbox: true, text: true };
  var DROP_CANDIDATES = '[data-drop], [dropzone], [ondrop], [class*=drop], [class*=gap], [class*=slot], [class*=blank]';

  NS.cssPath = function (el) {
    if (el.id && document.querySelectorAll('#' + CSS.escape(el.id)).length === 1) {
      return '#' + CSS.escape(el.id);
    }
    var parts = [];
    var node = el;
    while (node && node.nodeType === 1 && node !== document.documentElement) {
      if (node !== el && node.id && document.querySelectorAll('#' + CSS.escape(node.id)).length === 1) {
        parts.unshift('#' + CSS.escape(node.id));
        break;
      }
      var tag = node.tagName.toLowerCase();
      var index = 1;
      var sib = node.previousElementSibling;
      while (sib) {
        if (sib.tagName === node.tagName) index++;
        sib = sib.previousElementSibling;
      }
      parts.unshift(tag + ':nth-of-type(' + index + ')');
      node = node.parentElement;
    }
    return parts.join(' > ');
  };

  // Within one synchronous pass (NS.once) the page cannot change: the key is looked for once.
  var memo = null;
  NS.once = function (fn) {
    var outer = memo;
    memo = outer || {};
    try {
      return fn();
    } finally {
      memo = outer;
    }
  };
  // `make()`, once per pass under `name` (every time outside a pass).
  NS.memoized = function (name, make) {
    if (!memo) return make();
    if (!(name in memo)) memo[name] = make();
    return memo[name];
  };

  var cache = null; // {questions, rejected, byControl}
  NS.invalidate = function () { cache = null; };

  // Every question on the page, in page order: {ids, element, kind, type, controls[], options}.
  NS.findQuestions = function () {
    if (!cache) cache = scan();
    return cache.questions;
  };
  NS.rejectedControls = function () {
    if (!cache) cache = scan();
    return cache.rejected;
  };

  function dropZones() {
    var found = [];
    var seen = new Set();
    var add = function (el) {
      if (!seen.has(el) && NS.WIDGETS.drop.matches(el) && !el.querySelector('input, select, textarea') && !el.closest(NS.ORDER)) {
        seen.add(el);
        found.push(el);
      }
    };
    Array.prototype.forEach.call(document.querySelectorAll(DROP_CANDIDATES), add);
    if (NS.dropTargets) NS.dropTargets.forEach(function (el) { if (el.isConnected && el.nodeType === 1) add(el); });
    delegatedZones().forEach(add);
    // The innermost zone only: a list that takes drops for all its gaps is not a question.
    return found.filter(function (el) {
      return !found.some(function (other) { return other !== el && el.contains(other); });
    });
  }

  // Gaps of a page that takes every drop with one listener (on the document, or a container:
  // jQuery's delegated .on, a framework's root) and marks its gaps in no way of their own: an
  // empty box (no text but blanks, no element inside), drawn, with a number printed for it, on a
  // page with items to drag, inside a container that takes drops. Once found, a gap stays one
  // when an item fills it.
  var EMPTY_BOX_RE = /^[\s_.…\u00a0-]*$/;

  function emptyBox(el) {
    if (el.__ieltsZone) return el.isConnected;
    if (el.firstElementChild || !EMPTY_BOX_RE.test(el.textContent || '')) return false;
    return el.offsetWidth >= 16 && el.offsetHeight >= 8 && !NS.isDraggable(el);
  }

  function delegatedZones() {
    var holders = [];
    if (NS.dropDelegates && NS.dropDelegates.size) holders.push(document.body);
    if (NS.dropTargets) NS.dropTargets.forEach(function (el) { if (el.isConnected && el.nodeType === 1) holders.push(el); });
    if (!holders.length || !document.body || !NS.dragItems(null).length) return [];
    var seen = new Set(); // a holder may be inside another (the body)
    var boxes = [];
    holders.forEach(function (holder) {
      Array.prototype.forEach.call(holder.querySelectorAll('span, div, td, li, p'), function (el) {
        if (!seen.has(el) && emptyBox(el)) boxes.push(el);
        seen.add(el);
      });
    });
    var others = function (box) {
      return function (node) {
        return !!node.querySelector(CONTROLS) || boxes.some(function (b) { return b !== box && node.contains(b); });
      };
    };
    return boxes.filter(function (box) {
      if (!box.__ieltsZone && !NS.printedNumberOf(box, others(box))) return false;
      box.__ieltsZone = true;
      return true;
    });
  }

  function candidates() {
    var picks = NS.pickGroups();
    var list = Array.prototype.slice.call(document.querySelectorAll(CONTROLS + ', ' + NS.ORDER));
    if (picks.length) {
      list = list.concat(picks);
      list.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
    }
    var zones = dropZones();
    if (zones.length) {
      list = list.concat(zones);
      list.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
    }
    return list.filter(function (el) {
      if (el.closest('[data-ielts-ignore]')) return false;
      return el.matches(NS.ORDER) || !(el.parentElement && el.parentElement.closest(NS.ORDER));
    });
  }

  function describeEl(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.getAttribute('name')) s += '[name=' + el.getAttribute('name') + ']';
    if (el.type && el.tagName === 'INPUT') s += '[type=' + el.type + ']';
    return s.slice(0, 120);
  }

  // Whether questions are recorded under their test ("t2.5"): on a page holding several tests,
  // or where the parts of a test (p1, s2) each number theirs from 1. Parts numbered through
  // (part 2 holds 14-26) are recorded by their numbers alone, as the page prints them.
  function keptApart(questions) {
    var tests = {};
    var holder = {};
    var clash = false;
    questions.forEach(function (q) {
      if (!q.test) return;
      tests[q.test] = true;
      (q.numbers || []).forEach(function (n) {
        if (holder[n] && holder[n] !== q.test) clash = true;
        holder[n] = q.test;
      });
    });
    var names = Object.keys(tests);
    return names.length > 1 && (clash || names.some(function (t) { return t[0] === 't'; }));
  }

  function scan() {
    var groups = {};
    var order = [];
    var rejected = [];
    candidates().forEach(function (el) {
      var kind = NS.kindOf(el);
      var source = NS.tokenOf(el);
      var parsed = source ? NS.parseToken(source.text || source.token, source.requirePrefix) : null;
      if (!source && (kind === 'radio' || kind === 'checkbox')) {
        // choices with no name cannot be told apart as one question's options
        rejected.push({ control: describeEl(el), kind: kind, reason: 'no question number in data-question, name or id' });
        return;
      }
      // a page that numbers each of its tests from 1 says the test by the panel a control is in
      var test = parsed && parsed.test ? parsed.test : NS.panelTestOf(el);
      // A control with no token (a drop zone, a list, a box with neither name nor id) is a
      // question of its own, numbered by what is printed before it.
      var key = source ? (test || '') + '|' + source.token.toLowerCase() + '|' + kind : 'unnamed' + order.length;
      if (!groups[key]) {
        groups[key] = { kind: kind, controls: [], element: source ? source.token : null, from: source ? source.from : null,
          nums: parsed ? parsed.nums : null, test: test, loose: !!(source && source.loose) };
        order.push(key);
      }
      groups[key].controls.push(el);
    });
    var questions = order.map(function (k) { return groups[k]; });
    var owner = new Map();
    questions.forEach(function (q, i) { q.controls.forEach(function (c) { owner.set(c, i); }); });
    questions.forEach(function (q, i) {
      var first = q.controls[0];
      q.printed = NS.printedNumberOf(first, function (node) {
        var inside = node.querySelectorAll(CONTROLS + ', ' + NS.ORDER);
        for (var j = 0; j < inside.length; j++) if (owner.has(inside[j]) && owner.get(inside[j]) !== i) return true;
        return questions.some(function (other, n) {
          return n !== i && !OWN_CONTROLS[other.kind] && node.contains(other.controls[0]);
        });
      });
    });
    NS.numberQuestions(questions);
    NS.numberRanges(questions);
    NS.numberBare(questions);
    var multiTest = keptApart(questions);
    var byId = {};
    var kept = [];
    NS.setZones(questions.filter(function (q) { return q.kind === 'drop'; }).map(function (q) { return q.controls[0]; }));
    questions.forEach(function (q) {
      if (!q.numbers) {
        var bare = q.element || q.kind === 'drop' ? null : NS.bareNumberBefore(q.controls[0]);
        var why = q.element ? 'its name "' + q.element + '" has no question number and none is printed near it'
          : q.kind === 'drop' ? 'a drop zone with no question number in its attributes or printed near it'
          : bare !== null ? 'the number before it ("' + bare + '") is not one of a run of numbered boxes (1, 2, 3...),' +
            ' and may be its sentence\'s own'
          : 'no question number in data-question, name or id, and none printed before it';
        rejected.push({ control: describeEl(q.controls[0]), kind: q.kind, reason: why });
        return;
      }
      q.ids = NS.idsOf(q, multiTest);
      var clash = q.ids.filter(function (id) { return byId[id]; });
      if (clash.length) {
        rejected.push({ control: describeEl(q.controls[0]), kind: q.kind, reason: 'question ' + clash[0] + ' is answered by another control already' });
        return;
      }
      q.ids.forEach(function (id) { byId[id] = q; });
      var widget = NS.WIDGETS[q.kind];
      q.options = widget.values(q);
      var holder = q.controls[0].closest('[data-qtype]');
      q.type = holder ? holder.getAttribute('data-qtype') : inferType(q.kind, q.options);
      if (!holder && (q.kind === 'text' || q.kind === 'editable')) q.type = NS.familyOf(q.controls[0]) || q.type;
      kept.push(q);
    });
    var byControl = new Map();
    kept.forEach(function (q) { q.controls.forEach(function (c) { byControl.set(c, q); }); });
    return { questions: kept, rejected: rejected.slice(0, 50), byControl: byControl, multiTest: multiTest };
  }

  // The question ids one element answers (a control, or anything inside a drop zone), or null.
  NS.questionIdsOf = function (el) {
    if (!el || !el.closest) return null;
    NS.findQuestions();
    for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
      var q = cache.byControl.get(node);
      if (q) return q.ids;
    }
    var source = NS.tokenOf(el);
    var parsed = source && NS.parseToken(source.text || source.token, source.requirePrefix);
    return parsed ? parsed.nums.map(String) : null;
  };

  // The element token each question id came from, where it differs from the id.
  NS.elementIds = function () {
    var out = {};
    NS.findQuestions().forEach(function (q) {
      q.ids.forEach(function (id) { if (q.element && q.element !== id) out[id] = q.element.slice(0, 60); });
    });
    return out;
  };

  var TFNG = ['TRUE', 'FALSE', 'NOT GIVEN'];
  var YNNG = ['YES', 'NO', 'NOT GIVEN'];

  function sameSet(values, family) {
    var upper = values.map(function (v) { return String(v).trim().toUpperCase(); });
    return upper.length === family.length && family.every(function (f) { return upper.indexOf(f) >= 0; });
  }

  function inferType(kind, values) {
    if (sameSet(values, TFNG)) return 'true_false_not_given';
    if (sameSet(values, YNNG)) return 'yes_no_not_given';
    if (kind === 'radio' || kind === 'pick') return 'multiple_choice';
    if (kind === 'checkbox' || kind === 'picks' || kind === 'selects') return 'multiple_choice_multi';
    if (kind === 'select') return 'matching';
    if (kind === 'order') return 'ordering';
    if (kind === 'drop') return 'matching';
    return 'completion';
  }

  // Marks an ordering list as answered: its order is now the learner's.
  NS.touchOrder = function (el) {
    var list = el && el.closest && el.closest(NS.ORDER);
    if (list) list.__ieltsMoved = true;
  };

  // An instruction that asks for TRUE/FALSE/NOT GIVEN or YES/NO/NOT GIVEN to be written.
  var FAMILY_RES = [
    [/\bTRUE\b[\s\S]{0,300}\bFALSE\b[\s\S]{0,300}\bNOT GIVEN\b/, 'true_false_not_given'],
    [/\bYES\b[\s\S]{0,300}\bNO\b[\s\S]{0,300}\bNOT GIVEN\b/, 'yes_no_not_given'],
  ];
  // Another task's instruction: it begins by saying the task (a statement in a TRUE/FALSE group
  // may say "choose" anywhere, not first), or states a word limit.
  var OTHER_TASK_RE = /^\s*(?:questions?\s+\d+\s*[-–]\s*\d+\s*)?(?:complete|choose|match|label|answer)\b|NO\s+MORE\s+THAN/i;

  // The nearest instruction before a question (its own group's): the first earlier sibling,
  // going up from the control, for which `says` returns something; null past an element that is
  // marked as an instruction and says nothing.
  function nearestInstruction(el, says) {
    for (var node = el; node && node !== document.body; node = node.parentElement) {
      for (var sib = node.previousElementSibling, n = 0; sib && n < 8; sib = sib.previousElementSibling, n++) {
        var found = says(sib.textContent || '');
        if (found) return found;
        if (/instruction/i.test(sib.className || '')) return null;
      }
    }
    return null;
  }

  // A written question's judgement family, from its group's instruction ("Write TRUE, FALSE or
  // NOT GIVEN"): its question type, or null (another task's instruction comes first).
  NS.familyOf = function (el) {
    var found = nearestInstruction(el, function (text) {
      for (var i = 0; i < FAMILY_RES.length; i++) if (FAMILY_RES[i][0].test(text)) return FAMILY_RES[i][1];
      return OTHER_TASK_RE.test(text) ? 'other' : null;
    });
    return found === 'other' ? null : found;
  };

  var LIMIT_RE = /(NO\s+MORE\s+THAN\s+(ONE|TWO|THREE|FOUR|FIVE)\s+WORDS?(\s+AND\/OR\s+A\s+NUMBER)?|\b(ONE|TWO|THREE)\s+WORDS?(\s+AND\/OR\s+A\s+NUMBER|\s+ONLY)?|\bA\s+NUMBER\s+ONLY|\bNUMBERS?\s+ONLY)/i;

  // The word limit printed for a question: its own data-word-limit, else the nearest instruction
  // before it (and only that one: an earlier group's limit does not carry over).
  NS.wordLimitOf = function (el) {
    var holder = el.closest('[data-word-limit]');
    if (holder) return holder.getAttribute('data-word-limit');
    return nearestInstruction(el, function (text) {
      var limit = LIMIT_RE.exec(text);
      return limit ? limit[0].replace(/\s+/g, ' ') : null;
    });
  };

  // The question as printed: the text of its nearest container, without option labels' noise.
  NS.questionTextOf = function (el) {
    var start = el.matches('input, select, textarea') ? el : el.parentElement || el;
    var holder = start.closest('[data-question], .question, li, tr, p') || start.parentElement;
    var text = holder ? (holder.innerText || holder.textContent || '') : '';
    return NS.cut(text.replace(/\s+/g, ' ').trim().replace(/^\d{1,3}\s*(?=\D)/, ''), 300);
  };

  // An answer longer than the protocol carries (2,000 characters) is kept, cut with a mark:
  // a message it made too long would be refused, and the submit with it.
  var MAX_ANSWER = 2000;
  var CUT_MARK = ' [cut]';
  function bounded(value) {
    if (typeof value === 'string' && value.length > MAX_ANSWER) return NS.cut(value, MAX_ANSWER - CUT_MARK.length) + CUT_MARK;
    if (Array.isArray(value)) return value.slice(0, 26).map(bounded);
    return value;
  }

  // {questionId: answer} for every question on the page.
  NS.readAnswers = function () {
    var out = {};
    NS.findQuestions().forEach(function (q) {
      var widget = NS.WIDGETS[q.kind];
      if (widget.readAll) {
        var given = widget.readAll(q);
        Object.keys(given).forEach(function (id) { out[id] = bounded(given[id]); });
        return;
      }
      var value = bounded(widget.read(q));
      q.ids.forEach(function (id) { out[id] = value; });
    });
    return out;
  };

  // What a scripted learner needs to answer through real input events.
  NS.describe = function () {
    return NS.findQuestions().map(function (q) {
      return { ids: q.ids, kind: q.kind, type: q.type, options: NS.WIDGETS[q.kind].describe(q), values: q.options,
        element: q.element };
    });
  };
})();
