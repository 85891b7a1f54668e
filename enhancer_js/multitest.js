/*
 * multitest.js: a page that holds several tests (a listening file with tests 1 to 7, each with
 * its own audio, questions, tab and submit button). Each test submitted is a record of its own.
 *
 * A question belongs to a test by its token's prefix (t3_q11) or, on a page that numbers every
 * test from 1, by the panel it sits in: an ancestor with data-test="3" (or data-test-id,
 * data-set), an id such as "test-3", "t3" or "test3-panel", or a tab panel whose tab says
 * "Test 3". A test's panel is the largest element that holds its controls and no other test's.
 * Each test is reported with its title (its tab's text, else the panel's first heading), the
 * tab a learner clicks to see it, and its own submit button.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  var PANEL_ID_RE = /^(?:t|test|set)[-_]?(\d{1,2})(?:[-_]?(?:panel|pane|content|section|tab|body))?$/i;
  var ATTR_VALUE_RE = /^(?:t|test|set)?[-_ ]?(\d{1,2})$/i;
  var LABEL_RE = /\b(?:test|set)\s*(\d{1,2})\b/i;
  var TEST_ATTRS = ['data-test', 'data-test-id', 'data-set'];
  var CLICKABLE = 'button, a, [role=tab], [role=button], li, label';

  function testName(n) { return 't' + parseInt(n, 10); }

  // The tab that shows `panel`: aria-controls, a link to its id, data-target/data-tab naming it.
  function tabFor(panel) {
    if (!panel.id) return null;
    var id = CSS.escape(panel.id);
    return document.querySelector(
      '[aria-controls="' + id + '"], [href="#' + id + '"], [data-target="#' + id + '"], ' +
        '[data-bs-target="#' + id + '"], [data-tab="' + id + '"], [data-panel="' + id + '"]'
    );
  }

  // The test a control sits in by its panel, where its token names none: "t3" or null.
  NS.panelTestOf = function (el) {
    for (var node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      for (var i = 0; i < TEST_ATTRS.length; i++) {
        var m = ATTR_VALUE_RE.exec((node.getAttribute(TEST_ATTRS[i]) || '').trim());
        if (m) return testName(m[1]);
      }
      var byId = node.id && PANEL_ID_RE.exec(node.id);
      if (byId) return testName(byId[1]);
      if (node.getAttribute('role') === 'tabpanel') {
        var tab = tabFor(node) || document.getElementById(node.getAttribute('aria-labelledby') || '');
        var byTab = tab && LABEL_RE.exec(NS.textOf(tab));
        if (byTab) return testName(byTab[1]);
      }
    }
    return null;
  };

  // The largest element holding every control of `mine` and none of `others`.
  function panelOf(mine, others) {
    var node = mine[0];
    while (node && !mine.every(function (c) { return node.contains(c); })) node = node.parentElement;
    if (!node || others.some(function (c) { return node.contains(c); })) return null;
    while (node.parentElement && node.parentElement !== document.body &&
      !others.some(function (c) { return node.parentElement.contains(c); })) node = node.parentElement;
    return node;
  }

  // A clickable element outside every panel whose text names test `n` (a tab bar of buttons).
  function tabByLabel(n, panels) {
    var els = document.querySelectorAll(CLICKABLE);
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (panels.some(function (p) { return p && p.contains(el); })) continue;
      var m = LABEL_RE.exec(NS.textOf(el)) || /^\s*T\s?(\d{1,2})\s*$/.exec(NS.textOf(el));
      if (m && parseInt(m[1], 10) === n && NS.textOf(el).length <= 80) return el;
    }
    return null;
  }

  // The tab of a panel: one that names the panel or an element inside it, else one by label.
  function tabOf(panel, n, panels) {
    var direct = tabFor(panel);
    if (direct) return direct;
    var inner = panel.querySelectorAll('[id]');
    for (var i = 0; i < inner.length && i < 50; i++) {
      var t = tabFor(inner[i]);
      if (t && !panel.contains(t)) return t;
    }
    return tabByLabel(n, panels);
  }

  function titleOf(panel, tab, n) {
    if (tab && NS.textOf(tab)) return NS.cut(NS.textOf(tab), 200);
    var heading = panel.querySelector('h1, h2, h3, h4, legend, caption');
    if (heading && NS.textOf(heading)) return NS.cut(NS.textOf(heading), 200);
    return 'Test ' + n;
  }

  function submitIn(panel) {
    return NS.submitControls(panel)[0] || null;
  }

  // The tests of a multi-test page: [{id, title, questionIds, tab, submit, panel}] (panel is
  // the element, for the scope of a submit; the rest goes to the recorder).
  var cached = { questions: null, tests: [] }; // per scan: the scan is redone when the DOM changes
  NS.pageTests = function () {
    var questions = NS.findQuestions();
    if (cached.questions !== questions) cached = { questions: questions, tests: findTests(questions) };
    return cached.tests;
  };

  function findTests(questions) {
    var byTest = {};
    var order = [];
    questions.forEach(function (q) {
      if (!q.test || q.test[0] !== 't') return; // parts and sections are one test's
      if (!byTest[q.test]) { byTest[q.test] = { id: q.test, questionIds: [], controls: [] }; order.push(q.test); }
      byTest[q.test].questionIds = byTest[q.test].questionIds.concat(q.ids);
      byTest[q.test].controls = byTest[q.test].controls.concat(q.controls);
    });
    if (order.length < 2) return [];
    var tests = order.map(function (id) { return byTest[id]; });
    tests.forEach(function (t) {
      var others = [];
      tests.forEach(function (o) { if (o !== t) others = others.concat(o.controls); });
      t.panel = panelOf(t.controls, others);
    });
    var panels = tests.map(function (t) { return t.panel; });
    return tests.map(function (t) {
      var n = parseInt(t.id.slice(1), 10);
      var tab = t.panel ? tabOf(t.panel, n, panels) : tabByLabel(n, panels);
      var submit = t.panel ? submitIn(t.panel) : null;
      return {
        id: t.id,
        title: t.panel ? titleOf(t.panel, tab, n) : (tab ? NS.cut(NS.textOf(tab), 200) : 'Test ' + n),
        questionIds: t.questionIds,
        tab: tab ? NS.cssPath(tab) : null,
        submit: submit ? NS.cssPath(submit) : null,
        panel: t.panel,
      };
    });
  }

  // The tests an element belongs to (a submit button or a results block inside a test's panel):
  // [id], or null where it sits outside every test (a submit for the whole page).
  NS.testsWithin = function (el, tests) {
    for (var i = 0; i < tests.length; i++) if (tests[i].panel && tests[i].panel.contains(el)) return [tests[i].id];
    return null;
  };

  // What the recorder is told: the tests without their elements.
  NS.describeTests = function (tests) {
    return tests.map(function (t) {
      return { id: t.id, title: t.title, questionIds: t.questionIds.slice(0, 500), tab: t.tab, submit: t.submit };
    });
  };
})();
