/*
 * windows.js: the windows and frames of one exam, read without any session state: the controls
 * that open a window for part of the test, the session of a parent or opener of the same origin,
 * the child frames told to join, and whether a popup belongs to its opener's exam at all.
 * enhancer.js adopts a session with them.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;
  if (!NS || NS.popupOpeners) return;

  // Controls that open a window for part of the test: links with a target window, and buttons
  // whose inline handler calls window.open (read as text, never run).
  NS.popupOpeners = function () {
    var out = [];
    var els = document.querySelectorAll('a[target][href], [onclick*="window.open"], [data-ielts-popup]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var target = (el.getAttribute('target') || '').toLowerCase();
      if (el.tagName === 'A' && (target === '_self' || target === '_top' || target === '_parent')) continue;
      if (el.tagName === 'A' && el.origin !== location.origin && el.protocol !== 'file:') continue;
      out.push(NS.cssPath(el));
    }
    return out;
  };

  // The session of a window of the same origin (a parent, an opener), or null.
  NS.sessionOf = function (win) {
    try {
      return win && win !== window && win.__ieltsRecorder ? win.__ieltsRecorder.state() : null;
    } catch (err) {
      return null; // another origin: not part of the exam
    }
  };

  // Frames already loaded join at once (those still loading adopt the session themselves).
  NS.tellChildFrames = function () {
    for (var i = 0; i < window.frames.length; i++) {
      try {
        var child = window.frames[i].__ieltsRecorder;
        if (child) child.adopt();
      } catch (err) {
        /* another origin */
      }
    }
  };

  // A window the exam opened is part of the test when it says so (ielts:part-of), or when it
  // holds questions the exam has not got already and, where the exam's key is known, the key
  // names every one (recorder/practice.py popup_joins, the same rule). A page of notes or help
  // with boxes numbered 1, 2, 3 is not: its inputs are not answers to the exam (issue #13,
  // case 17). Decided once the window's page is built.
  NS.outsideOpenersExam = function () {
    if (window.top !== window || !NS.sessionOf(window.opener)) return false; // not a popup of it
    if (document.querySelector('meta[name="ielts:part-of"]')) return false;
    if (document.readyState === 'loading') return true; // asked again at DOM ready
    var mine = [];
    NS.findQuestions().forEach(function (q) { mine = mine.concat(q.ids); });
    var exam;
    try {
      exam = window.opener.__ieltsRecorder.examQuestions();
    } catch (err) {
      return true;
    }
    var joins = mine.length > 0 && mine.every(function (id) {
      return exam.ids.indexOf(id) < 0 && (!exam.keyed.length || exam.keyed.indexOf(id) >= 0);
    });
    return !joins;
  };
})();
