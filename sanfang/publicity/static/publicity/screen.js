// Big-screen mode: show one board section at a time, rotating, and reload the page every few minutes so the
// display stays current. A reader can pause both (WCAG 2.2.1, 2.2.2); a <meta> refresh could not be paused.
document.addEventListener("DOMContentLoaded", () => {
  const main = document.querySelector("main[data-rotate]");
  if (!main) return;
  const slides = Array.from(main.querySelectorAll(".slide"));
  const seconds = parseInt(main.dataset.rotate, 10) || 15;
  const reload = parseInt(main.dataset.reload, 10) || 600;
  let current = 0;
  let rotating = null;
  let reloading = null;
  const show = (i) => slides.forEach((s, k) => s.classList.toggle("hidden", k !== i));
  const start = () => {
    if (slides.length > 1) {
      show(current);
      rotating = setInterval(() => { current = (current + 1) % slides.length; show(current); }, seconds * 1000);
    }
    reloading = setTimeout(() => window.location.reload(), reload * 1000);
  };
  const stop = () => { clearInterval(rotating); clearTimeout(reloading); };
  const pause = document.querySelector("[data-pause]");
  if (pause) {
    pause.addEventListener("click", () => {
      const paused = pause.getAttribute("aria-pressed") !== "true";
      pause.setAttribute("aria-pressed", paused ? "true" : "false");
      if (paused) stop(); else start();
    });
  }
  start();
});
