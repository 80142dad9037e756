// Searchable pickers (org/pickers.py): a select rendered with data-picker-url holds only its selected
// option; Tom Select asks that scoped endpoint for suggestions as the user types. Without this script
// the select still submits its selected value.
(function () {
  if (typeof TomSelect === "undefined") { return; }
  document.querySelectorAll("select[data-picker-url]").forEach(function (select) {
    var url = select.dataset.pickerUrl;
    new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],            // the endpoint searches; the box shows what it answers
      maxOptions: 50,
      loadThrottle: 250,
      allowEmptyOption: true,
      plugins: select.multiple ? ["remove_button"] : [],
      shouldLoad: function (query) { return query.length > 0; },
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
