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
      load: function (query, callback) {
        var self = this;
        fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { self.clearOptions(); callback(data.results); })
          .catch(function () { callback(); });
      },
    });
  });
})();
