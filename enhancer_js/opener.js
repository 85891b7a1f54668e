/*
 * opener.js: an opener for pages written for another practice app.
 *
 * Such a page expects to be opened by its app: it posts {type: 'REQUEST_INIT'} to window.opener,
 * waits for {type: 'INIT_SESSION', data: {...}} to come back as a message event, and announces the
 * end with {type: 'PRACTICE_COMPLETE', data: {answers, answerKey | correctAnswers, ...}}. Opened by
 * the recorder it has no opener, so a top-level page without one is given this stand-in: it answers
 * REQUEST_INIT once the recorder's session has started, and turns PRACTICE_COMPLETE into
 * session_completed, with the payload as one more source of answers and of the key.
 * PRACTICE_COMPLETE posted to the page's own window is taken the same way.
 *
 * Such pages ask again every 500 ms until answered and ignore an INIT_SESSION whose examId is
 * not their own, so the reply carries the id the page asked with. A PRACTICE_COMPLETE that comes
 * before the recorder's session has started (a submit within the first second) is kept and
 * taken as soon as it has.
 *
 * A PRACTICE_COMPLETE is believed only from a page that asked for its session with REQUEST_INIT
 * (one that speaks this protocol): another page posting one is speaking as the learner. The
 * completion function is taken off the namespace as this file loads, before any page script.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;
  if (!NS || NS.openerInstalled) return;
  NS.openerInstalled = true;
  var completeWith = NS.complete; // enhancer.js's, kept here only
  delete NS.complete;
  var spoke = false; // the page asked for its session (REQUEST_INIT)
  NS.openerSpoke = function () {
    return spoke;
  };

  // A PRACTICE_COMPLETE is the learner's only if it comes within this long of their last input
  // (their submit click, a confirmation dialog read): a page that completes on its own, with no
  // learner, is not believed.
  var LEARNER_WINDOW_MS = 60000;
  var waiting = false; // the page asked for INIT_SESSION before the recorder had started
  var askedAs = null; // the exam id the page asked with
  var early = null; // a PRACTICE_COMPLETE that came before the session started
  var session = null;

  function reply() {
    var examId = askedAs || session.examId;
    var data = { sessionId: session.sessionId, examId: examId, parentOrigin: 'recorder', timestamp: NS.now() };
    var origin = location.origin && location.origin !== 'null' ? location.origin : '';
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'INIT_SESSION', data: data }, origin: origin }));
  }

  // {questionId: answer} from a payload, answers kept as the page gave them (null for a blank).
  function payloadAnswers(raw) {
    if (!raw || typeof raw !== 'object') return null;
    var out = {};
    var count = 0;
    Object.keys(raw).forEach(function (k) {
      var id = NS.keyId ? NS.keyId(k) : NS.cleanId(k);
      var v = raw[k];
      if (id === null) return;
      if (v === null || v === undefined || v === '') out[id] = null;
      else if (Array.isArray(v)) out[id] = v.map(String);
      else if (typeof v === 'string' || typeof v === 'number') out[id] = String(v);
      else return;
      count++;
    });
    return count ? out : null;
  }

  function onMessage(msg, byLearner) {
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    if (msg.type === 'REQUEST_INIT') {
      spoke = true;
      var asked = (msg.data && (msg.data.examId || msg.data.exam_id)) || msg.examId;
      if (typeof asked === 'string' && asked) askedAs = asked.slice(0, 200);
      if (session) reply();
      else waiting = true;
    } else if (msg.type === 'PRACTICE_COMPLETE') {
      if (!spoke || !completeWith) return; // not a page of that protocol: not believed
      // Judged as it comes (an early one is taken later, once the session has started).
      if (!byLearner && !NS.learnerActedWithin(LEARNER_WINDOW_MS)) return; // no learner
      if (!session) {
        early = msg;
        return;
      }
      var data = msg.data && typeof msg.data === 'object' ? msg.data : msg;
      var key = null;
      try {
        key = NS.normalizeKey(data.answerKey || data.correctAnswers || data.key || null);
      } catch (err) {
        key = null;
      }
      completeWith({ answers: payloadAnswers(data.answers || data.userAnswers), key: key, score: payloadScore(data) });
    }
  }

  // The page's own score in its payload: {score, totalQuestions} or {correct, total}.
  function payloadScore(data) {
    var score = firstNumber(data, ['score', 'correct', 'correctAnswers', 'correctCount']);
    var total = firstNumber(data, ['totalQuestions', 'total', 'questionCount']);
    if (score === null && data.scoreInfo && typeof data.scoreInfo === 'object') return payloadScore(data.scoreInfo);
    return score !== null && total !== null && total > 0 && score >= 0 && score <= total ? { score: score, total: total } : null;
  }

  function firstNumber(data, names) {
    for (var i = 0; i < names.length; i++) {
      var v = data[names[i]];
      if (typeof v === 'number' && isFinite(v)) return v;
    }
    return null;
  }

  // Called by enhancer.js once the recorder's session is ready in this document.
  NS.openerReady = function (state) {
    session = state;
    if (waiting) {
      waiting = false;
      reply();
    }
    if (early) {
      var msg = early;
      early = null;
      onMessage(msg, true); // a learner's: it was judged as it came
    }
  };

  var shim = {
    postMessage: function (msg) { NS.later(function () { onMessage(msg); }, 0); },
    closed: false,
    focus: function () {},
  };
  var top = false;
  try {
    top = window.top === window;
  } catch (err) {
    top = false;
  }
  if (top && !window.opener && NS.config.openerShim !== false) {
    try {
      Object.defineProperty(window, 'opener', { value: shim, configurable: true, writable: true });
    } catch (err) {
      /* a page that made opener read-only keeps its own */
    }
  }
  NS.listen(window, 'message', NS.guard(function (event) {
    if (event.source === window && event.data && event.data.type === 'PRACTICE_COMPLETE') onMessage(event.data);
  }));

  // The last file of the enhancer: its way in and its namespace are pinned now, before any page
  // script runs (core.js, NS.pin): what the recorder calls with the secret stays the enhancer's.
  Object.freeze(NS.config);
  if (window.__ieltsRecorder) NS.pin('__ieltsRecorder', window.__ieltsRecorder);
  NS.pin('__ieltsRecorderNS', NS);
})();
