// Poll an import or export job's JSON status while it runs; reload the page once it has finished.
(function () {
  var box = document.getElementById("job-status");
  if (!box || box.dataset.running !== "1") { return; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (job) {
      if (!job.running) { window.location.reload(); return; }
      var bar = box.querySelector(".progress-bar");
      if (bar && job.rows_total) { bar.style.width = Math.round(100 * job.rows_done / job.rows_total) + "%"; }
      var rows = box.querySelector("[data-role=rows]");
      if (rows) { rows.textContent = job.rows_done + " / " + job.rows_total; }
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
