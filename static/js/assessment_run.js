// Poll an assessment run's JSON status while it runs; reload the page once it has finished.
(function () {
  var box = document.getElementById("run-status");
  if (!box || box.dataset.running !== "1") { return; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (run) {
      if (!run.running) { window.location.reload(); return; }
      var bar = box.querySelector(".progress-bar");
      if (bar && run.total) { bar.style.width = run.percent + "%"; }
      var rows = box.querySelector("[data-role=rows]");
      if (rows) { rows.textContent = run.done + " / " + run.total; }
      var stage = box.querySelector("[data-role=stage]");
      if (stage) { stage.textContent = run.stage_display; }
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
