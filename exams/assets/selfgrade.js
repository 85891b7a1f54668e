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
  function startTimer(minutes) {
    var el = document.getElementById('timer');
    if (!el) return;
    var end = Date.now() + minutes * 60000;
    setInterval(function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ' left';
    }, 1000);
  }
  return { grade: grade, startTimer: startTimer };
})();
