// The runs table of an experiment: run selection (kept in the URL's "selected" parameter, so a shared link keeps it,
// and carried into every sort, page and filter link), the compare link, and collapsing child runs under a parent.
(function () {
  "use strict";

  function view() { return document.getElementById("runs-view"); }

  function selected() {
    var root = view();
    var value = root ? root.getAttribute("data-selected") : "";
    return value ? value.split(",").filter(function (id) { return id.length > 0; }) : [];
  }

  function withSelection(href, ids) {
    var url = new URL(href, window.location.href);
    if (ids.length) { url.searchParams.set("selected", ids.join(",")); } else { url.searchParams.delete("selected"); }
    // keep commas readable in shared links
    return url.pathname + url.search.replace(/%2C/gi, ",");
  }

  /** Writes the selection into the page: checkboxes, counters, buttons, links, form fields and the address bar. */
  function apply(ids, replaceUrl) {
    var root = view();
    if (!root) { return; }
    root.setAttribute("data-selected", ids.join(","));
    var set = {};
    ids.forEach(function (id) { set[id] = true; });
    var boxes = root.querySelectorAll("input.run-select");
    var checkedOnPage = 0;
    boxes.forEach(function (box) {
      box.checked = !!set[box.value];
      if (box.checked) { checkedOnPage++; }
    });
    var all = document.getElementById("select-page");
    if (all) {
      all.checked = boxes.length > 0 && checkedOnPage === boxes.length;
      all.indeterminate = checkedOnPage > 0 && checkedOnPage < boxes.length;
    }
    var count = document.getElementById("selection-count");
    if (count) { count.textContent = ids.length + " selected"; }
    var field = document.getElementById("selected-runs");
    if (field) { field.value = ids.join(","); }
    root.querySelectorAll("input.selected-field").forEach(function (input) { input.value = ids.join(","); });
    ["delete-runs", "restore-runs"].forEach(function (id) {
      var button = document.getElementById(id);
      if (button) { button.disabled = ids.length === 0; }
    });
    var compare = document.getElementById("compare-link");
    if (compare) {
      compare.setAttribute("href", "/compare?runs=" + ids.join(","));
      if (ids.length >= 2) { compare.removeAttribute("aria-disabled"); } else { compare.setAttribute("aria-disabled", "true"); }
    }
    root.querySelectorAll("a[data-nav]").forEach(function (link) {
      link.setAttribute("href", withSelection(link.getAttribute("href"), ids));
    });
    if (replaceUrl) {
      history.replaceState(history.state, "", withSelection(window.location.href, ids));
    }
  }

  function change(id, on) {
    var ids = selected().filter(function (other) { return other !== id; });
    if (on) { ids.push(id); }
    return ids;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!view() || !(target instanceof HTMLInputElement)) { return; }
    if (target.classList.contains("run-select")) {
      apply(change(target.value, target.checked), true);
    } else if (target.id === "select-page") {
      var ids = selected();
      view().querySelectorAll("input.run-select").forEach(function (box) {
        ids = ids.filter(function (other) { return other !== box.value; });
        if (target.checked) { ids.push(box.value); }
      });
      apply(ids, true);
    }
  });

  document.addEventListener("click", function (event) {
    var compare = event.target.closest && event.target.closest("#compare-link");
    if (compare && compare.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      Slipway.toast("<div class=\"error\">Select at least two runs to compare.</div>");
      return;
    }
    var toggle = event.target.closest && event.target.closest("button.toggle");
    if (toggle && view() && view().contains(toggle)) {
      var expanded = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", expanded ? "false" : "true");
      toggle.setAttribute("aria-label", toggle.getAttribute("aria-label")
        .replace(expanded ? /^Hide/ : /^Show/, expanded ? "Show" : "Hide"));
      layoutChildren(toggle.closest("tr"));
    }
  });

  /** Hides or shows the rows nested under a row, honouring collapsed rows further down. */
  function layoutChildren(row) {
    var depth = Number(row.getAttribute("data-depth"));
    var hiddenBelow = -1;
    var toggle = row.querySelector("button.toggle");
    if (toggle && toggle.getAttribute("aria-expanded") === "false") { hiddenBelow = depth; }
    for (var next = row.nextElementSibling; next; next = next.nextElementSibling) {
      var nextDepth = Number(next.getAttribute("data-depth"));
      if (nextDepth <= depth) { break; }
      if (hiddenBelow >= 0 && nextDepth > hiddenBelow) {
        next.hidden = true;
        continue;
      }
      hiddenBelow = -1;
      next.hidden = false;
      var own = next.querySelector("button.toggle");
      if (own && own.getAttribute("aria-expanded") === "false") { hiddenBelow = nextDepth; }
    }
  }

  // GET forms of the view send every field; leave the defaults out of the URL that is pushed and shared
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (detail.verb !== "get" || !view() || !view().contains(event.target)) { return; }
    var data = detail.formData;
    ["filter", "selected"].forEach(function (name) {
      if (data.has(name) && data.getAll(name).every(function (value) { return value === ""; })) {
        delete detail.parameters[name];
      }
    });
    if (data.get("view") === "active") { delete detail.parameters.view; }
  });

  function init() {
    if (view()) { apply(selected(), false); }
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
  document.addEventListener("htmx:historyRestore", init);
  if (document.readyState !== "loading") { init(); }
})();
