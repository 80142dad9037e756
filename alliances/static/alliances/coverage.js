// The coverage chart: share of schools in a group per county (data from the page's json_script).
(function () {
  const source = document.getElementById("coverage-data");
  const canvas = document.getElementById("coverage-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: "%", data: data.percent }] },
    options: { scales: { y: { beginAtZero: true, max: 100 } }, plugins: { legend: { display: false } } },
  });
})();
