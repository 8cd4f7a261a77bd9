// Drag and drop onto the upload form: dropped files go into the file input and the
// form is submitted, so the server handles them exactly like picked files.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-dropzone]").forEach((zone) => {
    const input = zone.querySelector("[data-dropzone-input]");
    if (!input) return;
    const activate = (event) => { event.preventDefault(); zone.classList.add("dropzone--active"); };
    const deactivate = () => zone.classList.remove("dropzone--active");
    zone.addEventListener("dragenter", activate);
    zone.addEventListener("dragover", activate);
    zone.addEventListener("dragleave", deactivate);
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      deactivate();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      zone.requestSubmit();
    });
  });
});
