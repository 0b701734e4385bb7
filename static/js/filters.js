// Progressive enhancement: the filter form works without JavaScript (Apply button);
// with it, ticking a box applies the filter at once.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box.matches(".filters input[type=checkbox]")) box.form.requestSubmit();
});
