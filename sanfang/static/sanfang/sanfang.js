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
