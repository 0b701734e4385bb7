/* The release list's searchable filters (senator, topic, bill): choosing one, or clearing it,
 * filters the list at once. The form's button is for a browser without script. */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const $ = window.django && window.django.jQuery;
  if (!$) return;
  document.querySelectorAll("form.choice-filter").forEach((form) => {
    const select = form.querySelector("select");
    const button = form.querySelector(".choice-filter__go");
    if (button) button.hidden = true;
    // select2 announces a choice with jQuery's change event, which addEventListener misses.
    $(select).on("change", () => {
      if (!select.value) select.disabled = true; // no choice: no parameter
      form.submit();
    });
  });
});
