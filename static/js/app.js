// Behaviour every page shares, kept out of the templates so the Content-Security-Policy can forbid inline script.
(function () {
  // The language switch at the foot of each page submits itself when a language is picked.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Print buttons on printable pages (title statement, public notice).
  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Cancel on forms goes back to the page the user came from (its href is the fallback without history).
  document.querySelectorAll("a[data-action=back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  });
  // Progress bars carry their width as data (a style attribute would be refused by the CSP).
  document.querySelectorAll(".progress-bar[data-width]").forEach(function (bar) {
    bar.style.width = bar.dataset.width + "%";
  });
})();
