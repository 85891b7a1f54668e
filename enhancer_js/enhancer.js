/*
 * enhancer.js: starts the enhancer once per document and speaks protocol version 1.
 *
 * The recorder calls window.__ieltsRecorder.receive(json) with INIT_SESSION; the page answers
 * SESSION_READY and session_started, then session_progress on every answer change (throttled, and
 * at once on `change`) and as a heartbeat while the learner is active, and session_completed once
 * per attempt when it sees the learner submit.
 *
 * Submit is seen however the page does it: a submit-like button or a form submit, a call of the
 * page's own grading function (checkAnswers(), gradeTest(), ...), or a results block appearing.
 * A page written for another practice app, which asks its opener for INIT_SESSION with
 * REQUEST_INIT and posts PRACTICE_COMPLETE to it, is given an opener that forwards to the
 * recorder (opener.js). A popup of the exam adopts its opener's session.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;
  if (!NS || document.__ieltsRecorderStarted) return; // twice-injected is harmless
  document.__ieltsRecorderStarted = true;


  var state = {
    sessionId: null,
    examId: null,
    seq: 0,
    startedAt: NS.now(),
    lastSent: {},
    resumeAnswers: null,
    // The questions the learner gave an input (only theirs are reported: a value a page script
    // set is not an answer); after a resume, those given one since.
    touched: {},
    endedBy: null, // "time_up": the page ended the attempt as its time ran out (endByTime)
    current: null,
    completed: false,
    pendingTimer: null,
    lastFlush: 0,
    firstInputAt: null,
    paused: false,
    activeSinceBeat: false,
    resultsSeen: false,
    scoreSeen: false, // the page's score was shown at the last look (a score shown from the start is none)
    resultsShown: [], // on a multi-test page: the results blocks shown at the last look
    testsDone: {}, // on a multi-test page: the tests submitted
    lastTrustedAt: 0, // the learner's last input the browser vouches for (event.isTrusted)
    lastClickAt: 0, // the learner's last click (what the page did with it is looked at after)
    pressedAt: 0, // the learner's last press (pointerdown)
    beforeClick: null, // the answers as they stood just before that press or click
  };

  // What a page script does on its own is not the learner's: an answer or a submit counts when
  // the browser vouches for the event (isTrusted), or when the page is acting on the learner's
  // input of a moment ago (a widget that sets a value, then fires its own change event).
  var LEARNER_MS = 1000;
  var PAGE_REACTION_MS = 3000;

  function byLearner(event) {
    return !!(event && event.isTrusted) || NS.now() - state.lastTrustedAt < LEARNER_MS;
  }

  function learnerJustActed() {
    return NS.now() - state.lastTrustedAt < PAGE_REACTION_MS;
  }

  // Whether the learner did something the browser vouches for within the last `ms` (opener.js:
  // a page's PRACTICE_COMPLETE is believed only after the learner has acted).
  NS.learnerActedWithin = function (ms) {
    return state.lastTrustedAt > 0 && NS.now() - state.lastTrustedAt < ms;
  };

  function envelope(type, data) {
    return { v: 1, type: type, sessionId: state.sessionId, seq: state.seq++, ts: NS.now(), data: data };
  }

  // The one way out (core.js hands it over once, before any page script runs).
  var post = NS.takeSender();

  function send(type, data) {
    if (!state.sessionId || !post) return false;
    return post(envelope(type, data));
  }

  function elapsed() {
    return Math.max(0, (NS.now() - state.startedAt) / 1000);
  }

  function questionTypes(questions) {
    var out = {};
    questions.forEach(function (q) {
      q.ids.forEach(function (id) { out[id] = q.type; });
    });
    return out;
  }

  function answered(answers) {
    var n = 0;
    Object.keys(answers).forEach(function (id) {
      var v = answers[id];
      if (Array.isArray(v) ? v.length : v !== null && String(v).trim() !== '') n++;
    });
    return n;
  }

  // Sends the answers changed since the last message; returns whether it sent one.
  function flushProgress(force) {
    if (state.pendingTimer) clearTimeout(state.pendingTimer);
    state.pendingTimer = null;
    if (!state.sessionId || state.completed || !state.started) return false;
    var answers = NS.readAnswers();
    var changed = {};
    var any = false;
    Object.keys(answers).forEach(function (id) {
      if (!state.touched[id]) return; // not the learner's input (or the saved answer, not yet typed back)
      if (NS.json(answers[id]) !== NS.json(state.lastSent[id])) {
        changed[id] = answers[id];
        any = true;
      }
    });
    if (!any && !force) {
      state.firstInputAt = null; // an input that changed no answer (a field left, unchanged)
      return false;
    }
    var data = {
      answers: changed,
      currentQuestion: state.current,
      answeredQuestions: answered(answers),
      totalQuestions: Object.keys(answers).length,
      elapsed: elapsed(),
    };
    if (any && state.firstInputAt !== null) data.inputTs = state.firstInputAt;
    state.lastFlush = NS.now();
    if (!send('session_progress', data)) return false;
    Object.keys(changed).forEach(function (id) { state.lastSent[id] = changed[id]; });
    state.firstInputAt = null;
    return true;
  }

  // The first change after a quiet spell goes out at once; a burst of typing is then sent at
  // most every progressThrottleMs, and the last keystroke always goes out.
  function scheduleProgress(immediate) {
    var wait = NS.config.progressThrottleMs - (NS.now() - state.lastFlush);
    if (immediate || wait <= 0) {
      flushProgress(false); // clears a pending timer itself
      return;
    }
    if (!state.pendingTimer) {
      state.pendingTimer = NS.later(function () { flushProgress(false); }, wait);
    }
  }

  // When the input happened, in epoch milliseconds, from the event's own time stamp.
  function eventTime(event) {
    var origin = (window.performance && performance.timeOrigin) || 0;
    return origin && event.timeStamp ? Math.round(origin + event.timeStamp) : NS.now();
  }

  function noteTarget(target) {
    if (!target || !target.closest) return;
    var ids = NS.questionIdsOf(target);
    if (ids) state.current = ids[0];
  }

  function onAnswerEvent(event) {
    if (!byLearner(event)) return;
    noteTarget(event.target);
    if (event.target && event.target.closest) {
      (NS.questionIdsOf(event.target) || []).forEach(function (id) { state.touched[id] = true; });
    }
    state.activeSinceBeat = true;
    if (state.firstInputAt === null) state.firstInputAt = eventTime(event);
    scheduleProgress(event.type === 'change');
  }

  function given(v) {
    return Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined && String(v).trim() !== '';
  }

  // On a multi-test page a submit is for one test: the one whose panel holds the button (or the
  // results) pressed; from outside every panel, for each test answered (none answered: each test
  // shown). Returns {ids, panel} (ids not submitted before), or null on a page of one test.
  function submittedTests(el, answers) {
    var tests = NS.pageTests();
    if (!tests.length) return null;
    var scope = el ? NS.testsWithin(el, tests) : null;
    if (!scope) {
      var chosen = tests.filter(function (t) { return t.questionIds.some(function (id) { return given(answers[id]); }); });
      if (!chosen.length) chosen = tests.filter(function (t) { return t.panel && NS.visible(t.panel); });
      scope = (chosen.length ? chosen : tests).map(function (t) { return t.id; });
    }
    var ids = scope.filter(function (id) { return !state.testsDone[id]; });
    ids.forEach(function (id) { state.testsDone[id] = true; });
    state.completed = tests.every(function (t) { return state.testsDone[t.id]; });
    var own = ids.length === 1 ? tests.filter(function (t) { return t.id === ids[0]; })[0].panel : null;
    return { ids: ids, panel: own };
  }

  // extra: {answers, key} from a page's own completion message (PRACTICE_COMPLETE), used where
  // the page itself shows nothing better. el: what the learner pressed (or the results shown).
  // The report waits for the page's own handlers of that press: a page that asked "Submit your
  // answers?" and was told no has not been submitted, and the session goes on.
  function complete(answersAtSubmit, extra, el) {
    if (!state.sessionId) return;
    if (state.completed) {
      if (extra && state.awaitingPayload) state.awaitingPayload(extra);
      return;
    }
    var at = NS.now();
    var tests = extra ? null : submittedTests(el, answersAtSubmit);
    if (tests) {
      if (tests.ids.length) {
        NS.later(function () {
          if (!declined(at, tests)) report(answersAtSubmit, null, tests, at);
        }, 0);
      }
      return;
    }
    state.completed = true;
    if (state.pendingTimer) clearTimeout(state.pendingTimer);
    var sent = false;
    function finish(payload) {
      if (sent) return;
      sent = true;
      state.awaitingPayload = null;
      if (!payload && declined(at, null)) return;
      report(answersAtSubmit, payload, null, at);
    }
    if (!extra && NS.openerSpoke && NS.openerSpoke()) {
      // A page that spoke to its opener announces its end with PRACTICE_COMPLETE, just after
      // the click that got here: wait a moment for its payload (answers and key).
      state.awaitingPayload = finish;
      NS.later(function () { finish(null); }, NS.config.payloadWaitMs);
      return;
    }
    // Let the page's own click handlers (its grading) run first, so its score can be read:
    // a zero timeout runs once the current event has been dispatched to all of them.
    NS.later(function () { finish(extra); }, 0);
  }

  // Whether the page asked to confirm the submit made at `at` and the learner said no: then it
  // is taken back (the tests it was for are open again) and the answers held meanwhile go out.
  function declined(at, tests) {
    if (!NS.declinedSince(at)) return false;
    if (tests) tests.ids.forEach(function (id) { delete state.testsDone[id]; });
    state.completed = false;
    state.endedBy = null;
    flushProgress(false);
    return true;
  }

  function report(answersAtSubmit, extra, tests, at) {
    var found = NS.extractKey();
    var answers = {};
    Object.keys(answersAtSubmit).forEach(function (id) {
      if (state.touched[id]) answers[id] = answersAtSubmit[id]; // the learner's inputs only
    });
    if (extra && extra.answers) {
      Object.keys(extra.answers).forEach(function (id) {
        var mine = answers[id];
        if (mine === undefined || mine === null || (Array.isArray(mine) && !mine.length)) answers[id] = extra.answers[id];
      });
    }
    if (!found.key && extra && extra.key) found = { key: extra.key, source: 'opener_message' };
    // the page's score as it shows it, else as an alert told it, else a score shown out of the
    // page's number of questions (not for some tests of many)
    var shown = tests && !tests.panel ? null : NS.readPageScore(tests && tests.panel) ||
      NS.scoreSaidSince(at) || (tests ? null : NS.scoreShownOutOf(Object.keys(answersAtSubmit).length));
    var data = {
      answers: answers,
      answerKey: found.key,
      keySource: found.source,
      elapsed: elapsed(),
      pageScore: (extra && extra.score) || shown,
    };
    if (tests) data.tests = tests.ids;
    if (state.endedBy) data.endedBy = state.endedBy;
    send('session_completed', data);
  }

  NS.complete = function (extra) { complete(NS.readAnswers(), extra); };

  // The page's own grading function, called by any means: the answers are read before it runs,
  // and it is a submit when the learner has just acted, or when the page's time ran out.
  function onGradingCall() {
    var before = state.sessionId && !state.completed ? NS.readAnswers() : null;
    return before && function () {
      if (timeRanOut()) endByTime(before);
      else if (learnerJustActed()) complete(before);
    };
  }

  // A page that ends the test itself when its time runs out (NS.timeIsUp: its clock reads 0:00,
  // or it says time is up) submits with no learner at hand: that ends the attempt, with the
  // answers the learner gave, and the record says so. Where the learner gave no answer it is not
  // believed: a page script cannot end an attempt of nothing on its own.
  function timeRanOut() {
    return Object.keys(state.touched).length > 0 && NS.timeIsUp();
  }

  function endByTime(answers) {
    state.endedBy = 'time_up';
    complete(answers);
  }

  function checkResults() {
    if (!state.started || state.completed) return;
    var scored = !!NS.readPageScore();
    var scoreAppeared = scored && !state.scoreSeen;
    state.scoreSeen = scored;
    var byTime = timeRanOut(); // a submit of the learner's completes at their click, not here
    if (!byTime && !learnerJustActed()) return;
    if (NS.pageTests().length) {
      // each test's own results block: a block shown since the last look is that test's submit
      var now = NS.shownResults();
      now.filter(function (el) { return state.resultsShown.indexOf(el) < 0; }).forEach(function (el) {
        complete(NS.readAnswers(), null, el);
      });
      state.resultsShown = now;
      return;
    }
    // a page that ended the test as its time ran out may show no more than its score, once
    var shown = NS.shownResults().length > 0 || (byTime && scoreAppeared);
    if (shown && !state.resultsSeen) {
      if (byTime) endByTime(NS.readAnswers());
      else complete(NS.readAnswers());
    }
    state.resultsSeen = shown;
  }

  function togglePause() {
    state.paused = !state.paused;
    send(state.paused ? 'session_paused' : 'session_resumed', { examId: state.examId, elapsed: elapsed() });
    var control = document.querySelector('[data-ielts-pause]');
    if (control) control.setAttribute('aria-pressed', state.paused ? 'true' : 'false');
  }

  // A page may answer for the learner's click with a script of its own (a word placed in a gap
  // by clicking it, no input event): an answer that changes just after a real click is theirs.
  // Changed from what stood just before the press: what the page showed already (a choice it
  // ticked itself, a list's prompt) is not.
  function noticeReaction() {
    if (!state.started || state.completed || !state.beforeClick) return;
    var answers = NS.readAnswers();
    var before = state.beforeClick;
    var any = false;
    Object.keys(answers).forEach(function (id) {
      if (!state.touched[id] && NS.json(answers[id]) !== NS.json(before[id] === undefined ? null : before[id])) {
        state.touched[id] = true;
        any = true;
      }
    });
    if (any) scheduleProgress(true);
  }

  var REACTION_LOOKS_MS = [50, 400];
  var PRESS_MS = 1500; // a press (pointerdown) this recent is the click's own

  // The answers as they stand when the learner presses (the page may react to the press
  // itself, before the click).
  function onPress(event) {
    if (!event.isTrusted || !state.started || state.completed) return;
    if (NS.now() - state.lastClickAt < REACTION_LOOKS_MS[1]) noticeReaction(); // the last click's first
    state.pressedAt = NS.now();
    state.beforeClick = NS.readAnswers();
  }

  function onClick(event) {
    if (event.isTrusted) {
      // A click that comes before the last one's reaction was looked at (a word placed, then
      // submit at once) looks at it first: the answer the page wrote is the learner's.
      if (NS.now() - state.lastClickAt < REACTION_LOOKS_MS[1]) noticeReaction();
      state.lastClickAt = NS.now();
      if (state.started && !state.completed && NS.now() - state.pressedAt > PRESS_MS) {
        state.beforeClick = NS.readAnswers(); // a click with no press (the keyboard's Enter)
      }
      REACTION_LOOKS_MS.forEach(function (ms) { NS.later(noticeReaction, ms); });
    }
    state.activeSinceBeat = true;
    noteTarget(event.target);
    // A radio pressed is the learner's answer even where it was ticked already (by the page,
    // or by them before): no input or change event comes to say so.
    if (event.target.matches && event.target.matches('input[type=radio]') && byLearner(event)) {
      (NS.questionIdsOf(event.target) || []).forEach(function (id) { state.touched[id] = true; });
      NS.later(function () { scheduleProgress(true); }, 0);
    }
    if (event.target.closest && event.target.closest('[data-ielts-pause]')) {
      togglePause();
      return;
    }
    onPick(event);
    // Read the answers now, in the capture phase, before the page's handler can change them.
    var submit = NS.isSubmitControl(event.target);
    if (submit && byLearner(event)) complete(NS.readAnswers(), null, submit);
  }

  // A choice a page built (picks.js) fires neither input nor change: the page's own handler sets
  // aria-checked or a class on the learner's click (or arrow key), and the answer is read after.
  function onPick(event) {
    var group = event.target ? NS.pickGroupOf(event.target) : null;
    var ids = group && byLearner(event) ? NS.questionIdsOf(group) : null;
    if (!ids) return;
    ids.forEach(function (id) { state.touched[id] = true; });
    if (state.firstInputAt === null) state.firstInputAt = eventTime(event);
    NS.later(function () { scheduleProgress(true); }, 0);
  }

  function onSubmit(event) {
    if (byLearner(event)) complete(NS.readAnswers(), null, event.target);
  }

  // Drag and drop fires neither input nor change: the page's drop handler moves the item first.
  function onDrop(event) {
    if (!byLearner(event)) return;
    NS.touchOrder(event.target);
    state.activeSinceBeat = true;
    if (state.firstInputAt === null) state.firstInputAt = eventTime(event);
    NS.later(function () {
      noteDropTarget(event.target);
      scheduleProgress(true);
    }, 0);
  }

  function noteDropTarget(target) {
    var ids = NS.questionIdsOf(target);
    if (!ids) return;
    state.current = ids[0];
    ids.forEach(function (id) { state.touched[id] = true; });
  }

  // The page is ready when its questions exist: on many real pages that is after load, once a
  // data script has rendered them. Until then the enhancer waits for the DOM to change.
  function ready() {
    var questions = NS.findQuestions();
    if (!questions.length) {
      state.waitingForQuestions = true;
      return;
    }
    state.waitingForQuestions = false;
    announce(questions);
    if (!state.started) {
      state.started = true;
      state.readyAt = NS.now();
      state.resultsShown = NS.shownResults();
      state.resultsSeen = state.resultsShown.length > 0;
      state.scoreSeen = !!NS.readPageScore();
      var found = NS.extractKey();
      send('session_started', {
        examId: state.examId,
        sessionId: state.sessionId,
        metadata: { keySource: found.source, recorderVersion: NS.config.version },
      });
      // A resumed session's answers are already the recorder's: the blank page must not report
      // them as cleared while the recorder types them back in, so only touched questions count.
      state.lastSent = state.resumeAnswers ? JSON.parse(NS.json(state.resumeAnswers)) : {};
      if (state.resumeAnswers) state.touched = {};
      NS.wrapGradingFunctions(onGradingCall);
      if (NS.openerReady) NS.openerReady(state);
    }
    flushProgress(false); // anything typed before the recorder said hello
  }

  // SESSION_READY: the questions as they stand. Sent again when they change (a part revealed,
  // a tab of a multi-test page rendered), so the recorder learns of every question.
  function announce(questions) {
    var ids = [];
    questions.forEach(function (q) { ids = ids.concat(q.ids); });
    var signature = ids.join(',');
    if (signature === state.announced) return;
    state.announced = signature;
    var found = NS.extractKey();
    var limits = {};
    var groups = [];
    var texts = {};
    questions.forEach(function (q) {
      var text = NS.questionTextOf(q.controls[0]);
      if (text) q.ids.forEach(function (id) { texts[id] = text; });
      var limit = q.kind === 'text' || q.kind === 'editable' ? NS.wordLimitOf(q.controls[0]) : null;
      if (limit) q.ids.forEach(function (id) { limits[id] = NS.cut(limit, 120); });
      if (q.ids.length > 1 && q.kind !== 'order') groups.push(q.ids.slice(0, 10)); // a choose-N set
    });
    send('SESSION_READY', {
      sessionId: state.sessionId,
      examId: state.examId,
      url: NS.cut(String(location.href), 4000),
      title: NS.cut(pageTitle(), 500),
      questionIds: ids,
      questionTypes: questionTypes(questions),
      wordLimits: limits,
      questionGroups: groups,
      questionTexts: texts,
      elementIds: NS.elementIds(),
      keyFound: !!found.key,
      tests: NS.describeTests(NS.pageTests()),
    });
  }

  // What the page shows as its title once rendered: its document title, else its first heading.
  function pageTitle() {
    var title = String(document.title || '').trim();
    if (title) return title;
    var h = document.querySelector('h1, h2');
    return h ? (h.textContent || '').replace(/\s+/g, ' ').trim() : '';
  }

  // One observer for the whole document: a DOM change (elements added or removed, a question
  // attribute changed) makes the question scan stale; a moment later the questions are looked
  // at again, and a results block that appeared is a submit.
  var VISIBILITY_ATTRS = ['style', 'hidden', 'open'];

  function watchDom() {
    if (typeof MutationObserver === 'undefined') return;
    var timer = null;
    var firstAt = 0; // when the changes the pending look is for began
    var structural = false; // since the last look: a look after a batch of mere text changes
    // still sees the elements a later batch of the same moment added
    var observer = new MutationObserver(NS.guard(function (mutations) {
      var changed = mutations.some(function (m) {
        // style, hidden and open change what is shown (results), not which questions exist
        if (m.type === 'attributes') return VISIBILITY_ATTRS.indexOf(m.attributeName) < 0;
        if (m.type === 'characterData') return false;
        for (var i = 0; i < m.addedNodes.length; i++) if (m.addedNodes[i].nodeType === 1) return true;
        for (var j = 0; j < m.removedNodes.length; j++) if (m.removedNodes[j].nodeType === 1) return true;
        return false;
      });
      if (changed) {
        NS.invalidate();
        structural = true;
      }
      // While the questions are awaited, look once the page pauses in building them (quietMs
      // without a change, at most rescanMs after the first): a learner's page is ready at once.
      var now = NS.now();
      var hurry = state.waitingForQuestions && now - firstAt < NS.config.rescanMs;
      if (timer && !hurry) return;
      if (timer) clearTimeout(timer);
      else firstAt = now;
      timer = NS.later(look, state.waitingForQuestions ? NS.config.quietMs : NS.config.rescanMs);
    }));
    function look() {
      timer = null;
      var changed = structural;
      structural = false;
      if (!state.sessionId || state.completed) return;
      if (state.waitingForQuestions || changed) ready();
      checkResults();
    }
    observer.observe(document, { // the document: its root element may not exist yet
      childList: true, subtree: true, attributes: true, characterData: true,
      attributeFilter: ['class', 'style', 'hidden', 'name', 'id', 'draggable', 'contenteditable', 'type', 'open']
        .concat(NS.QUESTION_ATTRS, NS.OWN_QUESTION_ATTRS),
    });
  }

  function whenDomReady(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn, { once: true });
    else fn();
  }

  // INIT_SESSION from the recorder: only signed with its secret (a page script cannot sign).
  function receive(raw, proof) {
    return NS.proven(proof, raw) ? accept(raw) : false;
  }

  function accept(raw) {
    var msg;
    try {
      msg = typeof raw === 'string' ? JSON.parse(raw) : raw;
    } catch (err) {
      return false;
    }
    if (!msg || msg.v !== 1 || msg.type !== 'INIT_SESSION' || !msg.data) return false;
    if (!state.sessionId && NS.outsideOpenersExam()) return false;
    if (state.sessionId === msg.data.sessionId) {
      state.announced = null;
      whenDomReady(ready); // asked again (a reload of the recorder's side): answer again
      return true;
    }
    state.sessionId = msg.data.sessionId;
    state.examId = msg.data.examId;
    state.greetedAt = NS.now();
    state.resumeAnswers = (msg.data.resume && msg.data.resume.answers) || null;
    state.startedAt = NS.now() - ((msg.data.resume && msg.data.resume.elapsedSeconds) || 0) * 1000;
    whenDomReady(ready);
    NS.tellChildFrames();
    return true;
  }

  watchDom();
  // First of the enhancer's listeners: when the learner last did something the browser vouches for.
  ['keydown', 'mousedown', 'pointerdown', 'pointermove', 'touchstart', 'input', 'change', 'click', 'drop', 'dragend']
    .forEach(function (name) {
      NS.listen(document, name, function (event) {
        if (event.isTrusted) state.lastTrustedAt = NS.now();
      }, true);
    });
  NS.listen(document, 'input', NS.guard(onAnswerEvent), true);
  NS.listen(document, 'change', NS.guard(onAnswerEvent), true);
  NS.listen(document, 'pointerdown', NS.guard(onPress), true);
  NS.listen(document, 'click', NS.guard(onClick), true);
  NS.listen(document, 'keydown', NS.guard(onPick), true);
  NS.listen(document, 'submit', NS.guard(onSubmit), true);
  NS.listen(document, 'drop', NS.guard(onDrop), true);
  NS.listen(document, 'dragend', NS.guard(onDrop), true);
  NS.listen(document, 'focusin', NS.guard(function (e) { noteTarget(e.target); }), true);
  ['keydown', 'mousemove', 'scroll', 'touchstart'].forEach(function (name) {
    NS.listen(document, name, function () { state.activeSinceBeat = true; }, { capture: true, passive: true });
  });
  NS.every(function () {
    if (state.activeSinceBeat && !state.completed) {
      state.activeSinceBeat = false;
      flushProgress(true); // a heartbeat: progress with no changed answers
    }
  }, NS.config.heartbeatMs);
  NS.listen(window, 'pagehide', NS.guard(function () { flushProgress(false); }));

  // A frame that loads after the recorder greeted its page, and a popup the exam opened, join
  // the session of their parent or opener on their own (same origin only).
  function adoptSession() {
    if (state.sessionId) return;
    var theirs = NS.sessionOf(window.parent) || NS.sessionOf(window.opener);
    if (theirs && theirs.sessionId && !theirs.completed) {
      accept({ v: 1, type: 'INIT_SESSION', data: { sessionId: theirs.sessionId, examId: theirs.examId } });
    }
  }

  window.__ieltsRecorder = {
    // Everything the recorder needs once the page is ready, in one round trip, as JSON text:
    // one string crosses to Python where a tree would be serialized field by field.
    survey: function () {
      var found = NS.extractKey();
      return NS.json({
        controls: NS.describe(),
        key: found.key,
        source: found.source,
        submit: NS.submitTarget(),
        start: (NS.startControl() || {}).selector || null,
        tests: NS.describeTests(NS.pageTests()),
        popups: window.top === window ? NS.popupOpeners() : [],
      });
    },
    submitTarget: NS.submitTarget,
    // While the page shows no questions: the control that starts its test, if it has one.
    startControl: NS.startControl,
    popupOpeners: NS.popupOpeners,
    // An answer put back into a box after a reload (or on a resume) at once, without taking the
    // focus from a learner who may already be typing elsewhere: the value through the element's
    // own setter (frameworks watch it), then the input and change events a page listens to.
    putBack: function (el, value) {
      var proto = el && Object.getPrototypeOf(el);
      var desc = proto && Object.getOwnPropertyDescriptor(proto, 'value');
      if (desc && desc.set) desc.set.call(el, value);
      else if (el) el.textContent = value;
      else return false;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    },
    // What the recorder saw on this page, in plain facts, as JSON text (ielts exams check --explain).
    explain: function () {
      return NS.json(NS.explain(state));
    },
    // The page's own script files of its origin: the recorder reads them as data for keys.
    scripts: function () {
      return Array.prototype.map.call(document.querySelectorAll('script[src]'), function (s) { return s.src; })
        .filter(function (src) { return src && (src.indexOf(location.origin) === 0 || /^file:/.test(src)); })
        .slice(0, 40);
    },
    // The text of one of those files, read by the recorder: a key in it is a key of the page.
    // Returns whether the page now has a key.
    offerScript: function (text, proof) {
      if (!NS.proven(proof, text) || NS.offeredScripts.length >= 40) return false;
      NS.offeredScripts.push(text);
      return !!NS.extractKey().key;
    },
    // A fresh selector for the item of `value` nearest to the drop zone `zone` (items move).
    itemFor: function (zone, value) {
      NS.findQuestions(); // the zones as they are now
      var el = document.querySelector(zone);
      var items = NS.dragItems(el);
      for (var i = 0; i < items.length; i++) if (NS.itemValue(items[i]) === value) return NS.itemSelector(items[i]);
      return null;
    },
    adopt: function () { adoptSession(); },
    // The selector of what shows a choice the page hides in a menu of its own, or null.
    openerOf: function (el) { return el ? NS.openerOf(el) : null; },
    // Answers still waiting for the throttle go out now; returns how many messages were sent.
    flush: function () { return flushProgress(false) ? 1 : 0; },
    // INIT_SESSION and, once the page has answered it, the survey: one round trip for both.
    greet: function (raw, proof) {
      return NS.once(function () {
        return receive(raw, proof) ? window.__ieltsRecorder.survey() : null;
      });
    },
    receive: receive,
    describe: NS.describe,
    answers: function () { return NS.readAnswers(); },
    key: NS.extractKey,
    // This window's questions, and whether it says it is part of a test (ielts:part-of): what
    // the recorder asks a window the exam opened before greeting it.
    ownQuestions: function () {
      var ids = [];
      NS.findQuestions().forEach(function (q) { ids = ids.concat(q.ids); });
      return { ids: ids, partOf: !!document.querySelector('meta[name="ielts:part-of"]') };
    },
    // What a window this page opens needs to know to tell whether it is part of the exam.
    examQuestions: function () {
      var found = NS.extractKey();
      return { ids: state.announced ? state.announced.split(',') : [], keyed: found.key ? Object.keys(found.key) : [] };
    },
    state: function () {
      return { sessionId: state.sessionId, examId: state.examId, seq: state.seq, completed: state.completed };
    },
  };
  // Every way in runs with the built-ins as they were (core.js, NS.guard).
  Object.keys(window.__ieltsRecorder).forEach(function (name) {
    window.__ieltsRecorder[name] = NS.guard(window.__ieltsRecorder[name]);
  });
  adoptSession();
  whenDomReady(NS.guard(adoptSession));
})();
