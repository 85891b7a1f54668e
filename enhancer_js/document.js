/*
 * document.js: the frame the enhancer's files run in (recorder/enhancer.py puts the prelude and
 * the files in place of the marker line below, in the order core.js lists).
 *
 * A new tab's first document (about:blank, top level, opened by no page) never holds an exam: the
 * browser makes it before the recorder navigates to the exam, and every init script runs in it.
 * The enhancer stays out of it: its files are compiled only where they may be needed (measured,
 * bench/page_overhead.py's "present" stage: a new tab took 12-17 ms less, about half of what the
 * enhancer adds to opening one). Frames and windows a page opens blank and writes into are not
 * skipped: they are not top level, or they have an opener.
 */
(function () {
  if (window.location.href === 'about:blank' && window === window.top && !window.opener) return;
  /* ENHANCER FILES */
})();
