/*
 * widgets.js: the kinds of answer widget, one registry entry per kind.
 *
 * The set of kinds is closed and shared with Python (recorder/protocol.py WidgetKind; a test
 * checks both lists agree). Each entry says how to recognise the widget, read its answer, list
 * the values it can take and describe it for the scripted learner (a selector per control or
 * per item, with its value). Adding a kind is one entry here and one in recorder/autoplay.py.
 *
 * Choices a page built of its own elements (ARIA roles, or elements marked with a class when
 * clicked) are picks.js's: their group is the question's control (pick: one; picks: several).
 *
 * Drag and drop is recognised by behaviour and structure, not by a class list: a drop zone is
 * an element that takes drops (a drop listener, ondrop, dropzone, data-drop, or a class that
 * says drop/gap/slot) and answers one question; an item is a draggable element. An item's value
 * is in one of several data attributes, else its label ("K long yawns" is K, "iv. A luxury
 * item" is iv, a plain word is itself). Pools that copy an item into a gap are read from the
 * gap's contents: the copied item, else the text the gap shows once filled.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  var VALUE_ATTRS = [
    'data-value', 'data-heading', 'data-option', 'data-word', 'data-answer-value', 'data-key',
    'data-letter', 'data-choice', 'data-answer', 'data-id',
  ];
  NS.VALUE_ATTRS = VALUE_ATTRS;
  // Items dragged by the mouse a page follows itself (no draggable attribute), as drag libraries
  // mark them: a class that says so ("ui-draggable", "drag-item", "draggable-word"), or
  // data-draggable / data-drag.
  var DRAG_CLASS_RE = /(^|\s)(?:ui-)?draggable(?:[-_](?:item|word|option|chip|card|tile|answer))?(\s|$)|(^|\s)drag[-_]?(?:item|word|option|chip|card|tile|answer)(\s|$)/i;
  var DRAGGABLE = '[draggable=true], [class*=drag], [data-draggable], [data-drag]';

  function isDraggable(el) {
    if (el.getAttribute('draggable') === 'false') return false;
    return el.getAttribute('draggable') === 'true' || el.hasAttribute('data-draggable') || el.hasAttribute('data-drag') ||
      DRAG_CLASS_RE.test(typeof el.className === 'string' ? el.className : '');
  }

  NS.isDraggable = isDraggable;

  // Every element of the page a learner can drag.
  NS.draggables = function () {
    return Array.prototype.filter.call(document.querySelectorAll(DRAGGABLE), isDraggable);
  };
  var ITEM_SELECTOR = DRAGGABLE + ', ' + VALUE_ATTRS.slice(0, 8).map(function (a) { return '[' + a + ']'; }).join(', ');
  NS.ORDER = '[data-order], .sortable';
  var DROP_CLASS_RE = /(^|[-_\s])(drop|dropzone|droppable|gap|slot|blank)([-_\s]|$)|drop(zone|target|area)/i;
  var LABEL_RE = /^\s*([A-Z]|[ivxlc]{1,6}|[IVXLC]{1,6}|\d{1,2})(?:[.):]\s*|\s+)(?=\S)/;

  // Elements the page gave a drop listener (seen as it adds them: core.js wraps addEventListener).
  NS.takesDrops = function (el) {
    return (NS.dropTargets && NS.dropTargets.has(el)) || el.__ieltsZone === true || el.hasAttribute('ondrop') ||
      el.hasAttribute('dropzone') || el.hasAttribute('data-drop') ||
      DROP_CLASS_RE.test(typeof el.className === 'string' ? el.className : '');
  };

  // What a dragged item stands for.
  NS.itemValue = function (item) {
    for (var i = 0; i < VALUE_ATTRS.length; i++) {
      var v = item.getAttribute(VALUE_ATTRS[i]);
      if (v !== null && v.trim() !== '') return v.trim();
    }
    return labelValue(item.textContent || '');
  };

  function labelValue(text) {
    var t = text.replace(/\s+/g, ' ').trim();
    var m = LABEL_RE.exec(t);
    return m ? m[1] : t;
  }

  function isItem(el) {
    return isDraggable(el) || VALUE_ATTRS.slice(0, 8).some(function (a) { return el.hasAttribute(a); });
  }

  NS.itemsIn = function (container) {
    return Array.prototype.filter.call(container.children, isItem);
  };

  // The drop zones of the last scan (collect.js sets them): an item inside one is placed.
  var zones = [];
  NS.setZones = function (found) {
    zones = found;
  };

  // Every draggable item still in a pool (not in an ordering list, not placed in a gap), nearest
  // to `zone` first (a pool per group), one per value: the learner takes an item from the
  // target's own group.
  // ownGroup: only the items of the nearest pool (what a learner picks from for this gap).
  NS.dragItems = function (zone, ownGroup) {
    var all = NS.draggables().filter(function (el) {
      if (el.closest(NS.ORDER) || NS.itemValue(el) === '') return false;
      return !zones.some(function (z) { return z.contains(el); });
    });
    if (zone) {
      var depth = function (el) {
        var n = 0;
        for (var a = el.parentElement; a && !a.contains(zone); a = a.parentElement) n++;
        return n;
      };
      var ranked = all.map(function (el, i) { return { el: el, d: depth(el), i: i }; })
        .sort(function (a, b) { return a.d - b.d || a.i - b.i; });
      all = ranked.map(function (x) { return x.el; });
      if (ownGroup && ranked.length) {
        all = ranked.filter(function (x) { return x.d === ranked[0].d; }).map(function (x) { return x.el; });
      }
    }
    var seen = {};
    return all.filter(function (el) {
      var v = NS.itemValue(el);
      if (seen[v]) return false;
      seen[v] = true;
      return true;
    });
  };

  function dropAnswer(zone) {
    var item = zone.querySelector(ITEM_SELECTOR);
    if (item && NS.itemValue(item) !== '') return NS.itemValue(item);
    var hidden = zone.querySelector('input[type=hidden]');
    if (hidden && hidden.value) return hidden.value;
    var text = (zone.textContent || '').replace(/\s+/g, ' ').trim();
    if (zone.__ieltsEmptyText === undefined) zone.__ieltsEmptyText = text;
    if (text === '' || text === zone.__ieltsEmptyText) return null;
    return labelValue(text);
  }

  // The letter (or roman numeral, small or capital) a page prints before a choice: "B the new
  // harbour", "(C)", "iv. A luxury item", "IV. A luxury item". A key may name the choice by it,
  // or by its words, where the control's value is something else.
  var PRINTED_LETTER_RE = /^\s*\(?([A-Z]|i{1,3}|iv|vi{0,3}|ix|xi{0,2}|I{1,3}|IV|VI{0,3}|IX|XI{0,2})\s*[.):]?(?=\s|$)/;

  // As printed ("iv"), and as a key may name it (capitals).
  function printedMark(text) {
    var m = PRINTED_LETTER_RE.exec(String(text || '').replace(/\s+/g, ' '));
    return m ? m[1] : null;
  }

  function printedLetter(text) {
    var mark = printedMark(text);
    return mark && mark.toUpperCase();
  }

  // The choices as a key may name them: {by letter: {printed letter: value}, by text: {shown
  // words, lower case, without the letter: value}}, from [label text, value] pairs.
  function namedChoices(pairs) {
    var out = { byLetter: {}, byText: {} };
    pairs.forEach(function (p) {
      var shown = String(p[0] || '').replace(/\s+/g, ' ').trim();
      var letter = printedLetter(shown);
      if (letter && out.byLetter[letter] === undefined) out.byLetter[letter] = p[1];
      var words = shown.replace(PRINTED_LETTER_RE, '').replace(/^[\s.):]+/, '').trim().toLowerCase();
      if (words && out.byText[words] === undefined) out.byText[words] = p[1];
    });
    return out;
  }

  // A control's label: the one around it, else the one that names it (for=), else null.
  function labelOf(control) {
    return control.closest('label') ||
      (control.id ? document.querySelector('label[for="' + CSS.escape(control.id) + '"]') : null);
  }

  // The text shown with a radio or checkbox: its label, else the text that follows it, else
  // its accessible name, else the head of its column in a grid.
  function choiceText(c) {
    var label = labelOf(c);
    if (label) return label.textContent;
    var text = '';
    for (var n = c.nextSibling; n && text.length < 60; n = n.nextSibling) {
      if (n.nodeType === 1 && n.matches('input, select, textarea, br, p, div, li')) break;
      text += n.textContent || '';
    }
    return /\S/.test(text) ? text : c.getAttribute('aria-label') || c.getAttribute('title') || columnHead(c);
  }

  // A choice in a grid (a matching table: a row per question, a column per option) is printed
  // once, at the head of its column: the first row's cell above it.
  function columnHead(c) {
    var cell = c.closest('td, th');
    var table = cell && cell.closest('table');
    var head = table && (table.tHead && table.tHead.rows[0] || table.rows[0]);
    if (!head || head === cell.parentElement) return '';
    var at = 0;
    for (var i = 0; i < cell.cellIndex; i++) at += cell.parentElement.cells[i].colSpan;
    for (var j = 0, col = 0; j < head.cells.length; col += head.cells[j].colSpan, j++) {
      if (col + head.cells[j].colSpan > at) return col === at ? head.cells[j].textContent : '';
    }
    return '';
  }

  // What a radio or checkbox stands for: its value; where the page gave it none (every such
  // choice reads "on"), the letter or numeral printed before its words, as printed, else its
  // words.
  function choiceValue(c) {
    if (c.hasAttribute('value')) return c.value;
    var text = String(choiceText(c) || '').replace(/\s+/g, ' ').trim();
    return printedMark(text) || text || c.value;
  }

  NS.choiceValue = choiceValue;

  function choicesOf(q) {
    return namedChoices(q.controls.map(function (c) { return [choiceText(c), choiceValue(c)]; }));
  }

  // A list's option that only asks for a choice: an empty value, or as the first option a
  // disabled one or one that says so ("Select", "--", "Choose a heading", "Please pick").
  var PROMPT_RE = /^(?:[-–—_.…\s]*|(?:please\s+)?(?:select|choose|pick)\b.*)$/i;

  function isPrompt(option) {
    if (option.value === '') return true;
    return option.index === 0 && (option.disabled || PROMPT_RE.test(NS.textOf(option)));
  }

  // A list's options that are answers (not its "choose..." option).
  function answerOptions(q) {
    return Array.prototype.filter.call(q.controls[0].options, function (o) { return !isPrompt(o); });
  }

  // The options of a choice the page built, and what each stands for (pickValue): a value
  // attribute, else the letter printed before its words, else its words.
  function pickOptions(q) {
    return NS.pickOptionsOf(q.controls[0]);
  }

  function pickedOnes(q) {
    var options = pickOptions(q);
    var on = options.filter(NS.isPicked);
    var shown = on.length ? null : NS.choiceShownOn(q.controls[0], options);
    return (shown ? [shown] : on).map(pickValue);
  }

  function pickValue(option) {
    var inner = NS.pickTarget(option);
    for (var i = 0; i < VALUE_ATTRS.length; i++) {
      var v = option.getAttribute(VALUE_ATTRS[i]) || inner.getAttribute(VALUE_ATTRS[i]);
      if (v !== null && v.trim() !== '') return v.trim();
    }
    var text = NS.textOf(option);
    return printedMark(text) || text;
  }

  NS.pickValue = pickValue;

  function pickChoices(q) {
    return namedChoices(pickOptions(q).map(function (o) { return [o.textContent, pickValue(o)]; }));
  }

  function describePicks(q) {
    return pickOptions(q).map(function (o) { return { selector: NS.cssPath(NS.pickTarget(o)), value: pickValue(o) }; });
  }

  function checkedValues(q) {
    return q.controls.filter(function (c) { return c.checked; }).map(choiceValue);
  }

  function single(q) {
    return [{ selector: NS.cssPath(q.controls[0]), value: null }];
  }

  function perControl(q) {
    return q.controls.map(function (c) { return { selector: NS.cssPath(clickedFor(c)), value: choiceValue(c) }; });
  }

  // What a learner clicks for a radio or checkbox: the control, or its label where the page
  // hides the control behind it (choices styled as cards: display:none, or transparent and a
  // pixel wide). Playwright checks a control through its label, and reads its state from it.
  function clickedFor(control) {
    if (shown(control)) return control;
    var label = labelOf(control);
    return label && shown(label) ? label : control;
  }

  function shown(el) {
    var box = el.getBoundingClientRect();
    if (box.width < 4 || box.height < 4) return false;
    var style = window.getComputedStyle(el);
    return style.visibility !== 'hidden' && parseFloat(style.opacity) > 0.05;
  }

  NS.WIDGETS = {
    order: {
      matches: function (el) { return el.matches(NS.ORDER); },
      values: function (q) { return NS.itemsIn(q.controls[0]).map(NS.itemValue); },
      readAll: function (q) {
        var items = NS.itemsIn(q.controls[0]);
        var moved = q.controls[0].__ieltsMoved || q.controls[0].hasAttribute('data-answered');
        var out = {};
        q.ids.forEach(function (id, n) { out[id] = moved && items[n] ? NS.itemValue(items[n]) : null; });
        return out;
      },
      describe: function (q) {
        return single(q).concat(NS.itemsIn(q.controls[0]).map(function (it) {
          return { selector: NS.itemSelector(it), value: NS.itemValue(it) };
        }));
      },
    },
    pick: {
      matches: function (el) { return NS.isPickGroup(el) && !NS.picksSeveral(el); },
      values: function (q) { return pickOptions(q).map(pickValue); },
      choices: pickChoices,
      // One option picked; a page that lets several be picked where one was asked gives them all.
      read: function (q) {
        var on = pickedOnes(q);
        return on.length > 1 ? on : on[0] || null;
      },
      describe: describePicks,
    },
    picks: {
      matches: function (el) { return NS.isPickGroup(el) && NS.picksSeveral(el); },
      values: function (q) { return pickOptions(q).map(pickValue); },
      choices: pickChoices,
      read: pickedOnes,
      describe: describePicks,
    },
    drop: {
      // a box the learner types into is one, whatever its class says ("gap", "blank")
      matches: function (el) {
        return !el.matches('input, select, textarea, [contenteditable=""], [contenteditable=true]') && NS.takesDrops(el);
      },
      values: function (q) { return NS.dragItems(q.controls[0], true).map(NS.itemValue); },
      read: function (q) { return dropAnswer(q.controls[0]); },
      describe: function (q) {
        return single(q).concat(NS.dragItems(q.controls[0]).map(function (it) {
          return { selector: NS.itemSelector(it), value: NS.itemValue(it) };
        }));
      },
    },
    editable: {
      matches: function (el) { return el.isContentEditable && !('value' in el); },
      values: function () { return []; },
      read: function (q) {
        var t = (q.controls[0].innerText || q.controls[0].textContent || '').trim();
        return t === '' ? null : t;
      },
      describe: single,
    },
    // a list that takes several (<select multiple>): a "choose TWO" set's answers
    selects: {
      matches: function (el) { return el.tagName === 'SELECT' && el.multiple; },
      values: function (q) { return answerOptions(q).map(function (o) { return o.value; }); },
      choices: function (q) { return NS.WIDGETS.select.choices(q); },
      read: function (q) {
        return answerOptions(q).filter(function (o) { return o.selected; }).map(function (o) { return o.value; });
      },
      describe: single,
    },
    select: {
      matches: function (el) { return el.tagName === 'SELECT'; },
      values: function (q) { return answerOptions(q).map(function (o) { return o.value; }); },
      choices: function (q) {
        return namedChoices(answerOptions(q).map(function (o) { return [o.textContent, o.value]; }));
      },
      read: function (q) {
        var chosen = q.controls[0].options[q.controls[0].selectedIndex];
        return chosen && !isPrompt(chosen) ? chosen.value : null;
      },
      describe: single,
    },
    radio: {
      matches: function (el) { return el.type === 'radio'; },
      values: function (q) { return q.controls.map(choiceValue); },
      choices: choicesOf,
      read: function (q) { return checkedValues(q)[0] || null; },
      describe: perControl,
    },
    checkbox: {
      matches: function (el) { return el.type === 'checkbox'; },
      values: function (q) { return q.controls.map(choiceValue); },
      choices: choicesOf,
      read: checkedValues,
      describe: perControl,
    },
    text: {
      matches: function () { return true; },
      values: function () { return []; },
      read: function (q) {
        var v = q.controls[0].value;
        return v === '' || v === null || v === undefined ? null : String(v);
      },
      describe: single,
    },
  };
  // Tried in this order: the first kind whose matches() holds is the widget's kind.
  NS.WIDGET_ORDER = ['order', 'pick', 'picks', 'drop', 'editable', 'selects', 'select', 'radio', 'checkbox', 'text'];

  NS.kindOf = function (el) {
    for (var i = 0; i < NS.WIDGET_ORDER.length; i++) {
      if (NS.WIDGETS[NS.WIDGET_ORDER[i]].matches(el)) return NS.WIDGET_ORDER[i];
    }
    return 'text';
  };

  // A selector for a draggable item that still finds it after it has been moved.
  NS.itemSelector = function (item) {
    if (item.id && document.querySelectorAll('#' + CSS.escape(item.id)).length === 1) return '#' + CSS.escape(item.id);
    for (var i = 0; i < VALUE_ATTRS.length; i++) {
      var value = item.getAttribute(VALUE_ATTRS[i]);
      if (value === null) continue;
      var attr = '[' + VALUE_ATTRS[i] + '="' + value.replace(/["\\]/g, '\\$&') + '"]';
      var sel = item.getAttribute('draggable') === 'true' ? '[draggable="true"]' + attr : attr;
      if (document.querySelectorAll(sel).length === 1) return sel;
    }
    return NS.cssPath(item);
  };
})();
