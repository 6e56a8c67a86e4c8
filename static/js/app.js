// Small enhancements on top of htmx; every page works without them.
(function () {
  "use strict";
  if (window.htmx) document.documentElement.classList.add("htmx");

  function countCharacters(area) {
    var max = parseInt(area.getAttribute("data-maxlength"), 10);
    var out = document.getElementById(area.id + "-count");
    if (!out || !max) return;
    var left = max - area.value.length;
    var template = out.getAttribute(left < 0 ? "data-over" : "data-left");
    if (template) out.textContent = template.replace("__N__", Math.abs(left));
    out.classList.toggle("field-error", left < 0);
  }

  // Typing is heard on the document, so a field htmx swaps in counts too.
  document.addEventListener("input", function (event) {
    if (event.target.matches("textarea[data-maxlength]")) countCharacters(event.target);
  });

  // The page, and each piece htmx swaps in (an outerHTML swap drops its old target).
  function enhance(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("textarea[data-maxlength]").forEach(countCharacters);
    var first = root.matches("[data-autofocus]") ? root : root.querySelector("[data-autofocus]");
    if (first) first.focus();
  }

  // The title starts with the error prefix while a form shows errors, as on a whole page.
  function markTitle() {
    var prefix = document.body.getAttribute("data-error-prefix");
    if (!prefix) return;
    var title = document.title, marked = title.indexOf(prefix) === 0;
    var errors = document.querySelector("main .error-summary, main .field--error");
    if (errors && !marked) document.title = prefix + title;
    else if (!errors && marked) document.title = title.slice(prefix.length);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document.body); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
  document.addEventListener("htmx:afterSettle", markTitle);
})();
