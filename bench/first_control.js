// bench.ready_latency: when the page's first answer control came to exist (page clock, ms since
// the epoch, as the enhancer's message time stamps are). Installed before any page script runs.
(function () {
  var CONTROL = 'input, select, textarea, [draggable=true]';
  window.__benchFirstControlAt = document.querySelector && document.querySelector(CONTROL) ? Date.now() : null;
  new MutationObserver(function (mutations, observer) {
    if (window.__benchFirstControlAt !== null) return observer.disconnect();
    if (document.querySelector(CONTROL)) {
      window.__benchFirstControlAt = Date.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
})();
