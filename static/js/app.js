// Behaviour pages ask for with data attributes instead of inline handlers, so the
// Content-Security-Policy can refuse inline script. Listening on the document also
// covers content htmx swaps in later.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) {
    field.form.submit();
  }
});
