// Progressive enhancement: the filter form works without JavaScript (Apply button).
// With it, ticking a box applies the filter at once, and on a phone the filters start
// folded so the results come first.
const toggle = document.querySelector(".filters-toggle");
if (toggle && window.matchMedia("(max-width: 52rem)").matches) toggle.open = false;
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box.matches(".filters input[type=checkbox]")) box.form.requestSubmit();
});
