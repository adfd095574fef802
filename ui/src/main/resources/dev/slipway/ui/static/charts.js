// Run and compare pages: metric charts (uPlot, downsampled on the server, drag to zoom, double-click to reset,
// exponential-moving-average smoothing), the compare page's scatter and parallel coordinates (SVG), and the URL
// that keeps the chosen axes shareable.
(function () {
  "use strict";
  var Slipway = window.Slipway = window.Slipway || {};
  var PALETTE = ["#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0f766e", "#a16207", "#be185d",
    "#4338ca", "#4b5563"];
  var SVG = "http://www.w3.org/2000/svg";
  var charts = Slipway.charts = [];

  function color(index) { return PALETTE[index % PALETTE.length]; }

  function smoothingWeight() {
    var input = document.getElementById("smoothing");
    return input ? Math.min(0.99, Math.max(0, parseFloat(input.value) || 0)) : 0;
  }

  function xAxis() {
    var select = document.getElementById("x-axis");
    return select && select.value === "time" ? "time" : "step";
  }

  /** TensorBoard's debiased exponential moving average; nulls stay gaps. */
  Slipway.smooth = function (values, weight) {
    if (!weight) { return values.slice(); }
    var out = new Array(values.length), last = 0, count = 0;
    for (var i = 0; i < values.length; i++) {
      var v = values[i];
      if (v === null || v === undefined || !isFinite(v)) { out[i] = null; continue; }
      last = last * weight + (1 - weight) * v;
      count++;
      out[i] = last / (1 - Math.pow(weight, count));
    }
    return out;
  };

  function fetchMetric(runId, key, axis, range) {
    var url = "/ui/data/metric?run_id=" + encodeURIComponent(runId) + "&key=" + encodeURIComponent(key) +
      "&x=" + axis + "&max_points=2000";
    if (range) { url += "&start=" + range[0] + "&end=" + range[1]; }
    return fetch(url, { headers: { "Accept": "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.error || ("The server answered " + response.status)); }
        return body;
      });
    });
  }

  function chartWidth(el) { return Math.max(200, Math.floor(el.getBoundingClientRect().width || el.clientWidth || 300)); }

  /** Builds uPlot's aligned data: x, then per run the raw and the smoothed values. */
  function buildData(chart) {
    var weight = smoothingWeight();
    var series = chart.series.map(function (body) {
      var xs = (chart.axis === "time" ? body.timestamps.map(function (t) { return t / 1000; }) : body.steps);
      return [xs, body.values];
    });
    var joined = series.length === 1 ? series[0] : uPlot.join(series);
    var data = [joined[0]];
    for (var i = 1; i < joined.length; i++) {
      if (weight > 0) { data.push(joined[i]); }
      data.push(Slipway.smooth(joined[i], weight));
    }
    return data;
  }

  function seriesOptions(chart) {
    var weight = smoothingWeight();
    var options = [{ label: chart.axis === "time" ? "Time" : "Step" }];
    chart.names.forEach(function (name, index) {
      var c = color(index);
      if (weight > 0) {
        options.push({ label: name + " (raw)", raw: true, stroke: c, alpha: 0.25, width: 1, points: { show: false } });
        options.push({ label: name, stroke: c, width: 2, points: { show: false } });
      } else {
        options.push({ label: name, stroke: c, width: 1.5, points: { show: false } });
      }
    });
    return options;
  }

  function draw(chart) {
    if (chart.plot) { chart.plot.destroy(); chart.plot = null; }
    chart.el.innerHTML = "";
    var data = buildData(chart);
    var options = {
      width: chartWidth(chart.el),
      height: 220,
      scales: { x: { time: chart.axis === "time" } },
      series: seriesOptions(chart),
      cursor: { drag: { x: true, y: false }, focus: { prox: 16 } },
      legend: { show: true, live: true },
      axes: [{}, { size: 60 }],
      hooks: { setSelect: [function (u) { if (u.select.width > 2) { zoomed(chart, u); } }] }
    };
    chart.plot = new uPlot(options, data, chart.el);
    // the faded raw lines need no legend rows of their own: the smoothed line's row names the run
    var rows = chart.plot.root.querySelectorAll(".u-legend .u-series");
    options.series.forEach(function (series, index) {
      if (series.raw && rows[index]) { rows[index].classList.add("raw-series"); }
    });
    if (chart.zoom) { chart.plot.setScale("x", { min: chart.zoom[0], max: chart.zoom[1] }); }
    chart.el.dataset.zoomed = chart.zoom ? "true" : "false";
    chart.el.dataset.downsampled = String(chart.series.some(function (body) { return body.downsampled; }));
    chart.el.dataset.smoothing = String(smoothingWeight());
    chart.el.dataset.points = String(data[0].length);
    chart.el.dataset.state = "ready";
    var last = data[data.length - 1];
    var lastValue = null;
    for (var i = last.length - 1; i >= 0; i--) { if (last[i] !== null && last[i] !== undefined) { lastValue = last[i]; break; } }
    chart.el.dataset.lastDrawn = lastValue === null ? "" : String(lastValue);
  }

  /**
   * After a drag-zoom: remembers the range (so a redraw keeps it) and, when the chart shows a downsampled history,
   * refetches just that range, which the server sends at full resolution once it holds no more than 2,000 points.
   */
  function zoomed(chart, u) {
    var min = u.posToVal(u.select.left, "x"), max = u.posToVal(u.select.left + u.select.width, "x");
    chart.zoom = [min, max];
    chart.el.dataset.zoomed = "true";
    if (!chart.overview.some(function (body) { return body.downsampled; })) { return; }
    var scale = chart.axis === "time" ? 1000 : 1;
    var range = [Math.floor(min * scale), Math.ceil(max * scale)];
    var request = chart.request = {};
    chart.el.setAttribute("aria-busy", "true");
    Promise.all(chart.runIds.map(function (runId) { return fetchMetric(runId, chart.key, chart.axis, range); }))
      .then(function (bodies) {
        if (chart.request !== request || !chart.zoom) { return; }
        chart.series = bodies;
        draw(chart);
      })
      .catch(function (error) { Slipway.toast && Slipway.toast("<div class=\"error\">Cannot load this range: " +
        String(error.message).replace(/[<&]/g, "") + "</div>"); })
      .then(function () { chart.el.removeAttribute("aria-busy"); });
  }

  /** Double-click resets the zoom: back to the whole (downsampled) history. */
  function resetZoom(chart) {
    if (!chart.zoom) { return; }
    chart.zoom = null;
    chart.request = null;
    chart.series = chart.overview;
    // after uPlot's own double-click handler, which resets its scale on the plot being replaced here
    setTimeout(function () { draw(chart); }, 0);
  }

  function load(chart) {
    chart.axis = xAxis();
    chart.el.dataset.state = "loading";
    Promise.all(chart.runIds.map(function (runId) { return fetchMetric(runId, chart.key, chart.axis); }))
      .then(function (bodies) {
        chart.series = chart.overview = bodies;
        chart.zoom = null;
        var total = bodies.reduce(function (sum, body) { return sum + body.values.length; }, 0);
        if (total === 0) {
          chart.el.innerHTML = "<p class=\"muted\">No values logged.</p>";
          chart.el.dataset.state = "empty";
          return;
        }
        draw(chart);
      })
      .catch(function (error) {
        chart.el.innerHTML = "";
        var message = document.createElement("div");
        message.className = "error";
        message.setAttribute("role", "alert");
        message.textContent = "This chart cannot be loaded: " + error.message;
        chart.el.appendChild(message);
        chart.el.dataset.state = "error";
      });
  }

  function initCharts(root) {
    var elements = root.querySelectorAll ? root.querySelectorAll(".metric-chart") : [];
    Array.prototype.forEach.call(elements, function (el) {
      if (el.dataset.bound || typeof uPlot === "undefined") { return; }
      el.dataset.bound = "true";
      var names;
      try { names = JSON.parse(el.dataset.names); } catch (e) { names = [el.dataset.names]; }
      if (!Array.isArray(names)) { names = [String(names)]; }
      var chart = { el: el, key: el.dataset.key, runIds: el.dataset.runs.split(","), names: names, plot: null };
      charts.push(chart);
      el.addEventListener("dblclick", function () { resetZoom(chart); });
      observe(el);
      load(chart);
    });
  }

  function bindControls() {
    var smoothing = document.getElementById("smoothing");
    if (smoothing && !smoothing.dataset.bound) {
      smoothing.dataset.bound = "true";
      smoothing.addEventListener("input", function () {
        var output = document.getElementById("smoothing-value");
        if (output) { output.textContent = smoothing.value; }
        charts.forEach(function (chart) { if (chart.series && chart.plot) { draw(chart); } });
      });
    }
    var axis = document.getElementById("x-axis");
    if (axis && !axis.dataset.bound) {
      axis.dataset.bound = "true";
      axis.addEventListener("change", function () { charts.forEach(load); });
    }
  }

  // Charts follow their box, which changes with the window and also when a scroll bar appears or goes
  var resizeTimer = null;
  function resizeAll() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (chart) {
        var width = chartWidth(chart.el);
        if (chart.plot && chart.plot.width !== width) { chart.plot.setSize({ width: width, height: 220 }); }
      });
      var plot = document.getElementById("scatter");
      if (compare && plot && plot.dataset.width !== String(plotWidth(plot))) { drawAnalysis(); }
    }, 60);
  }
  var observer = typeof ResizeObserver === "function" ? new ResizeObserver(resizeAll) : null;
  window.addEventListener("resize", resizeAll);
  function observe(el) { if (observer && el) { observer.observe(el); } }

  // ---- compare: scatter and parallel coordinates ---------------------------------------------------------------

  var compare = null;

  function svgEl(name, attrs, parent) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(el); }
    return el;
  }

  function axisLabel(id) {
    var axis = compare.axes.filter(function (a) { return a.id === id; })[0];
    return axis ? axis.label : id;
  }

  /** A scale for the axis over the runs: numeric when every present value is a number, else categories in order. */
  function scaleFor(id) {
    var values = compare.runs.map(function (run) { return run.values[id]; });
    var present = values.filter(function (v) { return v !== undefined && v !== null && v !== ""; });
    var numeric = present.every(function (v) { return typeof v === "number" || isFinite(Number(v)); });
    if (numeric) {
      var nums = present.map(Number);
      var min = Math.min.apply(null, nums), max = Math.max.apply(null, nums);
      if (!nums.length) { min = 0; max = 1; }
      if (min === max) { min -= 0.5; max += 0.5; }
      return { numeric: true, min: min, max: max,
        position: function (v) { return v === undefined || v === null || v === "" ? null : (Number(v) - min) / (max - min); },
        ticks: [min, (min + max) / 2, max].map(function (t) { return { at: (t - min) / (max - min), label: format(t) }; }) };
    }
    var categories = [];
    present.forEach(function (v) { if (categories.indexOf(String(v)) < 0) { categories.push(String(v)); } });
    categories.sort();
    var span = Math.max(1, categories.length - 1);
    return { numeric: false,
      position: function (v) { var i = categories.indexOf(String(v)); return i < 0 ? null : (categories.length === 1 ? 0.5 : i / span); },
      ticks: categories.map(function (c, i) { return { at: categories.length === 1 ? 0.5 : i / span, label: c }; }) };
  }

  /** The scale inset by 5% at each end, so points at the extremes are not cut by the frame. */
  function padded(scale) {
    var inset = function (p) { return p === null ? null : 0.05 + 0.9 * p; };
    return { numeric: scale.numeric, position: function (v) { return inset(scale.position(v)); },
      ticks: scale.ticks.map(function (t) { return { at: inset(t.at), label: t.label }; }) };
  }

  function format(n) {
    if (Math.abs(n) >= 1e5 || (Math.abs(n) < 1e-3 && n !== 0)) { return n.toExponential(2); }
    return String(Math.round(n * 1000) / 1000);
  }

  function plotWidth(el) { return Math.max(260, Math.floor(el.getBoundingClientRect().width || 600)); }

  function drawScatter() {
    var el = document.getElementById("scatter");
    var xSelect = document.getElementById("scatter-x"), ySelect = document.getElementById("scatter-y");
    if (!el || !xSelect || !ySelect) { return; }
    var xId = xSelect.value, yId = ySelect.value;
    var width = plotWidth(el), height = 300, left = 64, right = 16, top = 12, bottom = 44;
    var xs = padded(scaleFor(xId)), ys = padded(scaleFor(yId));
    el.dataset.width = String(width);
    el.innerHTML = "";
    var svg = svgEl("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height, "class": "scatter-svg" }, el);
    var plotW = width - left - right, plotH = height - top - bottom;
    svgEl("rect", { x: left, y: top, width: plotW, height: plotH, fill: "none", stroke: "#d0d7de" }, svg);
    xs.ticks.forEach(function (t) {
      var x = left + t.at * plotW;
      svgEl("line", { x1: x, x2: x, y1: top + plotH, y2: top + plotH + 4, stroke: "#4b5563" }, svg);
      svgEl("text", { x: x, y: top + plotH + 16, "text-anchor": "middle", "class": "tick" }, svg).textContent = t.label;
    });
    ys.ticks.forEach(function (t) {
      var y = top + (1 - t.at) * plotH;
      svgEl("line", { x1: left - 4, x2: left, y1: y, y2: y, stroke: "#4b5563" }, svg);
      svgEl("text", { x: left - 6, y: y + 4, "text-anchor": "end", "class": "tick" }, svg).textContent = t.label;
    });
    svgEl("text", { x: left + plotW / 2, y: height - 6, "text-anchor": "middle", "class": "axis-title" }, svg).textContent = axisLabel(xId);
    svgEl("text", { x: 12, y: top + plotH / 2, "text-anchor": "middle", "class": "axis-title",
      transform: "rotate(-90 12 " + (top + plotH / 2) + ")" }, svg).textContent = axisLabel(yId);
    var plotted = 0;
    compare.runs.forEach(function (run, index) {
      var px = xs.position(run.values[xId]), py = ys.position(run.values[yId]);
      if (px === null || py === null) { return; }
      plotted++;
      var circle = svgEl("circle", { cx: left + px * plotW, cy: top + (1 - py) * plotH, r: 6, fill: color(index),
        stroke: "#fff", "stroke-width": 1.5, "class": "scatter-point", "data-run": run.id }, svg);
      svgEl("title", {}, circle).textContent = run.name + ": " + axisLabel(xId) + " = " + run.values[xId] + ", " +
        axisLabel(yId) + " = " + run.values[yId];
    });
    el.setAttribute("aria-label", "Scatter of " + axisLabel(yId) + " against " + axisLabel(xId) + " for " + plotted +
      " of " + compare.runs.length + " runs");
    el.dataset.points = String(plotted);
  }

  function parallelAxes() {
    return Array.prototype.filter.call(document.querySelectorAll("#parallel-controls input[name=axis]"),
      function (box) { return box.checked; }).map(function (box) { return box.value; });
  }

  function drawParallel() {
    var el = document.getElementById("parallel");
    if (!el) { return; }
    var ids = parallelAxes();
    el.innerHTML = "";
    if (ids.length < 2) {
      var hint = document.createElement("p");
      hint.className = "muted";
      hint.textContent = "Choose at least two axes.";
      el.appendChild(hint);
      el.dataset.axes = String(ids.length);
      return;
    }
    var width = plotWidth(el), height = 320, left = 40, right = 40, bottom = 28;
    var step = (width - left - right) / (ids.length - 1);
    // narrow axes stagger their titles on two rows and shorten them (the full title is the tooltip)
    var stagger = step < 130, top = stagger ? 50 : 36, maxChars = Math.max(6, Math.floor((stagger ? 2 * step : step) / 7));
    var svg = svgEl("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height, "class": "parallel-svg" }, el);
    var plotH = height - top - bottom;
    var scales = ids.map(scaleFor);
    compare.runs.forEach(function (run, index) {
      var points = [];
      ids.forEach(function (id, i) {
        var p = scales[i].position(run.values[id]);
        if (p !== null) { points.push((left + i * step).toFixed(1) + "," + (top + (1 - p) * plotH).toFixed(1)); }
      });
      if (points.length < 2) { return; }
      var line = svgEl("polyline", { points: points.join(" "), fill: "none", stroke: color(index), "stroke-width": 2,
        "stroke-opacity": 0.85, "class": "parallel-line", "data-run": run.id }, svg);
      svgEl("title", {}, line).textContent = run.name;
    });
    ids.forEach(function (id, i) {
      var x = left + i * step;
      svgEl("line", { x1: x, x2: x, y1: top, y2: top + plotH, stroke: "#1b1f24", "class": "parallel-axis" }, svg);
      var anchor = i === 0 ? "start" : i === ids.length - 1 ? "end" : "middle";
      var label = axisLabel(id);
      var title = svgEl("text", { x: x, y: top - (stagger && i % 2 === 0 ? 32 : 18), "text-anchor": anchor,
        "class": "axis-title" }, svg);
      title.textContent = label.length > maxChars ? label.slice(0, maxChars - 1) + "\u2026" : label;
      svgEl("title", {}, title).textContent = label;
      scales[i].ticks.forEach(function (t) {
        svgEl("text", { x: x + (i === ids.length - 1 ? -4 : 4), y: top + (1 - t.at) * plotH + 4,
          "text-anchor": i === ids.length - 1 ? "end" : "start", "class": "tick" }, svg).textContent = t.label;
      });
    });
    el.dataset.axes = String(ids.length);
    el.setAttribute("aria-label", "Parallel coordinates of " + compare.runs.length + " runs over " +
      ids.map(axisLabel).join(", "));
  }

  function drawAnalysis() {
    if (!compare) { return; }
    drawScatter();
    drawParallel();
  }

  /** Keeps the chosen axes in the address, so the view can be shared and reloaded. */
  function updateUrl() {
    var url = new URL(window.location.href);
    var x = document.getElementById("scatter-x"), y = document.getElementById("scatter-y");
    if (x) { url.searchParams.set("x", x.value); }
    if (y) { url.searchParams.set("y", y.value); }
    url.searchParams.delete("axis");
    url.searchParams.set("axes", parallelAxes().join(","));
    history.replaceState(null, "", url.pathname + "?" + url.searchParams.toString().replace(/%2C/g, ",").replace(/%3A/g, ":"));
  }

  function initCompare() {
    var holder = document.getElementById("compare-data");
    if (!holder || compare) { return; }
    compare = JSON.parse(holder.dataset.compare);
    document.documentElement.classList.add("js");
    ["scatter-x", "scatter-y"].forEach(function (id) {
      document.getElementById(id).addEventListener("change", function () { drawScatter(); updateUrl(); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("#parallel-controls input[name=axis]"), function (box) {
      box.addEventListener("change", function () { drawParallel(); updateUrl(); });
    });
    ["scatter-controls", "parallel-controls"].forEach(function (id) {
      document.getElementById(id).addEventListener("submit", function (event) { event.preventDefault(); });
    });
    drawAnalysis();
    observe(document.getElementById("scatter"));
  }

  function bindDifferences() {
    var box = document.getElementById("only-differences");
    if (!box || box.dataset.bound) { return; }
    box.dataset.bound = "true";
    box.addEventListener("change", function () {
      Array.prototype.forEach.call(document.querySelectorAll("table.compare-values"), function (table) {
        table.classList.toggle("only-differences", box.checked);
      });
    });
  }

  function init(root) {
    bindControls();
    bindDifferences();
    initCharts(root);
    initCompare();
  }

  if (Slipway.onLoad) { Slipway.onLoad(init); } else { document.addEventListener("DOMContentLoaded", function () { init(document); }); }
})();
