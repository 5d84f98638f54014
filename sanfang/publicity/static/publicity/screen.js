// Big-screen mode: show one board section at a time, rotating; the page also reloads itself (meta refresh).
document.addEventListener("DOMContentLoaded", () => {
  const main = document.querySelector("main[data-rotate]");
  if (!main) return;
  const slides = Array.from(main.querySelectorAll(".slide"));
  if (slides.length < 2) return;
  const seconds = parseInt(main.dataset.rotate, 10) || 15;
  let current = 0;
  const show = (i) => slides.forEach((s, k) => s.classList.toggle("hidden", k !== i));
  show(current);
  setInterval(() => { current = (current + 1) % slides.length; show(current); }, seconds * 1000);
});
