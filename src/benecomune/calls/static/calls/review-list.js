/* The review list: "select all" on the page toggles the row checkboxes (both the table and
   the phone list). */
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-select-all]")) {
    document.querySelectorAll("input[name=ids]").forEach(function (box) {
      if (!box.disabled) { box.checked = event.target.checked; }
    });
  }
});
