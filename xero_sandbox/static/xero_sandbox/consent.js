// Keeps "Continue with N organisations" in step with the ticked boxes (re-consent only).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("sbx-consent");
  if (!form) return;
  const button = form.querySelector('button[value="allow"]');
  if (!button || button.dataset.reconsent !== "true") return;
  form.addEventListener("change", () => {
    const n = form.querySelectorAll('input[name="organisations"]:checked').length;
    button.textContent = `Continue with ${n} organisation${n === 1 ? "" : "s"}`;
  });
});
