// Reload the vote page when its deadline passes, so it shows that voting has closed
// and, once counted, the result. No inline script: the page works without this.
(function () {
  "use strict";
  var el = document.querySelector("[data-deadline]");
  if (!el) {
    return;
  }
  var deadline = Date.parse(el.getAttribute("data-deadline"));
  var wait = deadline - Date.now();
  if (isNaN(deadline) || wait > 24 * 60 * 60 * 1000) {
    return;
  }
  window.setTimeout(function () {
    window.location.reload();
  }, Math.max(wait, 0) + 1500);
})();
