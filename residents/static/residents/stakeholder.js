/* Stakeholder picker (residents.forms.StakeholderForm): show only the fields
   of the chosen kind; without JavaScript all fields stay visible and the
   server checks the choice. */
(function () {
  "use strict";
  var groups = {
    resident: ["div_id_resident"],
    organization: ["div_id_organization"],
    outside: ["div_id_outside_name", "div_id_outside_phone"]
  };
  var radios = document.querySelectorAll('input[name="stakeholder_kind"]');
  if (!radios.length) { return; }
  function update() {
    var chosen = document.querySelector('input[name="stakeholder_kind"]:checked');
    Object.keys(groups).forEach(function (kind) {
      groups[kind].forEach(function (id) {
        var el = document.getElementById(id);
        if (el) { el.hidden = !chosen || chosen.value !== kind; }
      });
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
