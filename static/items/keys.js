// Keyboard shortcuts for working through the queue (the "?" dialog lists them).
// Inbox: j/k or Down/Up move between rows, Enter opens, e opens to edit, x selects,
// p publishes the selected rows (or the current one). Item details: j/k or Right/Left go
// to the next/previous item, e goes to the first field, s saves and goes next, p publishes.
// Keys are ignored while typing in a field (Escape leaves the field) and with Ctrl/Alt/Cmd.
(function () {
  "use strict";

  const NOT_TEXT = ["checkbox", "radio", "button", "submit", "reset", "file"];
  const typing = (element) =>
    element &&
    (element.isContentEditable ||
      ["SELECT", "TEXTAREA"].includes(element.tagName) ||
      (element.tagName === "INPUT" && !NOT_TEXT.includes(element.type)));

  function dialog() {
    return document.querySelector("[data-keys-help]");
  }

  function showHelp() {
    const help = dialog();
    if (help && !help.open) help.showModal();
  }

  function inbox(queue) {
    const rows = () => Array.from(queue.querySelectorAll("[data-queue-row]"));
    let current = -1;

    function focusRow(index) {
      const all = rows();
      if (!all.length) return;
      current = Math.min(all.length - 1, Math.max(0, index));
      all.forEach((row, n) => row.classList.toggle("is-current", n === current));
      all[current].querySelector("[data-queue-open]").focus();
    }

    // Keep "current" in step with the focus however it got there (Tab, a click).
    queue.addEventListener("focusin", (event) => {
      const row = event.target.closest("[data-queue-row]");
      if (row) {
        current = rows().indexOf(row);
        rows().forEach((other) => other.classList.toggle("is-current", other === row));
      }
    });

    function currentRow() {
      const all = rows();
      return current >= 0 && current < all.length ? all[current] : null;
    }

    function publish() {
      const bar = document.querySelector("[data-bulkbar]");
      if (!bar) return;
      const ticked = rows().filter((row) => row.querySelector("[data-select-row]").checked);
      if (!ticked.length) {
        const row = currentRow();
        if (!row) return;
        const box = row.querySelector("[data-select-row]");
        box.checked = true;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
      bar.querySelector("select[name=action]").value = "publish";
      bar.requestSubmit();
    }

    return (event) => {
      switch (event.key) {
        case "j":
        case "ArrowDown":
          event.preventDefault();
          focusRow(current + 1);
          return true;
        case "k":
        case "ArrowUp":
          event.preventDefault();
          focusRow(current < 0 ? 0 : current - 1);
          return true;
        case "e": {
          const row = currentRow() || rows()[0];
          if (row) window.location.assign(`${row.querySelector("[data-queue-open]").href}#details`);
          return true;
        }
        case "x": {
          const row = currentRow();
          if (row) {
            const box = row.querySelector("[data-select-row]");
            box.checked = !box.checked;
            box.dispatchEvent(new Event("change", { bubbles: true }));
          }
          return true;
        }
        case "p":
          publish();
          return true;
        default:
          return false;
      }
    };
  }

  function details(workspace) {
    const follow = (selector) => {
      const link = workspace.querySelector(selector);
      if (link) window.location.assign(link.href);
    };
    return (event) => {
      // Arrows scroll the document in the viewer.
      if (event.key.startsWith("Arrow") && event.target.closest && event.target.closest("[data-viewer]")) return false;
      switch (event.key) {
        case "j":
        case "ArrowRight":
          follow("[data-queue-next]");
          return true;
        case "k":
        case "ArrowLeft":
          follow("[data-queue-previous]");
          return true;
        case "e": {
          const first = workspace.querySelector("#details input:not([type=hidden]), #details select, #details textarea");
          if (first) {
            event.preventDefault();
            first.focus();
          }
          return true;
        }
        case "s": {
          const save = workspace.querySelector("[data-save-next]");
          if (save) {
            event.preventDefault();
            save.click();
          }
          return true;
        }
        case "p": {
          const publish = document.querySelector("[data-publish-button]");
          if (publish && !publish.disabled) {
            event.preventDefault();
            publish.click();
          }
          return true;
        }
        default:
          return false;
      }
    };
  }

  document.addEventListener("DOMContentLoaded", () => {
    const queue = document.querySelector("[data-queue]");
    const workspace = document.querySelector("[data-workspace]");
    const handle = queue ? inbox(queue) : workspace ? details(workspace) : null;
    document.querySelectorAll("[data-keys-open]").forEach((button) => button.addEventListener("click", showHelp));
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const help = dialog();
      if (help && help.open) return; // the dialog handles Escape itself
      if (typing(event.target)) {
        if (event.key === "Escape" && !event.defaultPrevented) event.target.blur();
        return;
      }
      if (event.key === "?") {
        event.preventDefault();
        showHelp();
        return;
      }
      if (handle) handle(event);
    });
  });
})();
