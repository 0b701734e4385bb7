/* The release form: text boxes that grow with their text where the browser lacks CSS
 * `field-sizing: content` (release.css sets it, with its min and max height), and the
 * schedule picker focused when it opens; the body's live preview in the public article's
 * styles (css/article.css). Everything here is a convenience: the form works
 * the same without it.
 */
"use strict";
(function () {
  const sizesItself = window.CSS && CSS.supports && CSS.supports("field-sizing", "content");

  function grow(box) {
    box.style.height = "auto";
    box.style.height = box.scrollHeight + 2 + "px"; // capped by its CSS max-height
  }

  function growAll(root) {
    if (sizesItself) return;
    root.querySelectorAll("textarea.grows").forEach(grow);
  }

  document.addEventListener("input", (event) => {
    if (!sizesItself && event.target.matches && event.target.matches("textarea.grows")) {
      grow(event.target);
    }
  });
  // A senator added beside a lead joins the release, after the others (the server still
  // checks there is one lead).
  function joinAfterTheLead(row) {
    const group = row.closest(".inline-group");
    const rows = [...group.querySelectorAll("tr.form-row:not(.empty-form)")];
    const role = row.querySelector("select[name$='-role']");
    const leads = rows.filter((r) => r !== row && r.querySelector("select[name$='-role']")?.value === "lead");
    if (role && leads.length) role.value = "joint";
    const order = row.querySelector("input[name$='-order']");
    if (order) order.value = String(rows.indexOf(row));
  }

  // Django's inlines announce each row staff add.
  document.addEventListener("formset:added", (event) => {
    growAll(event.target);
    if (event.detail && event.detail.formsetName === "releasesenator_set") joinAfterTheLead(event.target);
  });

  // On a new release the admin puts the cursor in the form's first control, which is the
  // panel's Save button: the title is where writing starts. (After the admin's own script,
  // which is loaded async: "load" waits for it.)
  window.addEventListener("load", () => {
    const title = document.querySelector("#release_form #id_title");
    const active = document.activeElement;
    if (title && active && active.closest(".publish-panel") && location.pathname.endsWith("/add/")) {
      title.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    growAll(document);
    document.querySelectorAll("#release_form .markdownx-preview").forEach((preview) => {
      preview.classList.add("release__body", "prose");
      preview.setAttribute("role", "region");
      preview.setAttribute("aria-label", "Preview, as the public page shows it");
    });
    const schedule = document.querySelector(".publish-panel__schedule");
    if (schedule) {
      schedule.addEventListener("toggle", () => {
        if (schedule.open) schedule.querySelector("input")?.focus();
      });
      // Enter in the picker schedules (the form's default button would save a draft).
      schedule.querySelector("input")?.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        event.preventDefault();
        const button = schedule.querySelector("button[value=schedule]");
        button.form.requestSubmit(button);
      });
    }
  });
})();

/* The type's own fields: "Where it ran" shows for an op-ed (the outlet) and for floor
 * remarks (the Record), each with its pair of fields; other apps' parts of the form that
 * belong to one type say so with `data-release-type` (the event of a media advisory).
 * Hidden fields keep their values: the server decides what is kept. */
(function () {
  const OP_ED = "3", FLOOR_REMARKS = "5";
  function show() {
    const type = document.getElementById("id_type");
    if (!type) return;
    const details = document.querySelector("fieldset.type-details");
    if (details) {
      details.hidden = type.value !== OP_ED && type.value !== FLOOR_REMARKS;
      details.querySelectorAll(".field-outlet, .field-outlet_url").forEach((f) => {
        f.hidden = type.value !== OP_ED;
      });
      details.querySelectorAll(".field-congressional_record, .field-congressional_record_url")
        .forEach((f) => { f.hidden = type.value !== FLOOR_REMARKS; });
    }
    document.querySelectorAll("[data-release-type]").forEach((part) => {
      part.hidden = part.dataset.releaseType !== type.value;
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    show();
    document.getElementById("id_type")?.addEventListener("change", show);
  });
})();
