// Small progressive enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.value || source.textContent).then(() => {
      button.dataset.label = button.dataset.label || button.textContent;
      button.textContent = button.dataset.done || "✓";
      setTimeout(() => { button.textContent = button.dataset.label; }, 2000);
    });
  }
});

// Print buttons (official documents, the board poster): no inline onclick, the Content-Security-Policy forbids it.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// Long operations (imports, generated files): say what is happening instead of leaving the person guessing
// (issue 8 item 5). A form or link with data-busy="…" shows that text in a live region next to it; a form's submit
// buttons are disabled until the next page so that a slow import is not sent twice.
function sanfangBusy(element) {
  let status = element.nextElementSibling;
  if (!status || !status.classList.contains("busy-status")) {
    status = document.createElement("span");
    status.className = "busy-status";
    status.setAttribute("role", "status");
    element.insertAdjacentElement("afterend", status);
  }
  status.textContent = element.dataset.busy;
  return status;
}
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-busy]");
  if (!form || event.defaultPrevented) return;
  sanfangBusy(form);
  form.setAttribute("aria-busy", "true");
  // After this event the browser has collected the form's data: disabling now does not drop a button's value.
  setTimeout(() => form.querySelectorAll("button").forEach((b) => { b.disabled = true; }), 0);
});
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-busy]");
  if (!link) return;
  const status = sanfangBusy(link);
  setTimeout(() => { status.textContent = ""; }, 10000);  // the download has started by then
});
window.addEventListener("pageshow", () => {  // back to a page kept in memory: usable again
  document.querySelectorAll("form[aria-busy]").forEach((form) => {
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  });
  document.querySelectorAll(".busy-status").forEach((s) => { s.textContent = ""; });
});
