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

/* Saving as it goes: on a draft's edit page (the form carries data-autosave-url), a change
   posts the whole form one second later. The server saves only a valid form and answers with
   a status line ("Bozza salvata alle 10:42" or "Bozza non salvata: ...") and the new summary. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  var status = document.getElementById("autosave-status");
  if (!form || !status || !window.fetch) { return; }
  var timer = null;
  var running = false;
  var again = false;
  var summary = document.querySelector("[data-autosave-summary]");

  function save() {
    if (running) { again = true; return; }
    running = true;
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        status.textContent = answer.message;
        if (answer.summary && summary) { summary.innerHTML = answer.summary; }
      })
      .catch(function () {
        status.textContent = status.dataset.failed;
      })
      .then(function () {
        running = false;
        if (again) { again = false; save(); }
      });
  }

  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1000);
  });
  // The explicit save wins: no automatic save starts once the form is being submitted.
  form.addEventListener("submit", function () { window.clearTimeout(timer); });
})();
