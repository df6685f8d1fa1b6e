/* The call's definition form. Add a row to a formset: clone its empty row with the next index
   (progressive enhancement: without JavaScript the form always offers one empty row more). */
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.dataset.formset;
    var total = box.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var template = box.querySelector("template[data-empty]");
    var button = box.querySelector("[data-add-row]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var html = template.innerHTML.replace(/__prefix__/g, total.value);
      box.querySelector("[data-rows]").insertAdjacentHTML("beforeend", html);
      total.value = parseInt(total.value, 10) + 1;
    });
  });
  var errors = document.getElementById("form-errors");
  if (errors) { errors.focus(); }
})();
