/*
 * collect.js: finds the questions on a page and reads the learner's answers.
 *
 * A question is numbered as printed. Its number comes, in this order, from:
 *   data-question on the control or an ancestor ("7", or "10-11" / "10_11" for a pair),
 *   a name such as "q7", "question7" or "7" ("q10_11" stands for questions 10 and 11),
 *   an id such as "q7", "q36_input" or "q7-answer".
 * Answers: a radio group gives its checked value, checkboxes the list of checked values, a select
 * its value, a text box or textarea its text, a contenteditable its text. Nothing given is null.
 *
 * Two shapes are not form controls:
 *   a drop zone (a gap of a word bank or a map: [data-drop], [dropzone], .drop-zone) answers with
 *   the value (data-value, else the text) of the draggable item dropped into it;
 *   an ordering list ([data-order], .sortable; data-question="26-30" numbers its positions)
 *   answers each position with the value of the item there, once the learner has moved one:
 *   the order a page starts with is not an answer.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  var CONTROLS =
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset])' +
    ':not([type=image]):not([type=file]), select, textarea, [contenteditable=""], [contenteditable=true]';
  var DROP = '[data-drop], [dropzone], .drop-zone, .dropzone';
  var ORDER = '[data-order], .sortable';
  var NAME_RE = /^(?:q|question|ans|answer)?[-_]?(\d{1,3})(?:[-_](\d{1,3}))?$/i;
  var ID_RE = /^(?:q|question)[-_]?(\d{1,3})(?:[-_](?:input|answer|select|text|box|field))?$/i;

  function range(first, last) {
    var a = parseInt(first, 10);
    var b = last === undefined || last === null ? a : parseInt(last, 10);
    if (!(b >= a) || b - a > 9) b = a;
    var out = [];
    for (var i = a; i <= b; i++) out.push(String(i));
    return out;
  }

  function fromDataQuestion(el) {
    var holder = el.closest('[data-question]');
    if (!holder) return null;
    var m = /^\s*(\d{1,3})(?:\s*[-_,]\s*(\d{1,3}))?\s*$/.exec(holder.getAttribute('data-question'));
    return m ? range(m[1], m[2]) : null;
  }

  // The question numbers one control answers, or null when it is not a question.
  NS.questionIdsOf = function (el) {
    var ids = fromDataQuestion(el);
    if (ids) return ids;
    var name = el.getAttribute('name');
    var m = name && NAME_RE.exec(name);
    if (m) return range(m[1], m[2]);
    var id = el.getAttribute('id');
    m = id && ID_RE.exec(id);
    if (m) return range(m[1]);
    return null;
  };

  function kindOf(el) {
    if (el.matches(ORDER)) return 'order';
    if (el.matches(DROP)) return 'drop';
    if (el.isContentEditable && !('value' in el)) return 'editable';
    var tag = el.tagName.toLowerCase();
    if (tag === 'select') return 'select';
    if (tag === 'textarea') return 'text';
    var type = (el.getAttribute('type') || 'text').toLowerCase();
    if (type === 'radio' || type === 'checkbox') return type;
    return 'text';
  }

  var TFNG = ['TRUE', 'FALSE', 'NOT GIVEN'];
  var YNNG = ['YES', 'NO', 'NOT GIVEN'];

  function sameSet(values, family) {
    var upper = values.map(function (v) { return String(v).trim().toUpperCase(); });
    return upper.length === family.length && family.every(function (f) { return upper.indexOf(f) >= 0; });
  }

  function inferType(kind, values) {
    if (sameSet(values, TFNG)) return 'true_false_not_given';
    if (sameSet(values, YNNG)) return 'yes_no_not_given';
    if (kind === 'radio') return 'multiple_choice';
    if (kind === 'checkbox') return 'multiple_choice_multi';
    if (kind === 'select') return 'matching';
    if (kind === 'order') return 'ordering';
    return 'completion';
  }

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

  // Within one synchronous pass (NS.once: a greeting, which answers INIT_SESSION and surveys
  // the page) the page cannot change, so its questions and its key are looked for only once.
  NS.memo = null;
  NS.once = function (fn) {
    var outer = NS.memo;
    NS.memo = outer || {};
    try {
      return fn();
    } finally {
      NS.memo = outer;
    }
  };

  // Every question on the page, in page order: {ids, kind, type, controls[]}.
  NS.findQuestions = function (root) {
    if (root || !NS.memo) return findQuestions(root);
    if (!NS.memo.questions) NS.memo.questions = findQuestions();
    return NS.memo.questions;
  };

  function findQuestions(root) {
    var byKey = {};
    var order = [];
    var controls = (root || document).querySelectorAll(CONTROLS + ', ' + DROP + ', ' + ORDER);
    for (var i = 0; i < controls.length; i++) {
      var el = controls[i];
      if (el.closest('[data-ielts-ignore]')) continue;
      if (!el.matches(ORDER) && el.parentElement && el.parentElement.closest(ORDER)) continue;
      var ids = NS.questionIdsOf(el);
      if (!ids) continue;
      var key = ids.join(',');
      if (!byKey[key]) {
        byKey[key] = { ids: ids, kind: kindOf(el), controls: [] };
        order.push(key);
      }
      byKey[key].controls.push(el);
    }
    return order.map(function (key) {
      var q = byKey[key];
      var values = optionValues(q);
      var holder = q.controls[0].closest('[data-qtype]');
      q.type = holder ? holder.getAttribute('data-qtype') : inferType(q.kind, values);
      q.options = values;
      return q;
    });
  }

  // What a dragged item stands for: its data-value, else its text.
  function itemValue(item) {
    var v = item.getAttribute('data-value');
    return (v === null ? item.textContent || '' : v).trim();
  }

  function itemsOf(container) {
    var out = [];
    var kids = container.children;
    for (var i = 0; i < kids.length; i++) {
      if (kids[i].getAttribute('draggable') === 'true' || kids[i].hasAttribute('data-value')) out.push(kids[i]);
    }
    return out;
  }

  // Every item a learner can drag onto a drop zone: the page's draggable items with a value.
  function dragItems() {
    return Array.prototype.slice.call(document.querySelectorAll('[draggable=true]')).filter(function (el) {
      return !el.closest(ORDER) && itemValue(el) !== '';
    });
  }

  // A selector for a draggable item that still finds it after it has been moved.
  NS.itemSelector = function (item) {
    if (item.id && document.querySelectorAll('#' + CSS.escape(item.id)).length === 1) return '#' + CSS.escape(item.id);
    var value = item.getAttribute('data-value');
    if (value !== null) {
      var sel = '[draggable="true"][data-value="' + value.replace(/["\\]/g, '\\$&') + '"]';
      if (document.querySelectorAll(sel).length === 1) return sel;
    }
    return NS.cssPath(item);
  };

  // Marks an ordering list as answered: its order is now the learner's.
  NS.touchOrder = function (el) {
    var list = el && el.closest && el.closest(ORDER);
    if (list) list.__ieltsMoved = true;
  };

  function optionValues(q) {
    if (q.kind === 'drop') {
      var seen = [];
      dragItems().forEach(function (it) { var v = itemValue(it); if (seen.indexOf(v) < 0) seen.push(v); });
      return seen;
    }
    if (q.kind === 'order') return itemsOf(q.controls[0]).map(itemValue);
    if (q.kind === 'radio' || q.kind === 'checkbox') {
      return q.controls.map(function (c) { return c.value; });
    }
    if (q.kind === 'select') {
      var out = [];
      var opts = q.controls[0].options;
      for (var i = 0; i < opts.length; i++) if (opts[i].value !== '') out.push(opts[i].value);
      return out;
    }
    return [];
  }

  // One answer per question id: an ordering list gives each position its own.
  function readIds(q) {
    var out = {};
    if (q.kind === 'order') {
      var items = itemsOf(q.controls[0]);
      var moved = q.controls[0].__ieltsMoved || q.controls[0].hasAttribute('data-answered');
      q.ids.forEach(function (id, n) { out[id] = moved && items[n] ? itemValue(items[n]) : null; });
      return out;
    }
    var value = readOne(q);
    q.ids.forEach(function (id) { out[id] = value; });
    return out;
  }

  function readOne(q) {
    var c = q.controls;
    if (q.kind === 'drop') {
      var item = c[0].querySelector('[draggable=true], [data-value]');
      return item ? itemValue(item) || null : null;
    }
    if (q.kind === 'radio') {
      for (var i = 0; i < c.length; i++) if (c[i].checked) return c[i].value;
      return null;
    }
    if (q.kind === 'checkbox') {
      var picked = [];
      for (var j = 0; j < c.length; j++) if (c[j].checked) picked.push(c[j].value);
      return picked;
    }
    if (q.kind === 'editable') {
      var t = (c[0].innerText || c[0].textContent || '').trim();
      return t === '' ? null : t;
    }
    var v = c[0].value;
    return v === '' || v === null || v === undefined ? null : String(v);
  }

  var LIMIT_RE = /(NO\s+MORE\s+THAN\s+(ONE|TWO|THREE|FOUR|FIVE)\s+WORDS?(\s+AND\/OR\s+A\s+NUMBER)?|\b(ONE|TWO|THREE)\s+WORDS?(\s+AND\/OR\s+A\s+NUMBER|\s+ONLY)?|\bA\s+NUMBER\s+ONLY|\bNUMBERS?\s+ONLY)/i;

  // The word limit printed for a question: its own data-word-limit, else the nearest instruction
  // before it (and only that one: an earlier group's limit does not carry over).
  NS.wordLimitOf = function (el) {
    var holder = el.closest('[data-word-limit]');
    if (holder) return holder.getAttribute('data-word-limit');
    for (var node = el; node && node !== document.body; node = node.parentElement) {
      for (var sib = node.previousElementSibling, n = 0; sib && n < 8; sib = sib.previousElementSibling, n++) {
        var text = sib.textContent || '';
        var limit = LIMIT_RE.exec(text);
        if (limit) return limit[0].replace(/\s+/g, ' ');
        if (/instruction/i.test(sib.className || '')) return null; // its own instruction: no limit
      }
    }
    return null;
  };

  // The question as printed: the text of its nearest container, without option labels' noise.
  NS.questionTextOf = function (el) {
    var start = el.matches(DROP + ', ' + ORDER) ? el.parentElement || el : el;
    var holder = start.closest('[data-question], .question, li, tr, p') || start.parentElement;
    var text = holder ? (holder.innerText || holder.textContent || '') : '';
    return text.replace(/\s+/g, ' ').trim().replace(/^\d{1,3}\s*(?=\D)/, '').slice(0, 300);
  };

  // {questionId: answer} for every question on the page.
  NS.readAnswers = function (questions) {
    var out = {};
    (questions || NS.findQuestions()).forEach(function (q) {
      var given = readIds(q);
      Object.keys(given).forEach(function (id) { out[id] = given[id]; });
    });
    return out;
  };

  // What a scripted learner needs to answer through real input events.
  NS.describe = function () {
    return NS.findQuestions().map(function (q) {
      var options = q.controls.map(function (c, i) {
        return { selector: NS.cssPath(c), value: q.options[i] === undefined ? null : q.options[i] };
      });
      // A drop zone comes first, then the items that can be dropped on it; an ordering list
      // comes first, then its items in their present order.
      if (q.kind === 'drop' || q.kind === 'order') {
        var items = q.kind === 'drop' ? dragItems() : itemsOf(q.controls[0]);
        options = [{ selector: NS.cssPath(q.controls[0]), value: null }].concat(items.map(function (it) {
          return { selector: NS.itemSelector(it), value: itemValue(it) };
        }));
      }
      return { ids: q.ids, kind: q.kind, type: q.type, options: options, values: q.options };
    });
  };
})();
