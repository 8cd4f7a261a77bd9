// The contact picker: an editable combobox with a list popup, as in the WAI-ARIA
// Authoring Practices (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/). Typing asks
// the server for matching contacts (its HTML, escaped by Django, fills the listbox);
// Down/Up move through the options, Enter chooses, Escape closes (or, closed, restores
// the chosen name). Focus stays in the text box; aria-activedescendant tells assistive
// technology which option is highlighted. The chosen contact's id goes in a hidden input.
(function () {
  "use strict";

  function setUp(root) {
    const input = root.querySelector("[data-picker-input]");
    const value = root.querySelector("[data-picker-value]");
    const list = root.querySelector("[data-picker-options]");
    const note = root.querySelector("[data-picker-note]");
    let chosenName = input.value;
    let active = -1;
    let timer = null;
    let pending = null;
    let searchedFor = null;

    const options = () => Array.from(list.querySelectorAll('[role="option"]'));

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const all = options();
      all.forEach((option) => option.setAttribute("aria-selected", "false"));
      if (!all.length) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        return;
      }
      active = (index + all.length) % all.length;
      const option = all[active];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    async function search() {
      clearTimeout(timer);
      const query = input.value.trim();
      // Already showing this search: keep the list (and the highlighted option) as it is.
      if (query === searchedFor && !list.hidden) return;
      const url = new URL(root.dataset.searchUrl, window.location.href);
      url.searchParams.set("q", query);
      if (root.dataset.create) url.searchParams.set("create", "1");
      if (pending) pending.abort();
      pending = new AbortController();
      let response;
      try {
        response = await fetch(url, { credentials: "same-origin", signal: pending.signal });
      } catch (error) {
        return; // a newer search replaced this one
      }
      if (!response.ok) return;
      list.innerHTML = await response.text();
      searchedFor = query;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      open();
    }

    function choose(option) {
      if (!option || option.getAttribute("aria-disabled") === "true") return;
      if (option.dataset.createName !== undefined) {
        create(option.dataset.createName);
        return;
      }
      value.value = option.dataset.id;
      input.value = option.dataset.name;
      chosenName = option.dataset.name;
      note.textContent = option.dataset.note || "";
      close();
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function create(name) {
      const form = document.getElementById(root.dataset.createForm);
      if (!form) return;
      form.querySelector("[name=name]").value = name;
      if (name !== form.dataset.printedName) {
        // The tax number and email read from the document belong to the printed name only.
        form.querySelector("[name=tax_number]").value = "";
        form.querySelector("[name=email]").value = "";
      }
      note.textContent = `Creating “${name}” in Xero…`;
      form.requestSubmit();
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      searchedFor = null; // what is shown no longer matches what is typed
      timer = setTimeout(search, 150);
    });

    input.addEventListener("keydown", (event) => {
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (list.hidden || searchedFor !== input.value.trim()) {
            search().then(() => highlight(active + 1));
          } else {
            highlight(active + 1);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!list.hidden) highlight(active - 1);
          break;
        case "Enter":
          if (!list.hidden) {
            // Enter in an open list chooses; it never submits the item's form by surprise.
            event.preventDefault();
            if (active >= 0) choose(options()[active]);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault();
            event.stopPropagation();
            close();
          } else if (input.value !== chosenName) {
            event.preventDefault();
            event.stopPropagation();
            input.value = chosenName;
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", () => {
      window.setTimeout(() => {
        if (root.contains(document.activeElement)) return;
        close();
        if (input.value.trim() === "") {
          value.value = "";
          chosenName = "";
          note.textContent = "";
        } else {
          input.value = chosenName;
        }
      }, 200);
    });

    // Clicking an option must not take the focus from the text box first.
    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => choose(event.target.closest('[role="option"]')));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-picker]").forEach(setUp);
  });
})();
