// The progress page of a background job (core/job.html): ask the JSON endpoint how far the job is, update the
// bar and the counts, and load the page again once the job has finished (the server then renders the result
// or the failure). Without this file the page still has a plain reload link.
(function () {
  const box = document.querySelector("[data-job-status]");
  if (!box || !window.fetch) return;
  const url = box.dataset.jobStatus;
  const bar = document.getElementById("job-progress");
  const field = (name) => box.querySelector(`[data-job-field="${name}"]`);
  let delay = 1000;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((s) => {
        if (s.finished) { window.location.reload(); return; }
        if (field("state_label")) field("state_label").textContent = s.state_label;
        if (bar && s.percent !== null) { bar.value = s.percent; bar.textContent = `${s.percent}%`; }
        if (field("count") && s.count_label) field("count").textContent = s.count_label;
        if (field("stage")) field("stage").textContent = s.stage;
        delay = Math.min(delay * 1.2, 5000);
        setTimeout(poll, delay);
      })
      .catch(() => { setTimeout(poll, 10000); });
  }
  setTimeout(poll, delay);
})();
