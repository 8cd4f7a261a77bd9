// The Inbox: the Upload button and dropping files anywhere on the page, and the bulk
// toolbar that appears only while rows are selected.
(function () {
  "use strict";

  function setUpUpload() {
    const form = document.querySelector("[data-upload]");
    if (!form) return;
    const input = form.querySelector("[data-upload-input]");
    const button = form.querySelector("[data-upload-button]");
    const overlay = document.querySelector("[data-drop-overlay]");
    button.addEventListener("click", () => input.click());
    // Chosen files go up at once: the Inbox shows them Processing while they are read.
    input.addEventListener("change", () => { if (input.files.length) form.requestSubmit(); });

    const carriesFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types || []).includes("Files");
    let depth = 0;
    document.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth += 1;
      overlay.hidden = false;
    });
    document.addEventListener("dragover", (event) => { if (carriesFiles(event)) event.preventDefault(); });
    document.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) overlay.hidden = true;
    });
    document.addEventListener("drop", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      overlay.hidden = true;
      if (!event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      form.requestSubmit();
    });
  }

  function setUpBulkbar() {
    const bar = document.querySelector("[data-bulkbar]");
    if (!bar) return;
    const count = bar.querySelector("[data-bulk-count]");
    const action = bar.querySelector("select[name=action]");
    const all = document.querySelector("[data-select-all]");
    const boxes = () => Array.from(document.querySelectorAll("[data-select-row]"));
    // Ids chosen so far: a row htmx replaces (processing, publishing) comes back ticked.
    const chosen = new Set();

    function showValueFor(chosen) {
      bar.querySelectorAll("[data-bulk-value]").forEach((field) => {
        field.hidden = field.dataset.bulkValue !== chosen;
      });
    }

    function update() {
      boxes().forEach((box) => { if (chosen.has(box.value)) box.checked = true; });
      const selected = boxes().filter((box) => box.checked).length;
      count.textContent = String(selected);
      bar.hidden = selected === 0;
      if (all) {
        all.checked = selected > 0 && selected === boxes().length;
        all.indeterminate = selected > 0 && selected < boxes().length;
      }
      boxes().forEach((box) => box.closest("tr").classList.toggle("is-selected", box.checked));
    }

    showValueFor(action.value);
    action.addEventListener("change", () => showValueFor(action.value));
    // Rows are replaced by htmx while they are processing or publishing, so listen on the page.
    const remember = (box) => { if (box.checked) chosen.add(box.value); else chosen.delete(box.value); };
    document.addEventListener("change", (event) => {
      if (!event.target.matches("[data-select-row]")) return;
      remember(event.target);
      update();
    });
    if (all) {
      all.addEventListener("change", () => {
        boxes().forEach((box) => { box.checked = all.checked; remember(box); });
        update();
      });
    }
    bar.querySelector("[data-bulk-clear]").addEventListener("click", () => {
      boxes().forEach((box) => { box.checked = false; });
      chosen.clear();
      update();
      if (all) all.focus();
    });
    document.body.addEventListener("htmx:afterSwap", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpUpload();
    setUpBulkbar();
  });
})();
