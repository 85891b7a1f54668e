/*
 * explain.js: what the enhancer saw on a page, as plain facts, for `ielts exams check --explain`
 * and for the reason a page could not be recorded: the questions it took (and from which
 * token, with which numbering), the controls it did not take and why, what each key source
 * found, whether it is still waiting for the questions to be rendered.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  NS.explain = function (state) {
    return NS.once(function () {
      var questions = NS.findQuestions();
      var found = NS.extractKey();
      return {
        url: NS.cut(String(location.href), 2000),
        title: NS.cut(String(document.title || ''), 300),
        readyState: document.readyState,
        session: {
          greeted: !!state.sessionId,
          ready: !!state.started,
          waitingForQuestions: !!state.waitingForQuestions,
          readyAfterMs: state.readyAt ? state.readyAt - state.greetedAt : null,
          completed: !!state.completed,
        },
        questions: questions.slice(0, 200).map(function (q) {
          return {
            ids: q.ids,
            kind: q.kind,
            type: q.type,
            element: q.element ? NS.cut(q.element, 60) : null,
            from: q.from,
            numbering: q.numbering || 'token',
          };
        }),
        rejected: NS.rejectedControls(),
        startControl: NS.startControl(),
        tests: NS.describeTests(NS.pageTests()),
        keySource: found.source,
        keyTrials: NS.keyTrials(),
        dropListeners: NS.dropTargets ? NS.dropTargets.size : 0,
        draggableItems: NS.draggables().length,
        frames: window.frames.length,
        scriptFiles: document.querySelectorAll('script[src]').length,
        offeredScripts: NS.offeredScripts.length,
      };
    });
  };
})();
