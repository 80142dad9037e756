// Every chart of the project (Apache ECharts, served from static/vendor/echarts).
//
// A page places `<div class="chart" data-chart-source="ID">` and `{{ spec|json_script:"ID" }}`; the spec is
//   {kind: "bar" | "stack" | "line" | "map", categories: [...], map: "咸宁" (kind map),
//    max: number | null, percent: bool, series: [{name, data: [...], links: [url | null], dashed: bool}]}
// A click on a bar, point or county follows its link (the list behind the figure, same filters). Each chart
// has a table twin in the page (screen readers, keyboard, print), so the canvas itself is aria-hidden.
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  const lang = document.documentElement.lang || "zh-hans";
  const locale = lang.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const days = new Intl.DateTimeFormat(locale, { month: "long", day: "numeric" });
  const isoDay = /^\d{4}-\d{2}-\d{2}$/;

  function label(value) {
    if (typeof value === "string" && isoDay.test(value)) {
      const [y, m, d] = value.split("-").map(Number);
      return days.format(new Date(y, m - 1, d));
    }
    return value;
  }

  function number(value, percent) {
    if (value === null || value === undefined || Number.isNaN(value)) return "—";
    return numbers.format(value) + (percent ? "%" : "");
  }

  function follow(spec, params) {
    const series = spec.series[params.seriesIndex || 0] || {};
    const link = params.data && params.data.link ? params.data.link : (series.links || [])[params.dataIndex];
    if (link) window.location.assign(link);
  }

  function mapOption(spec) {
    const series = spec.series[0];
    return {
      tooltip: { trigger: "item", formatter: (p) => p.name + "：" + number(p.value, spec.percent) },
      visualMap: {
        min: 0, max: spec.max || 100, calculable: false, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: ["#dc3545", "#ffc107", "#198754"] }, formatter: (v) => number(v, spec.percent),
      },
      series: [{
        type: "map", map: spec.map, roam: false, label: { show: true },
        data: spec.categories.map((name, i) => ({ name: name, value: series.data[i], link: (series.links || [])[i] })),
      }],
    };
  }

  function cartesianOption(spec) {
    const stacked = spec.kind === "stack";
    return {
      tooltip: { trigger: "axis", valueFormatter: (v) => number(v, spec.percent) },
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 48, right: 16, top: spec.series.length > 1 ? 32 : 16, bottom: 32, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { formatter: label, interval: "auto" } },
      yAxis: { type: "value", min: 0, max: spec.max || undefined, axisLabel: { formatter: (v) => number(v, spec.percent) } },
      series: spec.series.map((s) => ({
        name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.data, stack: stacked ? "all" : undefined,
        lineStyle: s.dashed ? { type: "dashed" } : undefined, showSymbol: spec.kind === "line" ? s.data.length < 40 : undefined,
        cursor: (s.links || []).some(Boolean) ? "pointer" : "default",
      })),
    };
  }

  function draw(node) {
    const source = document.getElementById(node.dataset.chartSource);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    if (spec.kind === "map" && !echarts.getMap(spec.map)) spec.kind = "bar";  // boundaries missing: a bar chart
    const chart = echarts.init(node, null, { renderer: "svg", locale: locale === "zh-CN" ? "ZH" : "EN" });
    // No animation: figures appear at once (screenshots, print) and no frame runs after the page is left.
    chart.setOption(Object.assign({ animation: false }, spec.kind === "map" ? mapOption(spec) : cartesianOption(spec)));
    chart.on("click", (params) => follow(spec, params));
    // Resize once the window has settled, and never to an empty box: a map resized through a zero-size
    // moment (a full-page screenshot, print preview) inverts a singular transform and throws inside ECharts.
    let pending = null;
    const resize = () => {
      if (node.clientWidth > 0 && node.clientHeight > 0) chart.resize();
    };
    window.addEventListener("resize", () => {
      clearTimeout(pending);
      pending = setTimeout(resize, 150);
    });
    window.addEventListener("beforeprint", resize);
  }

  // The charts of a part of the page: the whole page now, each home-page section when it arrives (dashboard.js).
  function drawIn(root) {
    root.querySelectorAll(".chart[data-chart-source]").forEach(draw);
  }

  window.eduCharts = { drawIn: drawIn };
  drawIn(document);
})();
