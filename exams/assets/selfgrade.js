/* The page's own marking, used when a page is opened without the recorder.
 * Deliberately simple: case and surrounding spaces ignored, "a / b" alternatives accepted, a
 * "choose TWO/THREE" set earns one mark per right letter (less one per surplus letter), as the
 * recorder marks it. It finds a question's answer in every shape the library uses: name="q7",
 * id="q36_input", data-question="7" (on a control, a container, a word-bank gap or an ordering
 * list), a checkbox group named "q10_11", a contenteditable box. */
window.IELTSPage = (function () {
  'use strict';
  function norm(text) {
    return String(text || '').trim().toLowerCase().replace(/\s+/g, ' ').replace(/^[^\w]+|[^\w]+$/g, '');
  }

  function covers(spec, id) {
    var m = /^q?(\d+)(?:[-_](\d+))?$/.exec(String(spec || ''));
    if (!m) return false;
    var a = +m[1];
    var b = m[2] ? +m[2] : a;
    return +id >= a && +id <= b;
  }

  function valueOf(el) {
    if (!el) return '';
    if (el.matches('[data-drop], .drop-zone')) {
      var chip = el.querySelector('[data-value]');
      return chip ? chip.getAttribute('data-value') : '';
    }
    if (el.isContentEditable && !('value' in el)) return el.innerText;
    if (el.type === 'radio') {
      var on = document.querySelector('[name="' + el.name + '"]:checked');
      return on ? on.value : '';
    }
    if ('value' in el) return el.value;
    var inner = el.querySelector('input:checked, input:not([type=radio]):not([type=checkbox]), select, textarea, [contenteditable]');
    return valueOf(inner);
  }

  // What the learner gave for question `id`: text, or a list of letters for a choose-N set.
  function given(id) {
    var boxes = Array.prototype.filter.call(document.querySelectorAll('input[type=checkbox]'), function (c) {
      var holder = c.closest('[data-question]');
      return covers(holder ? holder.getAttribute('data-question') : c.name, id);
    });
    if (boxes.length) return boxes.filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
    var lists = document.querySelectorAll('[data-order][data-question]');
    for (var i = 0; i < lists.length; i++) {
      var spec = lists[i].getAttribute('data-question');
      if (covers(spec.replace(/\s/g, ''), id) && lists[i].hasAttribute('data-answered')) {
        var first = +/^\d+/.exec(spec)[0];
        var item = lists[i].querySelectorAll('[data-value]')[+id - first];
        return item ? item.getAttribute('data-value') : '';
      }
    }
    var el = document.querySelector('[name="q' + id + '"]') || document.getElementById('q' + id + '_input') ||
      document.getElementById('q' + id + '_select') || document.querySelector('[data-question="' + id + '"]');
    return valueOf(el);
  }

  function setKey(values) {
    return values.map(norm).sort().join(',');
  }

  function grade(key, onMark) {
    var ids = Object.keys(key);
    var right = 0;
    var sets = {};
    ids.forEach(function (id) {
      var ok;
      if (Array.isArray(key[id])) {
        // a set: its questions share one list of letters, marked once for all of them
        var name = setKey(key[id]);
        if (!sets[name]) {
          var chosen = given(id);
          chosen = Array.isArray(chosen) ? chosen : [chosen];
          var hits = chosen.filter(function (c) { return key[id].map(norm).indexOf(norm(c)) >= 0; }).length;
          var size = ids.filter(function (q) { return Array.isArray(key[q]) && setKey(key[q]) === name; }).length;
          sets[name] = { earned: Math.max(0, Math.min(size, hits - Math.max(0, chosen.length - size))), used: 0 };
        }
        ok = sets[name].used < sets[name].earned;
        sets[name].used++;
      } else {
        var accepted = String(key[id]).split(/\s*[\/|]\s*/).map(norm);
        var mine = norm(given(id));
        ok = mine !== '' && accepted.indexOf(mine) >= 0;
      }
      if (ok) right++;
      var mark = document.getElementById('mark-' + id);
      if (mark) {
        mark.textContent = ok ? ' ✓' : ' ✗ (' + key[id] + ')';
        mark.className = ok ? 'right' : 'wrong';
      }
      if (onMark) onMark(id, ok, given(id));
    });
    var score = document.getElementById('score');
    if (score) score.textContent = 'Score: ' + right + ' / ' + ids.length;
    return right;
  }

  // Drag and drop for word banks (an item dropped on a gap moves there; a gap holds one item,
  // and the one it held goes back to the bank) and for ordering lists (an item dropped on
  // another is put in its place, the rest move down).
  function enableDragging() {
    var dragged = null;
    document.addEventListener('dragstart', function (e) {
      dragged = e.target.closest('[draggable=true]');
      if (dragged && e.dataTransfer) e.dataTransfer.setData('text/plain', dragged.getAttribute('data-value') || '');
    });
    document.addEventListener('dragover', function (e) {
      if (dragged && e.target.closest('[data-drop], .word-bank, [data-order]')) e.preventDefault();
    });
    document.addEventListener('drop', function (e) {
      if (!dragged) return;
      var list = e.target.closest('[data-order]');
      var gap = e.target.closest('[data-drop]');
      var bank = e.target.closest('.word-bank');
      e.preventDefault();
      if (list && dragged.parentElement === list) {
        var over = e.target.closest('[data-value]');
        if (over && over !== dragged) list.insertBefore(dragged, over);
        list.setAttribute('data-answered', '');
      } else if (gap) {
        var held = gap.querySelector('[data-value]');
        if (held && held !== dragged) document.querySelector('.word-bank').appendChild(held);
        gap.appendChild(dragged);
      } else if (bank) {
        bank.appendChild(dragged);
      }
      dragged = null;
    });
  }

  var paused = false;
  // The time left carries over from page to page of a test: "#ielts-time=SECONDS" in the URL.
  function startTimer(minutes) {
    var el = document.getElementById('timer');
    if (!el) return;
    var carried = /ielts-time=(\d+)/.exec(location.hash);
    var left = carried ? +carried[1] : minutes * 60;
    var pause = document.querySelector('[data-ielts-pause]');
    if (pause) {
      pause.addEventListener('click', function () {
        paused = !paused;
        pause.textContent = paused ? 'Resume' : 'Pause';
      });
    }
    function show() {
      el.firstChild.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ' left ';
    }
    el.insertBefore(document.createTextNode(''), el.firstChild);
    show();
    setInterval(function () {
      if (!paused && left > 0) left--;
      show();
    }, 1000);
  }
  return { grade: grade, given: given, startTimer: startTimer, enableDragging: enableDragging };
})();
