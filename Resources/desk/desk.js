// Redraws the walk-in form when an answer that relevance or a calculation reads changes: the
// server applies the catalog's rules (the form works the same without this script, by the
// "update" button). Focus returns to the control that changed.
document.addEventListener("change", function (event) {
  var control = event.target;
  if (!control.hasAttribute || !control.hasAttribute("data-refresh") || !control.form) return;
  var form = control.form;
  form.elements["focus"].value = control.name;
  var update = form.querySelector("button[value=update]");
  if (form.requestSubmit) form.requestSubmit(update); else update.click();
});
