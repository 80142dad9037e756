// Searchable pickers (org/pickers.py): a select rendered with data-picker-url holds only its selected
// option; Tom Select asks that scoped endpoint for suggestions as the user types. Without this script
// the select still submits its selected value.
(function () {
  if (typeof TomSelect === "undefined") { return; }
  document.querySelectorAll("select[data-picker-url]").forEach(function (select) {
    var url = select.dataset.pickerUrl;
    var empty = select.dataset.pickerEmpty || "";
    var prompt = select.dataset.pickerPrompt || "";
    new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],            // the endpoint searches; the box shows what it answers
      maxOptions: 50,
      loadThrottle: 250,
      allowEmptyOption: true,
      plugins: select.multiple ? ["remove_button"] : [],
      placeholder: prompt,
      shouldLoad: function (query) { return query.length > 0; },
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = empty;   // Chinese, from the widget (org/pickers.py)
          return div;
        },
      },
      // When results arrive the selected empty option ("all") would stay the active one (Tom Select keeps the
      // selected item active in single mode), so Enter chose "" and submitted the form unfiltered: make the first
      // answered option the active one, as it is highlighted.
      onLoad: function () {
        var first = Array.prototype.filter.call(this.selectable(), function (el) { return el.dataset.value !== ""; })[0];
        if (first && this.control_input.value) { this.setActiveOption(first); }
      },
      load: function (query, callback) {
        var self = this;
        fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { self.clearOptions(); callback(data.results); })
          .catch(function () { callback(); });
      },
    });
    // Enter while a search is typed but its answer has not come (or matched nothing) must not submit the form
    // with the old value: it waits; Enter on a highlighted option selects it (Tom Select), the next one submits.
    var picker = select.tomselect;
    picker.control_input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !picker.control_input.value) { return; }
      if (picker.loading || !picker.activeOption || picker.activeOption.dataset.value === "") {
        event.preventDefault();
      }
    }, true);
  });
})();
