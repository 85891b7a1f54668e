/*
 * ids.js: which question a control answers, and the number the page prints for it.
 *
 * Pages name their questions in many conventions. A control's token comes from, in this order:
 * a question attribute on the control or an ancestor (data-question, data-q, data-qid,
 * data-question-id, data-question-number), a number attribute on the control itself
 * (data-number, data-num, data-qnum, data-qno, data-question-no), its name, its id. A token
 * reads as
 *   [skill] [test or part prefix] [question word, one or two] numbers [suffix]
 * where the skill is reading_ / listening- / l- (a page's own label), the question word q,
 * question, ans, answer, gap, blank, box, field, slot, input or item ("answer-input-5", "input-q5"),
 * the prefix t3_ / test-3- (a page holding several tests) or part2_ / p1 / passage-2- / s1 /
 * section1- (parts of one test, numbered apart only where their questions are), the numbers
 * are one ("7", "q7", "question-7"), a pair or range ("10-11", "q10_11", "26-30") or a list
 * ("q9-10-11", a choose-THREE set), and the suffix is a word such as _input or -answer.
 * An id attribute counts only with one of those prefixes ("7" as an id is too common to mean it).
 *
 * Printed numbers often differ from the tokens (ids q1..q13 on a Passage 2 page that prints
 * 14..26): the number printed before each control (an input's placeholder, its accessible name
 * or title, a "(14)" or a number of its own just before it in running text, its container's
 * leading text) is read, and where most questions agree on one offset it is applied to all. A
 * control whose token has no number (a typo such as "qD"), or no token at all (a box with neither
 * name nor id), takes its printed number: leading text such as "4.", or a numbered list's marker.
 * Boxes with no number at all take the numbers of the instruction above them ("Questions
 * 27–30") when they are all its section holds, and as many.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  NS.QUESTION_ATTRS = ['data-question', 'data-q', 'data-qid', 'data-question-id', 'data-question-number'];
  var ATTR_SELECTOR = NS.QUESTION_ATTRS.map(function (a) { return '[' + a + ']'; }).join(', ');
  // Read on the control itself only: on a container they may number a passage or a part.
  NS.OWN_QUESTION_ATTRS = ['data-number', 'data-num', 'data-qnum', 'data-qno', 'data-question-no'];
  // An accessible name or title that names the question: "Question 5", "Q5", "Gap 5",
  // "Answer for question 5", "5".
  var NAMED_NUMBER_RE = /^\s*(?:(?:answer|response)\s+(?:for|to)\s+)?(?:question|q|gap|blank|box|answer|item)?\s*(?:no\.?|number|#)?\s*(\d{1,3})\s*[.:]?\s*$/i;
  var QUESTION_WORD = '(?:q|qn|ques|question|ans|answer|response|gap|blank|box|field|slot|input|item)';
  // What a control's name may say before its question: how it is made (txtAnswer1, userAnswer5),
  // or the task's widget (select-q5, heading-5, mcq5, tfng5, dropzone-q5).
  var MADE_AS = '(?:txt|user|inp|fld|select|drop|dropzone|target|headings?|match|matching|mcq|tfng|ynng)';
  var TOKEN_RE = new RegExp(
    '^(?:(?:listening|reading|listen|read|lis|l|r)[-_])?' +
      '(?:(t|test|set|part|passage|p|sec|section|s)[-_ ]?(\\d{1,2})(?:[-_. ]+|(?=q)))?' +
      '(?:' + MADE_AS + '[-_ ]?)?' +
      '(' + QUESTION_WORD + '(?:[-_ ]?' + QUESTION_WORD + ')?)?[-_ ]?(\\d{1,3}(?:\\s*[-_,]\\s*\\d{1,3})*)' +
      '(?:[-_ ]?(?:input|answer|select|text|box|field|drop|dropzone|zone|gap|blank|slot|target|choice|group))?$',
    'i'
  );
  var QUESTION_LIKE_RE = /^(?:t\d{1,2}[-_])?(?:q|question)[-_]?[a-z0-9]{1,4}$/i;
  var PRINTED_RE = /^\s*(?:q(?:uestion)?s?\.?\s*)?(\d{1,3})(?:\s*(?:[-–—]|to|and)\s*(\d{1,3}))?(?!\d)(?![.,:]\d)/i;

  function numbersOf(text) {
    var nums = text.split(/\s*[-_,]\s*/).map(function (n) { return parseInt(n, 10); });
    if (nums.length === 2 && nums[1] > nums[0] && nums[1] - nums[0] <= 9) {
      var out = [];
      for (var i = nums[0]; i <= nums[1]; i++) out.push(i);
      return out;
    }
    if (nums.length === 2 && nums[1] <= nums[0]) return [nums[0]];
    return nums;
  }

  // {test, nums, token} from a token, or null. requirePrefix: an id attribute must say "q".
  NS.parseToken = function (raw, requirePrefix) {
    if (raw === null || raw === undefined) return null;
    var token = String(raw).trim();
    var m = TOKEN_RE.exec(token);
    if (!m || (requirePrefix && !m[3] && !m[1])) return null;
    var nums = numbersOf(m[4]);
    if (!nums.length || nums.length > 10 || nums.some(function (n) { return !(n > 0); })) return null;
    // t3 for a test (t, test, set), p2 for a part, s2 for a section: only tests are recorded apart
    var kind = m[1] ? (/^(t|test|set)$/i.test(m[1]) ? 't' : m[1][0].toLowerCase()) : null;
    return { test: kind ? kind + parseInt(m[2], 10) : null, nums: nums, token: token };
  };

  // Where a control's question token comes from: {token, from, text} or null, where text (if
  // set) is the part of the token the numbers are read from.
  NS.tokenOf = function (el) {
    var holder = el.closest(ATTR_SELECTOR);
    if (holder) {
      for (var i = 0; i < NS.QUESTION_ATTRS.length; i++) {
        var v = holder.getAttribute(NS.QUESTION_ATTRS[i]);
        if (v !== null && v.trim() !== '') return { token: v, from: NS.QUESTION_ATTRS[i], requirePrefix: false };
      }
    }
    for (var j = 0; j < NS.OWN_QUESTION_ATTRS.length; j++) {
      var own = el.getAttribute(NS.OWN_QUESTION_ATTRS[j]);
      if (own && NS.parseToken(own, false)) return { token: own, from: NS.OWN_QUESTION_ATTRS[j], requirePrefix: false };
    }
    var name = el.getAttribute('name');
    if (name) {
      var base = name.replace(/\[\]$/, '');
      if (NS.parseToken(base, false) || QUESTION_LIKE_RE.test(base)) return { token: base, from: 'name', requirePrefix: false };
      // a form's array field (answer[7], answers[q7], response[3][]): the number is its index
      var field = /^[A-Za-z][\w-]{0,30}\[([^\[\]]{1,20})\]$/.exec(base);
      if (field && NS.parseToken(field[1], false)) return { token: base, text: field[1], from: 'name', requirePrefix: false };
      // choices grouped by a name that holds no number ("r1", "colour"): the name still makes
      // them one question's options, numbered by what is printed before them
      if (el.tagName === 'INPUT' && /^(radio|checkbox)$/i.test(el.type)) {
        return { token: base, from: 'name', requirePrefix: false, loose: true };
      }
    }
    var id = el.getAttribute('id');
    if (id && (NS.parseToken(id, true) || QUESTION_LIKE_RE.test(id))) return { token: id, from: 'id', requirePrefix: true };
    return null;
  };

  NS.questionLike = function (token) { return QUESTION_LIKE_RE.test(token); };

  // Text of `container` that comes before `el` in document order (at most ~160 characters).
  function leadingText(container, el) {
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    var out = '';
    var node;
    while ((node = walker.nextNode()) && out.length < 160) {
      if (el.contains(node) || (el.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING)) break;
      out += ' ' + node.nodeValue;
    }
    return out.replace(/\s+/g, ' ').trim();
  }

  var BRACKETED_END_RE = /(?:^|[^\w(\[])[(\[]\s*(\d{1,3})\s*[)\]]\s*$/;
  var NUMBER_ONLY_RE = /^\s*[(\[]?\s*(\d{1,3})\s*[.)\]]?\s*$/;

  // What is printed just before a box in running text (a text node with something in it, or an
  // element), past the elements that only wrap the box.
  function printedJustBefore(el) {
    var start = el;
    while (start.parentElement && start.parentElement.childElementCount === 1 &&
      NS.textOf(start.parentElement) === NS.textOf(start) && start.parentElement !== document.body) {
      start = start.parentElement; // a box wrapped in an element of its own
    }
    for (var node = start.previousSibling; node; node = node.previousSibling) {
      if (node.nodeType === 3 ? /\S/.test(node.nodeValue) : node.nodeType === 1) return node;
    }
    return null;
  }

  // The number printed just before a box in running text, where several boxes share one
  // paragraph: "(14)" or "[14]" ending the text before it, or an element of its own holding
  // only the number ("<b>14</b>", "<span class=num>14.</span>", "<h4>Question 14</h4>" before
  // the box's own block). A bare "14" in a sentence may be the sentence's own number: see
  // NS.numberBare.
  function numberJustBefore(el) {
    var node = printedJustBefore(el);
    if (!node) return null;
    if (node.nodeType === 3) {
      var m = BRACKETED_END_RE.exec(node.nodeValue);
      return m ? parseInt(m[1], 10) : null;
    }
    var own = NUMBER_ONLY_RE.exec(node.textContent || '') || NAMED_NUMBER_RE.exec(NS.textOf(node));
    return own && !node.querySelector('input, select, textarea') ? parseInt(own[1], 10) : null;
  }

  // A bare number ending the text just before a box ("Name: Mr 1 <input>").
  var BARE_END_RE = /(?:^|[\s:(])(\d{1,3})\s*[.…_]*\s*$/;

  NS.bareNumberBefore = function (el) {
    var node = printedJustBefore(el);
    var m = node && node.nodeType === 3 ? BARE_END_RE.exec(node.nodeValue) : null;
    return m ? parseInt(m[1], 10) : null;
  };

  // The number printed for a control: a number-like placeholder, accessible name or title, else
  // the number just before it in running text, else the leading text (or list marker, or id)
  // of its nearest container that holds no other question's control. [first, last] or null.
  NS.printedNumberOf = function (el, othersIn) {
    var ph = el.getAttribute && (el.getAttribute('placeholder') || el.getAttribute('data-placeholder'));
    var m = ph && /^\s*[(\[]?\s*(?:q(?:uestion)?\.?\s*)?(\d{1,3})\s*[.)\]]?\s*$/i.exec(ph);
    if (m) return [parseInt(m[1], 10)];
    var named = el.getAttribute && (el.getAttribute('aria-label') || el.getAttribute('title'));
    m = named && NAMED_NUMBER_RE.exec(named);
    if (m) return [parseInt(m[1], 10)];
    var before = el.matches && !el.matches('input[type=radio], input[type=checkbox]') ? numberJustBefore(el) : null;
    if (before) return [before];
    var own = (el.textContent || '').trim();
    if (el.children && !el.matches('input, select, textarea')) {
      m = /^\s*(?:q(?:uestion)?\.?\s*)?(\d{1,3})\s*[.)]?\s*(?:[_.…\s]*)$/i.exec(own);
      if (m) return [parseInt(m[1], 10)]; // a gap that shows its number
    }
    var node = el.parentElement;
    for (var depth = 0; node && node !== document.body && depth < 6; depth++, node = node.parentElement) {
      if (othersIn(node)) return null;
      m = PRINTED_RE.exec(leadingText(node, el));
      if (m) return m[2] ? [parseInt(m[1], 10), parseInt(m[2], 10)] : [parseInt(m[1], 10)];
      var marker = listNumberOf(node);
      if (marker) return [marker];
      // a block of this question alone, its id naming it ("question-14", "q16")
      var named = node.id ? NS.parseToken(node.id, true) : null;
      if (named) return named.nums.length > 1 ? [named.nums[0], named.nums[named.nums.length - 1]] : [named.nums[0]];
    }
    return null;
  };

  // The number a numbered list shows before an item of it (<ol start=7>, <li value=9>), where
  // the browser draws one: the page prints it, though not in its text.
  function listNumberOf(node) {
    var list = node.parentElement;
    if (node.tagName !== 'LI' || !list || list.tagName !== 'OL' || list.reversed) return null;
    var style = window.getComputedStyle(node);
    if (style.display !== 'list-item' || !/decimal/.test(style.listStyleType)) return null;
    var n = list.hasAttribute('start') ? parseInt(list.getAttribute('start'), 10) : 1;
    if (!(n >= 0)) n = 1;
    for (var item = list.firstElementChild; item; item = item.nextElementSibling) {
      if (item.tagName !== 'LI') continue;
      if (item.hasAttribute('value') && parseInt(item.getAttribute('value'), 10) > 0) n = parseInt(item.getAttribute('value'), 10);
      if (item === node) return n > 0 && n < 1000 ? n : null;
      n++;
    }
    return null;
  }

  // Give each question its printed ids. questions: [{nums, test, controls, printed}] where nums
  // may be null (no number in the token). Sets q.numbers (the numbers to record).
  NS.numberQuestions = function (questions) {
    var offsets = {};
    var pairs = 0;
    questions.forEach(function (q) {
      if (q.nums && q.nums.length === 1 && q.printed && q.printed.length === 1) {
        var d = q.printed[0] - q.nums[0];
        offsets[d] = (offsets[d] || 0) + 1;
        pairs++;
      }
    });
    var best = 0;
    var bestCount = 0;
    Object.keys(offsets).forEach(function (d) {
      if (offsets[d] > bestCount) { best = parseInt(d, 10); bestCount = offsets[d]; }
    });
    var shift = best !== 0 && bestCount >= 2 && bestCount >= 0.8 * pairs && pairs >= 0.5 * questions.length ? best : 0;
    questions.forEach(function (q) {
      if (q.nums) {
        q.numbers = q.nums.map(function (n) { return n + shift; });
        q.numbering = shift ? 'printed' : 'token';
      } else if (q.printed) {
        q.numbers = numbersOf(q.printed.join('-'));
        q.numbering = 'printed';
      } else {
        q.numbers = null;
      }
    });
    return shift;
  };

  // Instructions that name a range of questions ("Questions 27–30"), in page order.
  var RANGE_RE = /\bquestions?\s+(\d{1,3})\s*(?:[-–—~]|to)\s*(\d{1,3})(?!\d)/i;

  function rangeHeadings() {
    var out = [];
    NS.eachText(function (node) {
      var m = RANGE_RE.exec(node.nodeValue);
      var first = m ? parseInt(m[1], 10) : 0;
      var last = m ? parseInt(m[2], 10) : 0;
      if (m && last > first && last - first < 40) out.push({ node: node, first: first, last: last });
      return out.length >= 100;
    });
    return out;
  }

  function follows(node, el) {
    return !!(node.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  }

  // Boxes with no number of their own (no token, none printed) under an instruction that names
  // a range ("Questions 27–30"): where every question between it and the next such instruction
  // is one of them, and there are as many as the range holds, they take its numbers in page
  // order. A section that mixes numbered and unnumbered boxes is left as it is.
  NS.numberRanges = function (questions) {
    var numberless = function (q) { return !q.numbers && (!q.element || q.loose); };
    if (!questions.some(numberless)) return;
    var used = {};
    questions.forEach(function (q) { (q.numbers || []).forEach(function (n) { used[n] = true; }); });
    var headings = rangeHeadings();
    headings.forEach(function (h, i) {
      var next = headings[i + 1];
      var run = questions.filter(function (q) {
        return follows(h.node, q.controls[0]) && !(next && follows(next.node, q.controls[0]));
      });
      if (run.length !== h.last - h.first + 1 || !run.every(numberless)) return;
      for (var n = h.first; n <= h.last; n++) if (used[n]) return;
      run.forEach(function (q, k) {
        q.numbers = [h.first + k];
        q.numbering = 'printed';
        used[h.first + k] = true;
      });
    });
  };

  // Boxes after bare numbers in running text ("Name: Mr 1 <input> ... Phone: 2 <input>"). A
  // number in a sentence may be the sentence's own ("It has 12 <input> rooms"), so such a number
  // is taken only in a run of questions in page order, two or more, each numbered one more than
  // the one before (the others numbered by any means), and not taken by another question.
  NS.numberBare = function (questions) {
    var used = {};
    questions.forEach(function (q) { (q.numbers || []).forEach(function (n) { used[n] = true; }); });
    var run = [];
    function close() {
      var bare = run.filter(function (r) { return !r.q.numbers; });
      if (run.length >= 2 && !bare.some(function (r) { return used[r.first]; })) {
        bare.forEach(function (r) { r.q.numbers = [r.first]; r.q.numbering = 'printed'; used[r.first] = true; });
      }
      run = [];
    }
    questions.forEach(function (q) {
      var n = q.numbers ? null : !q.element && !CHOICE_KINDS[q.kind] ? NS.bareNumberBefore(q.controls[0]) : null;
      var r = q.numbers ? { q: q, first: q.numbers[0], last: q.numbers[q.numbers.length - 1] }
        : n === null ? null : { q: q, first: n, last: n };
      if (!r || (run.length && r.first !== run[run.length - 1].last + 1)) close();
      if (r) run.push(r);
    });
    close();
  };

  var CHOICE_KINDS = { radio: true, checkbox: true };

  // The question ids to record: printed numbers, prefixed by the test on a multi-test page.
  NS.idsOf = function (q, multiTest) {
    return q.numbers.map(function (n) { return multiTest && q.test ? q.test + '.' + n : String(n); });
  };
})();
