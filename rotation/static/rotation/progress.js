// One line chart per county: approved + in place, in place, and the straight-line expectation.
(function () {
  const data = JSON.parse(document.getElementById("progress-data").textContent);
  const labels = document.documentElement.lang.startsWith("zh")
    ? { counted: "已批准+已到位", inPlace: "已到位", expected: "应完成进度" }
    : { counted: "Approved + in place", inPlace: "In place", expected: "Expected" };
  for (const county of data) {
    const canvas = document.getElementById("chart-" + county.code);
    if (!canvas || typeof Chart === "undefined") continue;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: county.labels,
        datasets: [
          { label: labels.counted, data: county.counted, borderColor: "#0d6efd" },
          { label: labels.inPlace, data: county.in_place, borderColor: "#198754" },
          { label: labels.expected, data: county.expected, borderColor: "#adb5bd", borderDash: [6, 4] },
        ],
      },
      options: { scales: { y: { beginAtZero: true, suggestedMax: county.share } } },
    });
  }
})();
