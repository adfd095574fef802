// Monitoring charts: draws each [data-monitor-chart] element with uPlot from its JSON
// ({x: [epoch seconds], series: [{label, values: [number or null]}]}), and resizes it with its container.
(function () {
  "use strict";
  var PALETTE = ["#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d",
    "#4d7c0f", "#1d4ed8", "#9a3412", "#047857"];

  function draw(element) {
    if (element.dataset.drawn === "true" || typeof uPlot === "undefined") { return; }
    var chart;
    try {
      chart = JSON.parse(element.getAttribute("data-monitor-chart"));
    } catch (e) {
      element.textContent = "The chart's data cannot be read.";
      return;
    }
    element.dataset.drawn = "true";
    element.textContent = "";
    var series = [{}];
    var data = [chart.x];
    chart.series.forEach(function (entry, index) {
      series.push({
        label: entry.label,
        stroke: PALETTE[index % PALETTE.length],
        width: entry.label === "drift_share" ? 3 : 1.5,
        spanGaps: true,
        points: { show: chart.x.length < 60 },
        value: function (u, v) { return v == null ? "\u2013" : Number(v).toPrecision(4); }
      });
      data.push(entry.values);
    });
    var width = Math.max(280, element.clientWidth);
    var plot = new uPlot({
      width: width,
      height: width < 500 ? 220 : 280,
      series: series,
      scales: { x: { time: true } },
      axes: [{}, { size: 56 }],
      legend: { live: true }
    }, data, element);
    if (typeof ResizeObserver !== "undefined") {
      // resized in the next frame, so a resize never happens inside the observer's own notification
      new ResizeObserver(function () {
        window.requestAnimationFrame(function () {
          var next = Math.max(280, element.clientWidth);
          if (Math.abs(next - plot.width) > 4) {
            plot.setSize({ width: next, height: next < 500 ? 220 : 280 });
          }
        });
      }).observe(element);
    }
  }

  window.Slipway.onLoad(function (root) {
    var elements = (root.querySelectorAll ? root : document).querySelectorAll("[data-monitor-chart]");
    Array.prototype.forEach.call(elements, draw);
  });
})();
