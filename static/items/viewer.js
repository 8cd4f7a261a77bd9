// The document viewer on Item details: zoom, rotate and, for PDFs, page through the
// pages the server draws (items:document_page). Sizes are set through the CSSOM (allowed
// by the Content Security Policy, unlike style attributes).
(function () {
  "use strict";

  const STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

  function setUp(viewer) {
    const stage = viewer.querySelector("[data-viewer-stage]");
    const image = viewer.querySelector("[data-viewer-image]");
    if (!stage || !image) return;
    const zoomLabel = viewer.querySelector("[data-viewer-zoom-level]");
    const pageLabel = viewer.querySelector("[data-viewer-page-label]");
    const pages = Number(viewer.dataset.pages || 1);
    const name = image.alt.replace(/^Page \d+ of /, "");
    let zoom = 1; // 1 = the stage's width
    let fit = true;
    let rotation = 0;
    let page = 1;

    function draw() {
      const quarter = rotation % 180 !== 0;
      const width = stage.clientWidth * (fit ? 1 : zoom);
      const ratio = image.naturalWidth && image.naturalHeight ? image.naturalHeight / image.naturalWidth : 1.414;
      // Turned a quarter, the image's height is what has to fit the width.
      const drawnWidth = quarter ? width / ratio : width;
      image.style.width = `${Math.round(drawnWidth)}px`;
      image.style.transform = rotation ? `rotate(${rotation}deg)` : "";
      const boxWidth = quarter ? drawnWidth * ratio : drawnWidth;
      const boxHeight = quarter ? drawnWidth : drawnWidth * ratio;
      image.style.margin = quarter ? `${Math.round((boxHeight - drawnWidth * ratio) / 2)}px ${Math.round((boxWidth - drawnWidth) / 2)}px` : "0";
      zoomLabel.textContent = fit ? "Fit" : `${Math.round(zoom * 100)}%`;
    }

    function zoomBy(direction) {
      const current = fit ? 1 : zoom;
      const index = STEPS.findIndex((step) => step >= current - 0.001);
      const next = STEPS[Math.min(STEPS.length - 1, Math.max(0, (index < 0 ? STEPS.length - 1 : index) + direction))];
      fit = false;
      zoom = next;
      draw();
    }

    function show(number) {
      page = Math.min(pages, Math.max(1, number));
      image.src = viewer.dataset.pageUrl.replace(/\/0\/$/, `/${page}/`);
      image.alt = `Page ${page} of ${name}`;
      if (pageLabel) pageLabel.textContent = `Page ${page} of ${pages}`;
      stage.scrollTop = 0;
    }

    viewer.querySelectorAll("[data-viewer-zoom]").forEach((button) => {
      button.addEventListener("click", () => {
        const how = button.dataset.viewerZoom;
        if (how === "fit") {
          fit = true;
          draw();
        } else {
          zoomBy(how === "in" ? 1 : -1);
        }
      });
    });
    const rotate = viewer.querySelector("[data-viewer-rotate]");
    if (rotate) {
      rotate.addEventListener("click", () => {
        rotation = (rotation + 90) % 360;
        draw();
      });
    }
    viewer.querySelectorAll("[data-viewer-page]").forEach((button) => {
      button.addEventListener("click", () => show(page + (button.dataset.viewerPage === "next" ? 1 : -1)));
    });
    image.addEventListener("load", draw);
    window.addEventListener("resize", draw);
    if (image.complete) draw();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-viewer]").forEach(setUp);
  });
})();
