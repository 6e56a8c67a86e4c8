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

  function enhance(root) {
    root.querySelectorAll("textarea[data-maxlength]").forEach(function (area) {
      countCharacters(area);
      area.addEventListener("input", function () { countCharacters(area); });
    });
    var first = root.querySelector("[data-autofocus]");
    if (first) first.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.detail.target); });
})();
