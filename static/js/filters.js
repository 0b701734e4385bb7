// Progressive enhancement: the filter form works without JavaScript (Apply button), and on
// a phone the stylesheet folds it. With JavaScript, ticking a box applies the filter in
// place: the new page is fetched and its heading, count, chips, filters and results are
// swapped in, the address is pushed to the history, and the reader keeps the place: the
// panel stays as it was, the page does not scroll, focus stays on the same box.
const form = document.getElementById("filters");

const PARTS = ["list-heading", "list-count", "list-links", "list-chips", "results"];

function openDisclosures() {
  // The "12 more" lists a reader opened, by their facet's name.
  return new Set(
    [...form.querySelectorAll("fieldset details[open]")].map(
      (details) => details.querySelector("input")?.name,
    ),
  );
}

async function show(url, { push = true, focusOn = null } = {}) {
  const scrolled = window.scrollY;
  const opened = openDisclosures();
  document.body.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(url, { headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(response.statusText);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const newForm = page.getElementById("filters");
    if (!newForm || PARTS.some((id) => !page.getElementById(id))) throw new Error("page");
    for (const id of PARTS) {
      const here = document.getElementById(id);
      const there = page.getElementById(id);
      // The count is a live region: its words change, the element stays, so it is read out.
      if (id === "list-count") here.textContent = there.textContent;
      else here.replaceWith(document.importNode(there, true));
    }
    form.replaceChildren(...[...newForm.childNodes].map((n) => document.importNode(n, true)));
    for (const details of form.querySelectorAll("fieldset details")) {
      if (opened.has(details.querySelector("input")?.name)) details.open = true;
    }
    const summary = document.querySelector(".filters-toggle > summary");
    const newSummary = page.querySelector(".filters-toggle > summary");
    if (summary && newSummary) summary.textContent = newSummary.textContent;
    document.title = page.title;
    if (push) history.pushState({ filters: true }, "", url);
    if (focusOn) {
      const box = [...form.querySelectorAll("input[type=checkbox]")].find(
        (input) => input.name === focusOn.name && input.value === focusOn.value,
      );
      box?.focus({ preventScroll: true });
    }
    window.scrollTo({ top: scrolled, behavior: "instant" });
  } catch {
    window.location.assign(url); // whatever went wrong, the plain page still answers
  } finally {
    document.body.removeAttribute("aria-busy");
  }
}

function addressOf(formElement) {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(formElement)) {
    if (value !== "") query.append(name, value);
  }
  const encoded = query.toString();
  return formElement.action.split("?")[0] + (encoded ? `?${encoded}` : "");
}

if (form && window.fetch && window.DOMParser && history.pushState) {
  form.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.matches("input[type=checkbox]")) return;
    show(addressOf(form), { focusOn: { name: box.name, value: box.value } });
  });
  history.replaceState({ filters: true }, "");
  window.addEventListener("popstate", (event) => {
    if (event.state?.filters) show(window.location.href, { push: false });
  });
}
