// The home page's sections (org.views.DashboardSectionView): each placeholder
// `<div data-dashboard-fragment="URL">` is replaced by its section, fetched after the page so that the page itself
// reads none of their figures; the section's charts are drawn once it is in place (charts.js). A section that
// cannot be loaded keeps its placeholder, whose link opens the section on a page of its own.
(function () {
  "use strict";

  async function load(holder) {
    const response = await fetch(holder.dataset.dashboardFragment, {
      headers: { "X-Dashboard-Fragment": "1" }, credentials: "same-origin",
    });
    if (!response.ok) throw new Error(response.status);
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const nodes = Array.from(template.content.children);
    holder.replaceWith(template.content);
    if (window.eduCharts) nodes.forEach((node) => window.eduCharts.drawIn(node));
  }

  document.querySelectorAll("[data-dashboard-fragment]").forEach((holder) => {
    load(holder).catch(() => holder.setAttribute("data-fragment-failed", "true"));
  });
})();
