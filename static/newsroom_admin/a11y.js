/* Names for the admin's unnamed form controls, for screen readers (axe-core finds them).
 *
 * Django's tabular inlines label their fields only by the column header, which assistive
 * technology does not tie to the control; select2 (the autocomplete widgets) leaves its
 * combobox and search box without a name and puts its "clear" button inside its list.
 * Each control gets the name a sighted editor reads beside it. Idempotent: it runs again
 * whenever the form changes (a row added, a choice made).
 */
"use strict";
(function () {
  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function ensureId(element, id) {
    if (!element.id) element.id = id;
    return element.id;
  }

  // The element that names a control: its <label>, or its tabular inline column header.
  function namer(control) {
    if (control.labels && control.labels.length) return control.labels[0];
    const cell = control.closest("td");
    const table = control.closest(".tabular table");
    if (!cell || !table) return null;
    const field = [...cell.classList].find((c) => c.startsWith("field-"));
    if (field) return table.querySelector(`thead th.column-${field.slice(6)}`);
    return null;
  }

  function rowNumber(control) {
    const row = control.closest("tr.form-row");
    if (!row) return "";
    const rows = [...row.parentElement.querySelectorAll("tr.form-row:not(.empty-form)")];
    return rows.indexOf(row) >= 0 ? `, row ${rows.indexOf(row) + 1}` : "";
  }

  function nameTabularControls() {
    document.querySelectorAll(".tabular tr.form-row:not(.empty-form)").forEach((row) => {
      row.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((control) => {
        if ((control.labels && control.labels.length) || control.hasAttribute("aria-label")) {
          return;
        }
        const cell = control.closest("td");
        const name = cell && cell.classList.contains("delete") ? "Delete" : text(namer(control));
        if (name) control.setAttribute("aria-label", name + rowNumber(control));
      });
    });
  }

  function nameSelect2(select) {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) return;
    const label = namer(select);
    if (!label) return;
    const labelId = ensureId(label, `${select.id}-name`);
    const single = container.querySelector(".select2-selection--single");
    if (single && !single.dataset.named) {
      // Its name, then its current value (the container select2 already points to).
      const current = single.getAttribute("aria-labelledby");
      single.setAttribute("aria-labelledby", current ? `${labelId} ${current}` : labelId);
      single.dataset.named = "1";
    }
    // select2 makes the shown value a read-only textbox: it is named by the field too.
    container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((value) => {
      value.setAttribute("aria-labelledby", labelId);
    });
    const multiple = container.querySelector(".select2-selection--multiple");
    if (multiple) {
      multiple.setAttribute("aria-labelledby", labelId);
      const search = multiple.querySelector(".select2-search__field");
      if (search) search.setAttribute("aria-label", text(label) + rowNumber(select));
      // A list holds list items only: keep the clear button beside the list, not in it.
      const list = multiple.querySelector("ul.select2-selection__rendered");
      const clear = list && list.querySelector(":scope > .select2-selection__clear");
      if (clear) {
        multiple.querySelectorAll(":scope > .select2-selection__clear").forEach((old) => old.remove());
        multiple.insertBefore(clear, list);
      }
    }
  }

  function nameAll() {
    nameTabularControls();
    document.querySelectorAll("select.admin-autocomplete").forEach(nameSelect2);
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(() => {
      pending = false;
      nameAll();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    nameAll();
    // select2 builds its widgets after this, and rebuilds parts on every change.
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("load", nameAll);
})();
