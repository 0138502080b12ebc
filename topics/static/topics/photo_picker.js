/* The photo picker: a labelled button in the page's language instead of the
   browser's "Choose Files / No file chosen", and a preview of the chosen photos.
   Without this script the browser's own file input shows, and still works. */
(function () {
  "use strict";
  document.querySelectorAll("[data-photo-picker]").forEach(function (picker) {
    var input = picker.querySelector("input[type=file]");
    var status = picker.querySelector(".photo-picker-status");
    var preview = picker.querySelector(".photo-picker-preview");
    if (!input || !status || !preview) { return; }
    picker.classList.add("photo-picker-enhanced");

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      preview.textContent = "";
      if (!files.length) {
        status.textContent = picker.getAttribute("data-none");
        return;
      }
      status.textContent = files.length === 1
        ? picker.getAttribute("data-one")
        : picker.getAttribute("data-many").replace("%(count)s", String(files.length));
      files.forEach(function (file) {
        var figure = document.createElement("figure");
        figure.className = "photo-picker-item mb-0";
        var caption = document.createElement("figcaption");
        caption.className = "small text-break";
        caption.textContent = file.name;
        if (/^image\//.test(file.type)) {
          var img = document.createElement("img");
          img.className = "topic-thumb";
          img.alt = file.name;
          var reader = new FileReader();
          reader.onload = function () { img.src = reader.result; };
          reader.readAsDataURL(file);
          figure.appendChild(img);
        }
        figure.appendChild(caption);
        preview.appendChild(figure);
      });
    });
  });
})();
