/* The page's own marking, used when a page is opened without the recorder.
 * Deliberately simple: case and surrounding spaces ignored, "a / b" alternatives accepted. */
window.IELTSPage = (function () {
  'use strict';
  function norm(text) {
    return String(text || '').trim().toLowerCase().replace(/\s+/g, ' ').replace(/^[^\w]+|[^\w]+$/g, '');
  }
  function given(id) {
    var checked = document.querySelector('[name="q' + id + '"]:checked');
    if (checked) return checked.value;
    var el = document.querySelector('[name="q' + id + '"]');
    return el && el.type !== 'radio' ? el.value : '';
  }
  function grade(key) {
    var ids = Object.keys(key);
    var right = 0;
    ids.forEach(function (id) {
      var accepted = String(key[id]).split(/\s*[\/|]\s*/).map(norm);
      var ok = accepted.indexOf(norm(given(id))) >= 0 && norm(given(id)) !== '';
      if (ok) right++;
      var mark = document.getElementById('mark-' + id);
      if (mark) {
        mark.textContent = ok ? ' ✓' : ' ✗ (' + key[id] + ')';
        mark.className = ok ? 'right' : 'wrong';
      }
    });
    document.getElementById('score').textContent = 'Score: ' + right + ' / ' + ids.length;
    return right;
  }
  var paused = false;
  function startTimer(minutes) {
    var el = document.getElementById('timer');
    if (!el) return;
    var left = minutes * 60;
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
  return { grade: grade, startTimer: startTimer };
})();
