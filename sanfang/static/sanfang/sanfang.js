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

// Wide tables on a phone scroll sideways in their .table-wrap (sanfang.css). A region that scrolls must be reachable
// by keyboard and say what it holds (WCAG 2.1.1; axe "scrollable-region-focusable"): while it overflows it gets
// tabindex=0, role=region and the name of its table (caption, else the heading of its section).
function sanfangScrollRegions() {
  document.querySelectorAll(".table-wrap").forEach((wrap) => {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      const caption = wrap.querySelector("caption");
      const section = wrap.closest("section, article, details, main");
      const heading = section && section.querySelector("h1, h2, h3, summary");
      const label = (caption || heading || document.querySelector("h1") || {}).textContent || document.title;
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", label.replace(/\s+/g, " ").trim());
      wrap.dataset.scrollRegion = "1";
    } else if (!scrolls && wrap.dataset.scrollRegion) {
      ["tabindex", "role", "aria-label", "data-scroll-region"].forEach((a) => wrap.removeAttribute(a));
    }
  });
}
document.addEventListener("DOMContentLoaded", sanfangScrollRegions);
window.addEventListener("resize", sanfangScrollRegions);
document.addEventListener("htmx:afterSettle", sanfangScrollRegions);
document.addEventListener("toggle", sanfangScrollRegions, true);
