// Nest's HTML report: renders the result embedded in #nest-data (the same document
// `nest-host --json` writes) with uPlot. Two kinds: one run ("result") and two runs compared
// ("compare"). When done it sets document.body.dataset.rendered to "yes" (or to the error), and
// window.nestCharts lists each chart with the colours of its series, so a test can check that
// every chart really drew.
(function () {
  "use strict";

  var COLORS = {
    rps: "#1f6feb", fails: "#d1242f", p50: "#2da44e", p95: "#bf8700", p99: "#8250df",
    users: "#0969da", dist: "#6e7781", base: "#8c959f", now: "#1f6feb", target: "#57606a",
    started: "#2da44e", dropped: "#d1242f", lag: "#8250df"
  };
  var PERCENTILES = ["p50", "p66", "p75", "p80", "p90", "p95", "p98", "p99", "p99.9", "p99.99", "p100"];
  window.nestCharts = [];
  // Steps between time-axis ticks, in seconds.
  var TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800,
                    86400];

  // ---- small DOM helpers ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function section(parent, title) {
    parent.appendChild(el("h2", { text: title }));
    var box = el("div", { "class": "scroll" });
    parent.appendChild(box);
    return box;
  }
  // rows: {cells, cls}; a cell is a string or {text, cls}. Columns before opts.left (default 1)
  // and those in opts.leftCols are text, aligned left; the others are numbers.
  function table(headers, rows, opts) {
    opts = opts || {};
    function left(i) { return i < (opts.left === undefined ? 1 : opts.left) || (opts.leftCols || []).indexOf(i) >= 0; }
    var head = el("tr", {}, headers.map(function (h, i) {
      return el("th", { text: h, "class": left(i) ? "l" : "" });
    }));
    var body = rows.map(function (r) {
      return el("tr", { "class": r.cls || "" }, r.cells.map(function (c, i) {
        var cell = typeof c === "object" && c !== null ? c : { text: c };
        var cls = (left(i) ? "l " : "") + (cell.cls || "");
        return el("td", { text: cell.text === undefined ? "" : String(cell.text), "class": cls });
      }));
    });
    return el("table", {}, [el("thead", {}, [head]), el("tbody", {}, body)]);
  }

  // ---- number formats (as the console) ----
  function fixed(v, d) { return v === null || v === undefined || isNaN(v) ? "-" : Number(v).toFixed(d); }
  function ms(v) { return v === null || v === undefined ? "-" : fixed(v, v >= 10 ? 0 : 2); }
  function pct(ratio) { return fixed(ratio * 100, 2) + "%"; }
  function count(v) { return Number(v).toLocaleString("en-US"); }
  function clock(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h ? h + ":" + two(m) : m) + ":" + two(sec);
  }

  // ---- charts ----
  function chartBox(parent, title) {
    var box = el("div", { "class": "chart" }, [el("h3", { text: title })]);
    parent.appendChild(box);
    return box;
  }
  function width(box) { return Math.max(320, box.clientWidth - 16); }

  // A time chart: x = seconds since the first spawn; series = [{label, values, color, width}].
  // Draws into `box` (a .chart) below its title; returns the uPlot.
  function drawTime(box, x, series, yLabel, spanGaps) {
    var opts = {
      width: width(box), height: 260,
      scales: { x: { time: false } },
      axes: [
        // Ticks on whole seconds only: a short run's half-second ticks would all read "0:01".
        { label: "seconds since start", incrs: TIME_STEPS, values: function (u, v) {
          var labels = v.map(function (s) { return clock(s); });
          box.dataset.xLabels = labels.join("|");  // what the axis shows, for the tests
          return labels;
        } },
        { label: yLabel, size: 60 }
      ],
      series: [{ label: "time", value: function (u, v) { return v === null ? "-" : clock(v); } }].concat(
        series.map(function (s) {
          return { label: s.label, stroke: s.color, width: s.width || 2, spanGaps: !!spanGaps,
                   dash: s.dash,
                   value: function (u, v) { return v === null || v === undefined ? "-" : fixed(v, 2); } };
        }))
    };
    var data = [x].concat(series.map(function (s) {
      return s.values.map(function (v) { return v === null || v === undefined ? null : v; });
    }));
    var plot = new uPlot(opts, data, box);
    window.addEventListener("resize", function () {
      if (document.body.contains(plot.root)) plot.setSize({ width: width(box), height: 260 });
    });
    return plot;
  }

  function timeChart(parent, id, title, x, series, yLabel, spanGaps) {
    var box = chartBox(parent, title);
    box.id = id;
    window.nestCharts.push({ id: id, colors: series.map(function (s) { return s.color; }) });
    return drawTime(box, x, series, yLabel, spanGaps);
  }

  // p50/p95/p99 per second, of all requests or of the row picked in the chart's own list
  // (busiest rows first). A row's seconds without requests are bridged: rows are often sparse.
  function latencyChart(parent, id, timeline) {
    var box = chartBox(parent, "Response time percentiles (per second) of ");
    box.id = id;
    function total(r) { return r.rps.reduce(function (s, v) { return s + (v || 0); }, 0); }
    var rows = timeline.rows.slice().sort(function (a, b) { return total(b) - total(a); });
    var pick = el("select", { "aria-label": "request row" }, [el("option", { value: "", text: "all requests" })]
      .concat(rows.map(function (r, i) { return el("option", { value: String(i), text: r.method + " " + r.name }); })));
    box.firstChild.appendChild(pick);
    function series(s) {
      // Lines that may coincide are drawn widest first, so each still shows as a border.
      return [{ label: "p50", values: s.p50_ms, color: COLORS.p50, width: 6 },
              { label: "p95", values: s.p95_ms, color: COLORS.p95, width: 4 },
              { label: "p99", values: s.p99_ms, color: COLORS.p99 }];
    }
    var plot = drawTime(box, timeline.t, series(timeline), "ms");
    pick.addEventListener("change", function () {
      plot.destroy();
      var row = pick.value === "" ? null : rows[Number(pick.value)];
      plot = drawTime(box, timeline.t, series(row || timeline), "ms", row !== null);
    });
    window.nestCharts.push({ id: id, colors: [COLORS.p50, COLORS.p95, COLORS.p99] });
  }

  // The histogram's layout (see host/stats/histogram.h): bucket index -> [lower, upper] µs.
  function bucketBounds(layout, index) {
    var linear = 1 << layout.linear_bits, sub = layout.sub_buckets;
    if (index < linear) return [index, index];
    var rel = index - linear;
    var exponent = layout.linear_bits + Math.floor(rel / sub);
    var shift = exponent - (layout.linear_bits - 1);
    var lower = (sub + rel % sub) * Math.pow(2, shift);
    return [lower, lower + Math.pow(2, shift) - 1];
  }

  // Response-time distribution of all requests: share of requests per band of time, on a log
  // time axis (bands of the histogram merged 8 to 1 so bars stay readable).
  function distributionChart(parent, id, result) {
    var box = chartBox(parent, "Response time distribution (all requests)");
    box.id = id;
    var h = result.aggregated.histogram, layout = result.histogram_layout;
    var total = h.count || 1, bands = {};
    h.buckets.forEach(function (b) {
      var bounds = bucketBounds(layout, b[0]);
      var mid = (bounds[0] + bounds[1]) / 2 / 1000;            // ms
      var band = Math.round(Math.log(Math.max(mid, 0.001)) / Math.LN2 * 4) / 4;  // quarter octaves
      bands[band] = (bands[band] || 0) + b[1];
    });
    var keys = Object.keys(bands).map(Number).sort(function (a, b) { return a - b; });
    var x = keys.map(function (k) { return Math.pow(2, k); });
    var y = keys.map(function (k) { return bands[k] / total * 100; });
    if (x.length === 1) { x = [x[0] / 1.2, x[0], x[0] * 1.2]; y = [0, y[0], 0]; }
    var opts = {
      width: width(box), height: 260,
      scales: { x: { time: false, distr: 3 } },
      axes: [{ label: "response time (ms, log scale)" }, { label: "% of requests", size: 60 }],
      series: [
        { label: "ms", value: function (u, v) { return v === null ? "-" : ms(v); } },
        { label: "% of requests", stroke: COLORS.dist, fill: COLORS.dist + "88", width: 1,
          paths: uPlot.paths.bars({ size: [0.9, 40] }),
          value: function (u, v) { return v === null ? "-" : fixed(v, 2) + "%"; } }
      ]
    };
    var plot = new uPlot(opts, [x, y], box);
    window.nestCharts.push({ id: id, colors: [COLORS.dist] });
    window.addEventListener("resize", function () { plot.setSize({ width: width(box), height: 260 }); });
  }

  // ---- one run ----
  function verdictOf(result) {
    var broken = result.thresholds.filter(function (t) { return t.outcome !== "pass"; }).length;
    if (broken) return { cls: "fail", text: "FAILED: " + broken + " of " + result.thresholds.length + " thresholds broken" };
    if (result.run.aborted_by) return { cls: "fail", text: "ABORTED" };
    if (!result.aggregated.requests) return { cls: "fail", text: "NOTHING COMPLETED" };
    if (result.thresholds.length) return { cls: "pass", text: "PASSED: all " + result.thresholds.length + " thresholds hold" };
    if (result.aggregated.failures || result.exceptions.length) return { cls: "warn", text: "FINISHED WITH FAILURES" };
    return { cls: "pass", text: "FINISHED, NO FAILURES" };
  }

  function open(result) { return result.run.model === "open"; }
  // Requests sent and never answered because the run ended first (in no row).
  function cutTotal(result) {
    return result.cut.reduce(function (n, c) { return n + c.requests; }, 0);
  }
  function mostUsers(result) {
    return result.timeline.users.reduce(function (m, u) { return Math.max(m, u); }, result.run.users);
  }

  function figure(k, v) {
    return el("div", { "class": "figure" }, [el("div", { "class": "v", text: v }), el("div", { "class": "k", text: k })]);
  }

  function header(root, result, title) {
    var v = verdictOf(result), run = result.run, agg = result.aggregated, f = agg.figures;
    root.appendChild(el("h1", { text: title }, [el("span", { "class": "verdict " + v.cls, text: v.text })]));
    root.appendChild(el("div", { "class": "sub", text:
      run.host + (run.plan ? " · " + (run.model === "open" ? "open model: " : "closed model: ") + run.plan : "") +
      " · started " + run.started_at + " · " + clock(run.elapsed_s) +
      (run.run_time_s !== null ? " of " + clock(run.run_time_s) : " (until stopped)") +
      (run.interrupted ? " · interrupted" : "") + (run.aborted_by ? " · aborted by " + run.aborted_by : "") +
      " · Nest " + result.nest_version }));
    root.appendChild(el("div", { "class": "figures" }, [
      figure("requests", count(agg.requests)),
      figure("failures", count(agg.failures) + " (" + pct(f.fail_ratio) + ")"),
      figure("requests/s", fixed(f.rps, 1)),
      figure("median (ms)", ms(f.median_ms)),
      figure("p95 (ms)", ms(f.percentiles_ms.p95)),
      figure("p99 (ms)", ms(f.percentiles_ms.p99)),
      open(result) ? figure("sessions started", count(result.sessions.started))
                   : figure("users", count(mostUsers(result))),
      open(result) ? figure("dropped", count(result.sessions.dropped)) : null,
      cutTotal(result) ? figure("cut at the end", count(cutTotal(result))) : null,
      figure("new connections", count(result.connects.count)),
      figure("connect p95 (ms)", result.connects.count ? ms(result.connects.figures.p95_ms) : "-")
    ]));
  }

  function requestTables(root, result) {
    var rows = result.rows.concat([result.aggregated]);
    function cells(r, last) {
      var f = r.figures;
      return { cls: last ? "total" : "", cells: [r.method, r.name, count(r.requests),
        count(r.failures) + " (" + pct(f.fail_ratio) + ")", ms(f.avg_ms), ms(f.min_ms), ms(f.max_ms),
        ms(f.median_ms), fixed(f.rps, 2), fixed(f.fail_per_s, 2), fixed(f.avg_bytes, 0)] };
    }
    section(root, "Requests").appendChild(table(
      ["Type", "Name", "# reqs", "# fails", "Avg (ms)", "Min", "Max", "Med", "req/s", "failures/s", "Avg size (B)"],
      rows.map(function (r, i) { return cells(r, i === rows.length - 1); }), { left: 2 }));
    section(root, "Response time percentiles (ms)").appendChild(table(
      ["Type", "Name"].concat(PERCENTILES.map(function (p) { return p.slice(1) + "%"; })).concat(["# reqs"]),
      rows.map(function (r, i) {
        return { cls: i === rows.length - 1 ? "total" : "", cells: [r.method, r.name].concat(
          PERCENTILES.map(function (p) { return ms(r.figures.percentiles_ms[p]); })).concat([count(r.requests)]) };
      }), { left: 2 }));
  }

  // Where each part of the plan began (stages, a load shape's steps).
  function planTable(root, result) {
    var marks = result.timeline.marks || [];
    if (!marks.length) return;
    section(root, "Load plan").appendChild(table(["At", "What began"], marks.map(function (m) {
      return { cells: [clock(m.t), m.label] };
    }), { left: 2 }));
  }

  function thresholdTable(root, result) {
    if (!result.thresholds.length) return;
    section(root, "Thresholds").appendChild(table(["Result", "Threshold", "Measured", "Set in"],
      result.thresholds.map(function (t) {
        var word = t.outcome === "pass" ? "pass" : t.outcome === "fail" ? "FAIL" : "NO DATA";
        return { cells: [{ text: word, cls: t.outcome === "pass" ? "pass" : "fail" }, t.threshold,
                         t.measured_text, t.source] };
      }), { left: 4 }));
  }

  function problemTables(root, result) {
    var box;
    if (result.cut.length) {
      box = section(root, "Cut at the end");
      box.appendChild(el("p", { text: "Sent and never answered, because the run ended first (the drain ran out, or a halt). " +
        "They are in no row above: recorded + cut = sent." }));
      box.appendChild(table(["# requests", "Type", "Name"], result.cut.map(function (c) {
        return { cells: [count(c.requests), c.method, c.name] };
      }), { left: 0 }));
    }
    box = section(root, "Failures");
    if (!result.failures.length) box.appendChild(el("p", { "class": "empty", text: "No failed requests." }));
    else box.appendChild(table(["# occurrences", "Type", "Name", "Error"], result.failures.map(function (f) {
      return { cells: [count(f.occurrences), f.method, f.name, f.error] };
    }), { left: 0 }));
    box = section(root, "Exceptions in tasks");
    if (!result.exceptions.length) box.appendChild(el("p", { "class": "empty", text: "No exceptions." }));
    else box.appendChild(table(["# occurrences", "Taskset", "Task", "Message"], result.exceptions.map(function (e) {
      return { cells: [count(e.occurrences), e.taskset, e.task, e.message] };
    }), { left: 0 }));
  }

  function settingsTables(root, result) {
    var total = result.tasksets.reduce(function (s, t) { return s + t.weight; }, 0);
    section(root, "Tasksets and weights").appendChild(table(["Taskset", "Weight", "Share", "Weight from", "Transport", "Plugin"],
      result.tasksets.map(function (t) {
        return { cells: [t.name, t.weight, t.weight > 0 && total ? fixed(t.weight / total * 100, 1) + "%" : "off",
                         t.source, t.transport, t.plugin] };
      }), { leftCols: [3, 4, 5] }));
    var run = result.run;
    section(root, "Run settings").appendChild(table(["Setting", "Value"], [
      ["host", run.host], ["model", run.model || "closed"], ["plan", run.plan || run.users + " users at " + run.spawn_rate + "/s"],
      ["run time", run.run_time_s === null ? "until stopped" : clock(run.run_time_s)],
      ["elapsed", fixed(run.elapsed_s, 1) + " s"], ["threads", run.threads], ["transport", run.transport],
      ["seed", run.seed], ["started", run.started_at]
    ].map(function (r) { return { cells: [r[0], String(r[1])] }; }), { left: 2 }));
  }

  function renderResult(root, result) {
    header(root, result, "Nest load test report");
    var charts = el("div", { "class": "charts" });
    section(root, "Over time").appendChild(charts);
    var t = result.timeline;
    timeChart(charts, "chart-rps", "Requests per second", t.t, [
      // Lines that may coincide are drawn widest first, so each still shows as a border.
      { label: "requests/s", values: t.rps, color: COLORS.rps, width: 4 },
      { label: "failures/s", values: t.fail_per_s, color: COLORS.fails }], "per second");
    latencyChart(charts, "chart-latency", t);
    var aimed = t.target && t.target.length === t.t.length;
    if (open(result)) {
      timeChart(charts, "chart-users", "Sessions running", t.t, [
        { label: "sessions", values: t.users, color: COLORS.users }], "sessions");
      timeChart(charts, "chart-arrivals", "Arrivals per second", t.t, [
        { label: "started/s", values: t.started_per_s, color: COLORS.started, width: 4 },
        { label: "dropped/s", values: t.dropped_per_s, color: COLORS.dropped },
        { label: "wanted/s", values: t.target, color: COLORS.target, dash: [6, 4] }], "per second");
      timeChart(charts, "chart-lag", "Start lag p99 (ms): how late sessions started", t.t, [
        { label: "p99 (ms)", values: t.start_lag_p99_ms, color: COLORS.lag }], "ms", true);
    } else {
      timeChart(charts, "chart-users", "Users", t.t, [
        { label: "users", values: t.users, color: COLORS.users, width: 3 }].concat(aimed ? [
        { label: "target", values: t.target, color: COLORS.target, dash: [6, 4] }] : []), "users");
    }
    distributionChart(charts, "chart-distribution", result);
    planTable(root, result);
    thresholdTable(root, result);
    requestTables(root, result);
    problemTables(root, result);
    settingsTables(root, result);
  }

  // ---- two runs ----
  // One run's series keyed by whole seconds, so two runs' ticks (which fall at slightly
  // different fractions of a second) line up; a later tick of the same second wins.
  function bySecond(timeline, field) {
    var seen = {}, x = [], y = [];
    timeline.t.forEach(function (t, i) {
      var s = Math.round(t);
      if (seen[s] === undefined) { seen[s] = x.length; x.push(s); y.push(null); }
      y[seen[s]] = timeline[field][i];
    });
    return [x, y];
  }

  function overlay(parent, id, title, base, now, field, yLabel) {
    var joined = uPlot.join([bySecond(base.timeline, field), bySecond(now.timeline, field)]);
    timeChart(parent, id, title, joined[0], [
      // base wide beneath new: where the runs agree, base still shows as a border.
      { label: "base", values: joined[1], color: COLORS.base, width: 6 },
      { label: "new", values: joined[2], color: COLORS.now }], yLabel, true);
  }

  function renderCompare(root, data) {
    var c = data.comparison, broken = c.rules.filter(function (r) { return r.broken; }).length;
    var v = broken ? { cls: "fail", text: "FAILED: " + broken + " of " + c.rules.length + " rules broken" }
          : c.rules.length ? { cls: "pass", text: "PASSED: all " + c.rules.length + " rules hold" }
          : { cls: "warn", text: "NO RULES" };
    root.appendChild(el("h1", { text: "Nest comparison" }, [el("span", { "class": "verdict " + v.cls, text: v.text })]));
    root.appendChild(el("div", { "class": "sub", text: "base: " + data.base_name + " (" + data.base.run.started_at +
      ") → new: " + data.new_name + " (" + data.new.run.started_at + ")" }));
    if (c.rules.length) {
      section(root, "Rules").appendChild(table(["Result", "Rule", "Base → new"], c.rules.map(function (r) {
        return { cells: [{ text: r.broken ? "BROKEN" : "ok", cls: r.broken ? "fail" : "pass" }, r.rule, r.detail] };
      }), { left: 3 }));
    }
    function change(pair, ratio) {
      if (pair[0] === null || pair[1] === null) return "-";
      var text = (ratio ? pct(pair[0]) + " → " + pct(pair[1]) : ms(pair[0]) + " → " + ms(pair[1]));
      if (ratio) return text + " (" + (pair[1] >= pair[0] ? "+" : "") + fixed((pair[1] - pair[0]) * 100, 2) + "pp)";
      if (pair[0] === 0) return text;
      var p = (pair[1] - pair[0]) / pair[0] * 100;
      return text + " (" + (p >= 0 ? "+" : "") + fixed(p, 1) + "%)";
    }
    section(root, "Per request").appendChild(table(["Type", "Name", "req/s", "fail ratio", "p50 (ms)", "p95 (ms)", "p99 (ms)"],
      c.rows.map(function (r, i) {
        var only = !r.in_base ? "only in new" : !r.in_new ? "only in base" : null;
        return { cls: i === c.rows.length - 1 ? "total" : "", cells: [r.method, r.name].concat(only ? [only, "", "", "", ""] :
          [change(r.rps), change(r.fail_ratio, true), change(r.p50), change(r.p95), change(r.p99)]) };
      }), { left: 2 }));
    var charts = el("div", { "class": "charts" });
    section(root, "Over time, base and new overlaid").appendChild(charts);
    overlay(charts, "chart-rps", "Requests per second", data.base, data["new"], "rps", "per second");
    overlay(charts, "chart-p95", "p95 response time (per second)", data.base, data["new"], "p95_ms", "ms");
    overlay(charts, "chart-fails", "Failures per second", data.base, data["new"], "fail_per_s", "per second");
    overlay(charts, "chart-users", "Users", data.base, data["new"], "users", "users");
  }

  try {
    var data = JSON.parse(document.getElementById("nest-data").textContent);
    var root = document.getElementById("report");
    root.textContent = "";
    if (data.kind === "compare") renderCompare(root, data);
    else renderResult(root, data.result);
    document.body.dataset.rendered = "yes";
  } catch (e) {
    document.body.dataset.rendered = "error: " + e;
    document.getElementById("report").appendChild(el("pre", { text: "The report could not be drawn: " + e }));
    throw e;
  }
})();
