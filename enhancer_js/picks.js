/*
 * picks.js: choices a page built of its own elements, with no form control (the widget kinds
 * pick, one of them, and picks, some of them: widgets.js).
 *
 * Two shapes, each group answering one question, numbered as any control is (ids.js):
 * - ARIA: a radiogroup of role=radio (one), a listbox of role=option (one, or several where
 *   aria-multiselectable), a set of role=checkbox (several). The page marks the learner's choice
 *   aria-checked or aria-selected.
 * - Plain elements the page only marks with a class when clicked ("selected", "active",
 *   "chosen"): two or more children of one element, each standing for a choice (a value
 *   attribute, or a printed letter or judgement: "B ...", "iv. ...", "NOT GIVEN"), taking the
 *   learner's click (a click listener on it or its list, onclick, a button, the pointer cursor)
 *   and holding no form control. Question palettes ("1", "2", ...), tabs ("Test 2"), navigation
 *   ("Next"), submit controls and items to drag are not choices. An option may only wrap the
 *   part that takes the click and holds the value (a list item around a lettered button, a row
 *   around a role=button, a cell around a button): that part is what is clicked and read.
 * Either shape may sit in a menu of the page's own, hidden until its opener is clicked (a
 * dropdown with no <select> behind it): the scripted learner opens it first (NS.openerOf).
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  var ARIA_OPTION = '[role=radio], [role=checkbox], [role=option]';
  var ARIA_GROUP = '[role=radiogroup], [role=listbox], [role=group]';
  // The value attributes that make an element a choice: those widgets.js reads an item's value
  // from, but for the words of a bank, a list of headings, and a value or id of no choice.
  var NOT_CHOICE_ATTRS = ['data-word', 'data-heading', 'data-answer-value', 'data-id'];
  var VALUE_ATTRS = NS.VALUE_ATTRS.filter(function (a) { return NOT_CHOICE_ATTRS.indexOf(a) < 0; });
  var TOGGLE_CANDIDATES = VALUE_ATTRS.map(function (a) { return '[' + a + ']'; }).join(', ') +
    ', [class*=option], [class*=choice], button, li';
  var PICKED_CLASS_RE = /(^|[-_\s])(selected|active|chosen|checked|picked)($|[-_\s])/i;
  var CHOICE_TEXT_RE = /^\(?(?:[A-H]|[ivx]{1,4}|[IVX]{1,4})(?:[.):]|\s|$)|^(?:TRUE|FALSE|NOT GIVEN|YES|NO)$/;
  var NOT_CHOICE_RE = /^(?:(?:test|part|passage|section|question|q)\s*\d{1,2}|\d{1,3}|next|prev(?:ious)?|back|previous|continue)$/i;
  var NOT_TEXT = /^(SCRIPT|STYLE|TEMPLATE|BR)$/;
  var MAX_TEXT = 300;

  var groups = new Set(); // of the last NS.pickGroups()

  function ariaOptions(group) {
    var first = group.querySelector(ARIA_OPTION);
    if (!first) return [];
    return Array.prototype.slice.call(group.querySelectorAll('[role=' + first.getAttribute('role') + ']'));
  }

  // The element that holds an ARIA option's group: its radiogroup, listbox or group, else the
  // nearest ancestor holding another option of its role.
  function ariaGroupOf(option) {
    var group = option.closest(ARIA_GROUP);
    if (group) return group;
    var role = '[role=' + option.getAttribute('role') + ']';
    for (var node = option.parentElement; node && node !== document.body; node = node.parentElement) {
      if (node.querySelectorAll(role).length > 1) return node;
    }
    return null;
  }

  var VALUED = VALUE_ATTRS.map(function (a) { return '[' + a + ']'; }).join(', ');
  var INNER_CHOICE = 'button, [role=button], [onclick], ' + VALUED;

  function valued(el) {
    return VALUE_ATTRS.some(function (a) { return (el.getAttribute(a) || '').trim() !== ''; });
  }

  // The one element inside an option that takes its click (a button, role=button, onclick, or
  // one with a value attribute), where the option only wraps it; else null.
  function innerChoice(option) {
    var inner = option.querySelectorAll(INNER_CHOICE);
    return inner.length === 1 ? inner[0] : null;
  }

  // What the learner clicks for an option: the part it wraps, else the option itself.
  NS.pickTarget = function (option) {
    return innerChoice(option) || option;
  };

  function clickable(el, parent) {
    var clicks = NS.clickTargets;
    if (el.hasAttribute('onclick') || el.matches('button, [role=button], a[href="#"], a:not([href])')) return true;
    for (var node = el, up = 0; node && up < 4; node = node.parentElement, up++) {
      if (clicks && clicks.has(node)) return true;
      if (node !== el && node !== parent && node.hasAttribute('onclick')) return true;
    }
    return window.getComputedStyle(el).cursor === 'pointer';
  }

  function isToggleOption(el, parent) {
    if (NOT_TEXT.test(el.tagName) || NS.isDraggable(el) || el.matches('[role=tab], a[href]:not([href="#"])')) return false;
    if (el.querySelector('input, select, textarea, [draggable=true]')) return false;
    var text = NS.textOf(el);
    if (!text || text.length > MAX_TEXT || NOT_CHOICE_RE.test(text)) return false;
    var inner = innerChoice(el);
    if (!valued(el) && !(inner && valued(inner)) && !CHOICE_TEXT_RE.test(text)) return false;
    if (NS.isSubmitControl && (NS.isSubmitControl(el) || (inner && NS.isSubmitControl(inner)))) return false;
    return clickable(el, parent) || (!!inner && clickable(inner, parent));
  }

  // The children of `parent` that are choices (most of its children, two at least, each of its
  // own value), else none.
  function toggleOptions(parent) {
    var kids = Array.prototype.filter.call(parent.children, function (c) { return !NOT_TEXT.test(c.tagName); });
    var options = kids.filter(function (c) { return isToggleOption(c, parent); });
    if (options.length < 2 || options.length * 2 < kids.length) return [];
    var values = options.map(NS.pickValue);
    if (new Set(values).size !== values.length) return [];
    return options;
  }

  function usable(group) {
    return !!group && !group.querySelector('input, select, textarea') && !group.closest(NS.ORDER);
  }

  // Every group of such choices on the page, in page order, outer groups of inner ones left out.
  NS.pickGroups = function () {
    var found = [];
    Array.prototype.forEach.call(document.querySelectorAll(ARIA_OPTION), function (option) {
      var group = ariaGroupOf(option);
      if (usable(group) && found.indexOf(group) < 0) found.push(group);
    });
    var parents = new Set();
    Array.prototype.forEach.call(document.querySelectorAll(TOGGLE_CANDIDATES), function (el) {
      var parent = el.parentElement;
      if (!parent || el.closest(ARIA_OPTION) || el.closest(ARIA_GROUP)) return;
      parents.add(parent);
      // an option that only wraps it (its one element): the options' list is a level up
      if (parent.childElementCount === 1 && parent.parentElement) parents.add(parent.parentElement);
    });
    parents.forEach(function (parent) {
      if (found.indexOf(parent) < 0 && usable(parent) && toggleOptions(parent).length) found.push(parent);
    });
    found = found.filter(function (g) {
      return !found.some(function (other) { return other !== g && g.contains(other); });
    });
    found.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
    groups = new Set(found);
    return found;
  };

  NS.isPickGroup = function (el) { return groups.has(el); };

  // The group a clicked or focused element belongs to, or null.
  NS.pickGroupOf = function (el) {
    for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
      if (groups.has(node)) return node;
    }
    return null;
  };

  NS.pickOptionsOf = function (group) {
    var aria = ariaOptions(group);
    return aria.length ? aria : toggleOptions(group);
  };

  // Whether the group takes several choices: role=checkbox, or a multiselectable listbox.
  NS.picksSeveral = function (group) {
    return group.getAttribute('aria-multiselectable') === 'true' || !!group.querySelector('[role=checkbox]');
  };

  // What opens a menu of the page's own: a control that says so (an attribute, or a class such
  // as "dropdown-toggle", "trigger", "custom-select"; not "selected"), else one that takes a click.
  var OPENER_ATTRS = '[aria-haspopup], [aria-expanded], [data-toggle], [data-bs-toggle], [role=combobox]';
  var OPENER_CLASS_RE = /(^|[-_\s])(toggle|trigger|select|dropdown|combo)([-_\s]|$)/i;
  var CLICKED = 'button, [role=button], [onclick]';

  function saysOpener(el) {
    return el.matches(OPENER_ATTRS) || OPENER_CLASS_RE.test(typeof el.className === 'string' ? el.className : '');
  }

  // The control that opens the menu `group` is in: the nearest one outside it (and outside
  // every other choice), within three levels above it, that says so; with `anyClick`, else the
  // nearest that takes a click. null if none.
  // Only for a menu: the group hidden where what holds it is shown (a hidden tab or part hides
  // both, and has no opener to look for).
  function openerNear(group, anyClick) {
    if (!group.parentElement || !NS.visible(group.parentElement)) return null;
    var usable = function (el) {
      return !group.contains(el) && !el.contains(group) && !NS.pickGroupOf(el) && !el.querySelector(INNER_CHOICE + ', li') &&
        NS.visible(el);
    };
    var clicked = function (el) { return el.matches(CLICKED) || (!!NS.clickTargets && NS.clickTargets.has(el)); };
    for (var node = group.parentElement, up = 0; node && node !== document.body && up < 3; node = node.parentElement, up++) {
      var all = node.querySelectorAll(OPENER_ATTRS + ', [class], ' + CLICKED);
      var said = Array.prototype.filter.call(all, saysOpener).filter(usable);
      if (said.length) return said[0];
      if (!anyClick) continue;
      var others = Array.prototype.filter.call(all, clicked).filter(usable);
      if (others.length) return others[0];
    }
    return null;
  }

  // What a learner clicks to show a choice the page hides in a menu of its own (a dropdown
  // with no <select> behind it), as a selector; null when the choice is shown, or nothing near
  // would show it.
  NS.openerOf = function (option) {
    if (NS.visible(option)) return null;
    var group = NS.pickGroupOf(option) || option.parentElement;
    var opener = group ? openerNear(group, true) : null;
    return opener ? NS.cssPath(opener) : null;
  };

  // The choice a closed menu shows on its opener where the page marks no option (it only
  // writes the chosen option's words on the button): that option, or null.
  NS.choiceShownOn = function (group, options) {
    if (NS.visible(group)) return null;
    var opener = openerNear(group, false);
    var shown = opener ? NS.textOf(opener) : '';
    var same = options.filter(function (o) { return shown && (NS.textOf(o) === shown || NS.pickValue(o) === shown); });
    return same.length === 1 ? same[0] : null;
  };

  NS.isPicked = function (option) {
    var inner = innerChoice(option);
    return markedPicked(option) || (!!inner && markedPicked(inner));
  };

  function markedPicked(option) {
    if (/^(radio|checkbox|option)$/.test(option.getAttribute('role') || '')) {
      return option.getAttribute('aria-checked') === 'true' || option.getAttribute('aria-selected') === 'true';
    }
    return option.getAttribute('aria-pressed') === 'true' || option.getAttribute('aria-selected') === 'true' ||
      PICKED_CLASS_RE.test(typeof option.className === 'string' ? option.className : '');
  }
})();
