// The key written in the page's own text for a learner to reveal: an answer-key section (a
// block named or headed "Answer key", "Answers", "Solutions", "答案", its answers as a numbered
// list, a table of number and answer, or lines "14 delta"), or an answer under each question
// ("Answer: delta", "Correct answer: B") hidden until a "Show answer" button shows it. Read as
// text, whether shown or not; never a line that is the learner's ("Your answer: ...").
(function () {
  var NS = window.__ieltsRecorderNS;

  var SECTION_NAME_RE = /(?:^|[-_\s])(?:answer[-_\s]?keys?|answers|solutions?|key)(?:$|[-_\s])/i;
  var SECTION_HEAD_RE = /^\s*(?:answer\s*keys?|answers|solutions?|correct\s+answers|参考答案|答案|正确答案|標準答案|정답)\s*[:：]?\s*$/i;
  var LINE_RE = /^\s*(?:q(?:uestion)?\.?\s*)?(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?\s*[.):：]?\s+(\S.{0,120}?)\s*$/i;
  var ANSWER_LINE_RE = /^\s*(?:(?:the\s+)?(?:correct|right|model)\s+)?(?:answer|ans\.?|key|solution)s?\s*[:：]\s*(\S.{0,120}?)\s*$/i;
  var YOURS_NAME_RE = /your|user|given|learner|student|my[-_A-Z]|mine/;
  var YOURS_RE = /\b(?:your|you|learner|given)\b|你的|您的|我的/i;
  var CONTROLS = 'input, select, textarea, [contenteditable]';

  // Blocks named as an answer key (id or class), or headed as one (the heading's parent).
  function sections() {
    var out = [];
    var named = document.querySelectorAll('[id], [class]');
    for (var i = 0; i < named.length && out.length < 20; i++) {
      var name = (named[i].id || '') + ' ' + (named[i].getAttribute('class') || '');
      if (SECTION_NAME_RE.test(name) && !YOURS_NAME_RE.test(name) && !named[i].querySelector(CONTROLS)) out.push(named[i]);
    }
    var heads = document.querySelectorAll('h1, h2, h3, h4, h5, h6, summary, caption, dt, strong, b');
    for (var j = 0; j < heads.length && out.length < 20; j++) {
      var block = heads[j].parentElement;
      if (SECTION_HEAD_RE.test(NS.textOf(heads[j])) && block && block !== document.body && !block.querySelector(CONTROLS)) {
        out.push(block);
      }
    }
    return out;
  }

  // [first, last, answer] rows of a section (NS.rowEntries): its list items (numbered as the
  // list shows them), its table rows (a number, then the answer), else its lines that begin
  // with a number.
  function entriesIn(section) {
    var entries = [];
    var items = section.querySelectorAll('ol > li');
    for (var i = 0; i < items.length; i++) {
      var list = items[i].parentElement;
      var start = list.hasAttribute('start') ? parseInt(list.getAttribute('start'), 10) || 1 : 1;
      var at = Array.prototype.indexOf.call(list.children, items[i]);
      var line = LINE_RE.exec(NS.textOf(items[i]));
      entries.push(line ? line.slice(1, 4) : [String(start + at), null, NS.textOf(items[i])]);
    }
    var rows = section.querySelectorAll('tr');
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].cells;
      var number = cells.length >= 2 ? NS.ROW_NUMBER_RE.exec(NS.textOf(cells[0])) : null;
      if (number && NS.textOf(cells[1])) entries.push([number[1], number[2], NS.textOf(cells[1])]);
    }
    if (entries.length) return entries;
    NS.eachText(function (node) {
      var m = LINE_RE.exec(node.nodeValue);
      if (m) entries.push(m.slice(1, 4));
      return entries.length > 300;
    }, section);
    return entries;
  }

  function fromSections() {
    var best = null;
    sections().forEach(function (section) {
      var entries = NS.rowEntries(entriesIn(section));
      var found = entries.length >= 2 ? NS.mapKey(entries, null) : null;
      if (found && found.hits >= 2 && found.hits >= 0.5 * found.count && (!best || found.hits > best.hits)) best = found;
    });
    return best ? best.key : null;
  }

  // The block of one question alone: the widest ancestor of its first control that holds no
  // other question's control.
  function blockOf(q, owner) {
    var block = null;
    for (var node = q.controls[0].parentElement; node && node !== document.body; node = node.parentElement) {
      var inside = node.querySelectorAll(CONTROLS);
      for (var i = 0; i < inside.length; i++) if (owner.has(inside[i]) && owner.get(inside[i]) !== q) return block;
      block = node;
    }
    return block;
  }

  // "Answer: delta" in a question's own block, outside its controls.
  function fromQuestionBlocks() {
    var all = NS.findQuestions();
    var owner = new Map();
    all.forEach(function (q) { q.controls.forEach(function (c) { owner.set(c, q); }); });
    var questions = all.filter(function (q) { return q.ids.length === 1; });
    var out = {};
    var count = 0;
    questions.forEach(function (q) {
      var block = blockOf(q, owner);
      var found = null;
      if (block) {
        NS.eachText(function (node, parent) {
          if (parent.closest(CONTROLS) || YOURS_RE.test(parent.textContent || '')) return false;
          var m = ANSWER_LINE_RE.exec(NS.textOf(parent));
          found = m ? m[1] : null;
          return !!found;
        }, block);
      }
      if (found) { out[q.ids[0]] = found; count++; }
    });
    return count >= 2 ? out : null;
  }

  NS.keyInAnswerText = function () {
    return fromSections() || fromQuestionBlocks();
  };
})();
