/*
 * submit.js: what a submit looks like on a page, read without any session state: a submit-like
 * control, the page's own grading functions, a results block shown, the score the page displays,
 * the page's own dialogs (a confirm the learner declined, an alert that tells the score), the
 * control a scripted learner presses to finish, and the one that starts a test whose questions
 * are shown only once it is pressed. enhancer.js decides when one of these is the
 * learner submitting.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;
  if (!NS || NS.isSubmitControl) return;

  // A submit's words, in English and in the languages whose results tables are read (key.js):
  // a Chinese app's 交卷 or 提交答案 is its Submit, a Spanish page's Enviar, a German Abgeben.
  // Three sets: English and the languages written with spaces are whole words (a letter of
  // Latin script on neither side), Chinese, Japanese and Korean are not.
  var SUBMIT_WORDS = {
    english: 'submit|finish|check\\s+(my\\s+)?answers|mark\\s+(my\\s+)?answers|end\\s+test',
    cjk: '提交|交卷|繳交|批改|提出|採点|答え合わせ|제출|채점',
    spaced: 'enviar|entregar|terminar|finalizar|comprobar|corregir|soumettre|valider|terminer|corriger|' +
      'v[ée]rifier|absenden|abgeben|einreichen|pr[üu]fen|n[ộo]p(\\s+b[àa]i)?|corrigir|verificar',
  };
  // Words a button may say anywhere in its label, not only first ("Grade my test").
  var GRADE_WORDS = {
    english: 'grade', cjk: '评分|評分', spaced: 'calificar|auswerten|ch[ấa]m\\s+đi[ểe]m|ki[ểe]m\\s+tra\\s+đáp\\s+án',
  };
  var LATIN = '\\w\\u00c0-\\u1eff';
  function wordsRe(sets, start) {
    var before = start ? '^' : '(^|[^' + LATIN + '])';
    return new RegExp([
      (start ? '^' : '\\b') + '(' + sets.map(function (w) { return w.english; }).join('|') + ')\\b',
      (start ? '^' : '') + '(' + sets.map(function (w) { return w.cjk; }).join('|') + ')',
      before + '(' + sets.map(function (w) { return w.spaced; }).join('|') + ')($|[^' + LATIN + '])',
    ].join('|'), 'i');
  }
  var SUBMIT_RE = wordsRe([SUBMIT_WORDS, GRADE_WORDS], false);
  // A control the page made (a link, a div) must begin with a submit's words: an answer
  // option styled as a button ("C. to finish early", "Grade 8 students") is not one.
  var MADE_SUBMIT_RE = wordsRe([SUBMIT_WORDS], true);
  // What a button says that shows the results, for a page whose submit says nothing else.
  var FINISH_WORDS = {
    english: "show\\s+(my\\s+)?(results|score)|done|i'?m\\s+done|complete|see\\s+(my\\s+)?score",
    cjk: '完成|结束|結束|查看(结果|結果|成绩|成績|得分)|显示(结果|成绩)|終了|완료',
    spaced: 'listo|hecho|fertig|xong|concluir|resultados?|r[ée]sultats?|ergebnisse?|k[ếe]t\\s+qu[ảa]',
  };
  var FINISH_LABEL_RE = wordsRe([FINISH_WORDS], false);
  var GRADING_FUNCTIONS = [
    'checkAnswers', 'gradeTest', 'gradeAnswers', 'markTest', 'markAnswers', 'submitAnswers',
    'submitTest', 'finishTest', 'showResults', 'checkTest', 'grade', 'submitExam',
  ];
  var RESULTS = '[data-ielts-results], #results, .results, #result-table, .results-table';
  var SCORE_RE = /(\d+(?:\.\d+)?)\s*(?:\/|out\s+of)\s*(\d+(?:\.\d+)?)/i;
  // In an element that holds the score, "7 of 13" too (elsewhere it may be "Question 7 of 13").
  var SCORE_OF_RE = /(\d+(?:\.\d+)?)\s*(?:\/|(?:out\s+)?of)\s*(\d+(?:\.\d+)?)/i;

  // The score the page shows ("7 / 13", "7 out of 13", "7 of 13 correct"), in `root` or the
  // whole document.
  NS.readPageScore = function (root) {
    var el = (root || document).querySelector('[data-ielts-score], #score, .score, #result, .result, #results, .results');
    return el ? scoreIn(el.textContent || '', SCORE_OF_RE) : null;
  };

  function scoreIn(text, re) {
    var m = (re || SCORE_RE).exec(text);
    if (!m) return null;
    var score = parseFloat(m[1]);
    var total = parseFloat(m[2]);
    return total > 0 && score <= total ? { score: score, total: total } : null;
  }

  // A score the page shows in a place of no name of ours, once it has marked itself: a short
  // text that says it is a score ("Your score: 3/4", "正确 3 / 4"), out of `total`, the number
  // of questions (a fraction in the passage is not one), shown.
  var SCORE_WORD_RE = /score|result|correct|right|marks?\b|points?\b|得分|分数|成绩|正确/i;
  NS.scoreShownOutOf = function (total) {
    var found = null;
    var seen = new Set(); // an element of several text nodes is read once
    if (total) {
      NS.eachText(function (node, el) {
        if (!/\d/.test(node.nodeValue) || seen.has(el)) return false;
        seen.add(el);
        var text = el.textContent || '';
        var score = text.length <= 200 && SCORE_WORD_RE.test(text) ? scoreIn(text) : null;
        found = score && score.total === total && visible(el) ? score : null;
        return found !== null;
      });
    }
    return found;
  };

  // The page's alert, confirm and prompt, seen as it calls them (its call goes through
  // unchanged, and the learner answers the browser's own dialog): {kind, message, answer, at}.
  var dialogs = [];
  var reflectApply = Reflect.apply;
  var noteDialog = NS.guard(function (kind, message, answer) {
    dialogs.push({ kind: kind, message: NS.cut(String(message === undefined ? '' : message), 500), answer: answer, at: NS.now() });
    if (dialogs.length > 20) dialogs.shift();
  });
  ['alert', 'confirm', 'prompt'].forEach(function (kind) {
    var original = window[kind];
    if (typeof original !== 'function' || original.__ieltsWrapped) return;
    var wrapped = function (message) {
      var answer = reflectApply(original, window, arguments);
      noteDialog(kind, message, answer);
      return answer;
    };
    wrapped.__ieltsWrapped = true;
    window[kind] = wrapped;
  });

  // A page's clock that has run out: an element of a timer (its id or class says timer,
  // countdown, clock, time-left or remaining) reading zero ("00:00", "0:00:00") or saying so,
  // or an alert saying so ("Time is up", "Time's up", "Time has run out", "时间到").
  var CLOCK_SELECTOR = ['timer', 'countdown', 'clock', 'time-left', 'remaining'].map(function (w) {
    return '[id*=' + w + ' i], [class*=' + w + ' i]';
  }).join(', ');
  var ZERO_RE = /^\D{0,40}?\b0{1,2}\s*:\s*00(?:\s*:\s*00)?(?!\d)\D{0,40}$/;
  var TIME_UP_RE = /\btime(?:'s|\s+is)?\s+up\b|\btime\s+has\s+(?:run\s+out|expired|ended)|\bout\s+of\s+time\b|时间到|時間到|时间已到|時間切れ/i;

  NS.timeIsUp = function () {
    if (dialogs.some(function (d) { return d.kind === 'alert' && TIME_UP_RE.test(d.message); })) return true;
    var clocks = document.querySelectorAll(CLOCK_SELECTOR);
    for (var i = 0; i < clocks.length && i < 50; i++) {
      var text = (clocks[i].textContent || '').replace(/\s+/g, ' ').trim();
      if (text.length <= 80 && (ZERO_RE.test(text) || TIME_UP_RE.test(text))) return true;
    }
    return false;
  };

  // Whether the learner declined a confirm the page asked at or after `since` (ms): a submit
  // the page asked about ("Submit your answers?") and was told no did not happen.
  NS.declinedSince = function (since) {
    return dialogs.some(function (d) { return d.kind === 'confirm' && d.at >= since && !d.answer; });
  };

  // The score an alert told at or after `since`, for a page that shows it nowhere else.
  NS.scoreSaidSince = function (since) {
    for (var i = dialogs.length - 1; i >= 0; i--) {
      var found = dialogs[i].kind === 'alert' && dialogs[i].at >= since ? scoreIn(dialogs[i].message) : null;
      if (found) return found;
    }
    return null;
  };

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && (el.textContent || '').trim() !== '';
  }

  NS.visible = visible;

  // Whether an element takes up room on the page (a control has no text to show).
  function hasBox(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  // The results blocks the page shows now (shown and not empty).
  NS.shownResults = function () {
    return Array.prototype.filter.call(document.querySelectorAll(RESULTS), visible);
  };

  var BUTTONS = 'button, input[type=submit], input[type=button], input[type=image], [role=button], [data-ielts-submit]';
  // What a page makes a button of: a link, an element with a click handler (an attribute, or a
  // listener it added: NS.clickTargets), an element classed or named as one.
  var MADE_BUTTONS = 'a, [onclick], [class*=btn], [class*=button], [class*=submit], [id*=submit]';
  var MADE_BUTTON_DEPTH = 4; // how far above the element clicked such a control may be
  var MADE_BUTTON_LABEL = 40; // a control's words are few: a longer text is not one

  function madeButton(el) {
    if (el === document.body || el === document.documentElement || el.tagName === 'LABEL') return false;
    if (!el.matches(MADE_BUTTONS) && !(NS.clickTargets && NS.clickTargets.has(el))) return false;
    for (var a = el; a; a = a.parentElement) if (NS.isDraggable(a)) return false; // an answer to place, whatever its words
    var href = el.tagName === 'A' ? el.getAttribute('href') : null;
    if (href && href.charAt(0) !== '#' && !/^\s*javascript:/i.test(href)) return false; // leaves the page
    if (el.querySelector('input, select, textarea, button, [contenteditable]')) return false;
    var text = (el.textContent || '').replace(/\s+/g, ' ').trim();
    return text !== '' && text.length <= MADE_BUTTON_LABEL;
  }

  // The control `el` is part of: a button, else a button the page made (near `el`), else null.
  function controlOf(el) {
    var button = el.closest(BUTTONS);
    if (button) return button;
    for (var node = el, depth = 0; node && node.nodeType === 1 && depth < MADE_BUTTON_DEPTH; node = node.parentElement, depth++) {
      if (madeButton(node)) return node;
    }
    return null;
  }

  function isSubmitControl(el) {
    var button = el && el.closest && controlOf(el);
    if (!button) return null;
    if (button.hasAttribute('data-ielts-submit')) return button;
    if (!button.matches(BUTTONS)) {
      var shown = (button.textContent || button.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim();
      return MADE_SUBMIT_RE.test(shown) ? button : null;
    }
    var words = [button.value, button.textContent, button.getAttribute('aria-label'), button.getAttribute('title'),
      button.id, button.getAttribute('name')];
    return SUBMIT_RE.test(words.join(' ')) ? button : null;
  }

  // The button (or submit-like control) `el` is in, if it submits; else null.
  NS.isSubmitControl = isSubmitControl;

  // Every control of `root` a learner might press to submit: buttons, then those the page made.
  NS.submitControls = function (root) {
    var found = Array.prototype.slice.call(root.querySelectorAll(BUTTONS + ', ' + MADE_BUTTONS));
    if (NS.clickTargets) {
      NS.clickTargets.forEach(function (el) { if (el.isConnected && root.contains(el) && found.indexOf(el) < 0) found.push(el); });
    }
    return found.filter(function (el) { return isSubmitControl(el) === el; });
  };

  // The control a scripted learner presses to finish: a submit-like button, else one the page
  // made (a link, a div it listens to), else a button that calls a grading function or says it
  // shows the results (those are seen by other means when pressed).
  NS.submitTarget = function () {
    var marked = document.querySelector('[data-ielts-submit]');
    if (marked) return NS.cssPath(marked);
    var candidates = document.querySelectorAll(BUTTONS);
    var fallback = null;
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      if (isSubmitControl(el)) return NS.cssPath(el);
      var handler = el.getAttribute('onclick') || '';
      var calls = GRADING_FUNCTIONS.some(function (name) { return handler.indexOf(name + '(') >= 0; });
      if (!fallback && !el.disabled && (calls || FINISH_LABEL_RE.test(el.value || el.textContent || ''))) fallback = el;
    }
    var made = NS.submitControls(document).filter(function (el) { return !el.matches(BUTTONS) && visible(el); });
    if (made.length) return NS.cssPath(made[0]);
    return fallback ? NS.cssPath(fallback) : null;
  };

  // The control that starts a test which shows its questions only once it is pressed ("Start
  // test", "Begin"), while none of them is shown (not rendered yet, or hidden): shown, enabled,
  // a button or one the page made, of few words; its selector and words, or null.
  var START_RE = new RegExp([
    '^(start|begin)\\b|\\bstart\\s+(the\\s+)?(test|exam|practice|reading|listening|now)\\b',
    '^(开始|開始|はじめ|시작)',
    '^(empezar|comenzar|iniciar|commencer|d[ée]marrer|starten|beginnen|b[ắa]t\\s+đ[ầa]u|come[çc]ar)($|[^' + LATIN + '])',
  ].join('|'), 'i');
  NS.startControl = function () {
    var shown = NS.findQuestions().some(function (q) { return q.controls.some(hasBox); });
    if (shown) return null;
    var candidates = document.querySelectorAll(BUTTONS + ', ' + MADE_BUTTONS);
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      var words = String(el.value || el.textContent || '').replace(/\s+/g, ' ').trim();
      if (el.disabled || words.length > MADE_BUTTON_LABEL || !START_RE.test(words)) continue;
      if ((el.matches(BUTTONS) || madeButton(el)) && visible(el)) return { selector: NS.cssPath(el), words: words };
    }
    return null;
  };

  // The page's own grading function, called by any means: `onCall()` runs before it and may
  // return what to do once it has run (the answers are read before the page grades them).
  NS.wrapGradingFunctions = function (onCall) {
    GRADING_FUNCTIONS.forEach(function (name) {
      var desc = Object.getOwnPropertyDescriptor(window, name);
      if (!desc || typeof desc.value !== 'function' || !desc.writable || desc.value.__ieltsWrapped) return;
      var original = desc.value;
      var wrapped = function () {
        var after = onCall();
        try {
          return original.apply(this, arguments);
        } finally {
          if (after) after();
        }
      };
      wrapped.__ieltsWrapped = true;
      try { window[name] = wrapped; } catch (err) { /* a frozen global: the other signs remain */ }
    });
  };
})();
