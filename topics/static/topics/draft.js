/* Keep what was typed in a topic form in localStorage, so a lost connection or a
   closed tab does not lose it. Photos cannot be kept: the browser forbids it. */
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }

  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    store.removeItem(el.getAttribute("data-clear-draft"));
  });

  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var notice = document.getElementById("draft-restored");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" &&
        el.type !== "hidden" && el.type !== "submit";
    });
  }

  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
      else if (el.type === "checkbox") { /* not kept */ }
      else { data[el.name] = el.value; }
    });
    data._saved = Date.now();
    try { store.setItem(key, JSON.stringify(data)); } catch (e) { /* full */ }
  }

  function restore() {
    var raw = store.getItem(key);
    if (!raw) { return; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { store.removeItem(key); return; }
    var restored = false;
    fields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio") {
        var anyChecked = form.querySelector('input[name="' + el.name + '"]:checked');
        if (el.value === data[el.name] && (!anyChecked || anyChecked.defaultChecked)) {
          if (!el.checked) { el.checked = true; restored = true; }
        }
      } else if (!el.value && data[el.name]) {
        el.value = data[el.name];
        restored = true;
      }
    });
    if (restored && notice) { notice.hidden = false; }
  }

  restore();
  var timer = null;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 300);
  });
  form.addEventListener("change", save);
  var discard = document.getElementById("draft-discard");
  if (discard) {
    discard.addEventListener("click", function () {
      store.removeItem(key);
      form.reset();
      fields().forEach(function (el) { if (el.tagName === "TEXTAREA" || el.type === "text") { el.value = ""; } });
      if (notice) { notice.hidden = true; }
    });
  }
})();
