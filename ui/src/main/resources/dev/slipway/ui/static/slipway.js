// Slipway's UI behaviours: error messages from htmx requests, and hooks other modules of this file register.
(function () {
  "use strict";
  var Slipway = window.Slipway = window.Slipway || {};
  var initializers = [];

  /** Registers fn(root) to run on the page and on every piece htmx swaps in. */
  Slipway.onLoad = function (fn) {
    initializers.push(fn);
    if (document.readyState !== "loading") { fn(document); }
  };

  function runAll(root) { initializers.forEach(function (fn) { fn(root); }); }

  document.addEventListener("DOMContentLoaded", function () { runAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { runAll(event.target); });

  /** Shows a message in the page's alert region for a few seconds. */
  Slipway.toast = function (html) {
    var toast = document.getElementById("toast");
    if (!toast) { return; }
    toast.innerHTML = html;
    toast.hidden = false;
    clearTimeout(Slipway.toastTimer);
    Slipway.toastTimer = setTimeout(function () { toast.hidden = true; }, 8000);
  };

  // htmx leaves 4xx/5xx answers unswapped: show their message (the server sends an error fragment) instead
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    Slipway.toast(xhr.responseText && xhr.responseText.indexOf("class=\"error\"") >= 0 ? xhr.responseText
      : "<div class=\"error\">The server answered " + xhr.status + ".</div>");
  });
  document.addEventListener("htmx:sendError", function () {
    Slipway.toast("<div class=\"error\">The server cannot be reached.</div>");
  });
})();
