// Nest's HTML report: renders the result embedded in #nest-data (the same document
// `nest-host --json` writes) with uPlot. Four kinds: one run ("result"), two runs compared
// ("compare"), a capacity search's plateaus ("capacity") and a scalability fit over several
// server counts ("capacity-fit"). When done it sets document.body.dataset.rendered to "yes" (or
// to the error), and window.nestCharts lists each chart with the colours of its series (and of
// its drawn marks), so a test can check that every chart really drew.
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

  // uPlot options of a time chart in `box` (a .chart): x = seconds since the first spawn;
  // series = [{label, color, width, dash}] (values are not read). The web UI (live.js) makes
  // its charts from these too, once, and feeds them with setData.
  function timeOptions(box, series, yLabel, spanGaps) {
    return {
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
  }

  // A time chart: x = seconds since the first spawn; series = [{label, values, color, width}].
  // Draws into `box` (a .chart) below its title; returns the uPlot.
  function drawTime(box, x, series, yLabel, spanGaps) {
    var opts = timeOptions(box, series, yLabel, spanGaps);
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
  // Its data, [x (ms), y (% of requests)], from result.aggregated.histogram.
  function distributionData(result) {
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
    return [x, y];
  }
  // Its uPlot options in `box` (a .chart).
  function distributionOptions(box) {
    return {
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
  }
  function distributionChart(parent, id, result) {
    var box = chartBox(parent, "Response time distribution (all requests)");
    box.id = id;
    var plot = new uPlot(distributionOptions(box), distributionData(result), box);
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

  // A distributed run's workers (nest-host --master): who sent every report, who went missing
  // and when (its requests after its last report are not counted), who came back or joined late.
  function workerTable(root, result) {
    var workers = result.workers || [];
    if (!workers.length) return;
    var box = section(root, "Workers");
    var short = workers.filter(function (w) { return !w.final_report; }).length;
    box.appendChild(el("p", { "class": short ? "" : "empty", text: short
      ? short + " of " + workers.length + " workers sent no final report: their requests after their last report are not counted."
      : "Every worker sent its final report: every request they made is counted." }));
    box.appendChild(table(["Worker", "# requests", "Final report", "Events"], workers.map(function (w) {
      var events = w.events.map(function (e) { return e.event + " at " + clock(e.t); }).join(", ");
      return { cls: w.final_report ? "" : "fail",
               cells: [w.name, count(w.requests), w.final_report ? "yes" : "NO", events || "-"] };
    }), { leftCols: [3] }));
  }

  function tasksetTable(root, tasksets) {
    var total = tasksets.reduce(function (s, t) { return s + t.weight; }, 0);
    section(root, "Tasksets and weights").appendChild(table(["Taskset", "Weight", "Share", "Weight from", "Transport", "Plugin"],
      tasksets.map(function (t) {
        return { cells: [t.name, t.weight, t.weight > 0 && total ? fixed(t.weight / total * 100, 1) + "%" : "off",
                         t.source, t.transport, t.plugin] };
      }), { leftCols: [3, 4, 5] }));
  }

  function settingsTables(root, result) {
    tasksetTable(root, result.tasksets);
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
    workerTable(root, result);
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

  // ---- x/y charts (capacity, scalability fit) ----
  // A number as people read it: thousands separated, at most `d` decimals (1 by default).
  function num(v, d) {
    if (v === null || v === undefined || isNaN(v)) return "-";
    return Number(v).toLocaleString("en-US", { maximumFractionDigits: d === undefined ? 1 : d });
  }

  // Text on a chart's canvas, outlined in white so it stays readable over lines and grid.
  function canvasLabel(ctx, text, x, y, align, color) {
    var r = window.devicePixelRatio || 1;
    ctx.font = 12 * r + "px system-ui, sans-serif";
    ctx.textAlign = align;
    ctx.setLineDash([]);
    ctx.lineWidth = 3 * r;
    ctx.strokeStyle = "#ffffff";
    ctx.strokeText(text, x, y);
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
  }

  // Behind the series: translucent vertical bands, each {at (an x value), color}.
  function drawBands(u, bands) {
    var ctx = u.ctx, box = u.bbox, r = window.devicePixelRatio || 1;
    ctx.save();
    bands.forEach(function (b) {
      ctx.fillStyle = b.color;
      ctx.fillRect(u.valToPos(b.at, "x", true) - 9 * r, box.top, 18 * r, box.height);
    });
    ctx.restore();
  }

  // Over the series: labelled straight lines, each {at, label, color, dash}; marks.x are
  // vertical (at an x value), marks.y horizontal (at a y value). Labels are canvas text, so
  // nothing in them is ever read as HTML.
  function drawMarks(u, marks) {
    var ctx = u.ctx, box = u.bbox, r = window.devicePixelRatio || 1;
    var right = box.left + box.width, bottom = box.top + box.height;
    function stroke(m, x0, y0, x1, y1) {
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 2 * r;
      ctx.setLineDash((m.dash || []).map(function (d) { return d * r; }));
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    }
    ctx.save();
    (marks.x || []).forEach(function (m, i) {
      var x = Math.round(u.valToPos(m.at, "x", true));
      if (x < box.left || x > right) return;
      stroke(m, x, box.top, x, bottom);
      var onLeft = x > box.left + box.width * 0.7;  // near the right edge: label to its left
      canvasLabel(ctx, m.label, x + (onLeft ? -6 : 6) * r, box.top + (16 + 16 * i) * r, onLeft ? "right" : "left", m.color);
    });
    (marks.y || []).forEach(function (m) {
      var y = Math.round(u.valToPos(m.at, "y", true));
      if (y < box.top || y > bottom) return;
      stroke(m, box.left, y, right, y);
      // At the left end, where the lowest loads usually sit well under any limit.
      var below = y < box.top + 18 * r;  // at the top: label under the line
      canvasLabel(ctx, m.label, box.left + 6 * r, y + (below ? 16 : -6) * r, "left", m.color);
    });
    ctx.restore();
  }

  // A chart of y against a numeric x (not time). series = [{label, values, color, width, dash,
  // points: false | true (a dot at each value) | "only" (dots, no line), size, hollow}];
  // o = {xName, xLabel, yLabel, xValue(v), yValue(v), xRange(min, max), yRange(min, max),
  // yLog, marks: {x, y, bands} (see drawMarks, drawBands)}. Registers in window.nestCharts
  // the colours of every series that has a value and of every mark, for the tests.
  function xyChart(parent, id, title, x, series, o) {
    var box = chartBox(parent, title);
    box.id = id;
    var marks = o.marks || {};
    var yScale = o.yLog ? { distr: 3, log: 10 } : {};
    if (o.yRange) yScale.range = function (u, min, max) { return o.yRange(min, max); };
    var xScale = { time: false };
    if (o.xRange) xScale.range = function (u, min, max) { return o.xRange(min, max); };
    var opts = {
      width: width(box), height: 340,
      scales: { x: xScale, y: yScale },
      axes: [{ label: o.xLabel }, { label: o.yLabel, size: 60 }],
      series: [{ label: o.xName, value: function (u, v) { return v === null || v === undefined ? "-" : o.xValue(v); } }]
        .concat(series.map(function (s) {
          var dots = s.points ? { show: true, size: s.size || 7, width: 2, stroke: s.color,
                                  fill: s.hollow ? "rgba(0,0,0,0)" : s.color }
                              : { show: false };
          var def = { label: s.label, stroke: s.color, width: s.width || 2, spanGaps: true, points: dots,
                      value: function (u, v) { return v === null || v === undefined ? "-" : o.yValue(v); } };
          if (s.dash) def.dash = s.dash;
          if (s.points === "only") def.paths = function () { return null; };
          return def;
        })),
      hooks: { drawClear: [function (u) { drawBands(u, marks.bands || []); }],
               draw: [function (u) { drawMarks(u, marks); }] }
    };
    var data = [x].concat(series.map(function (s) { return s.values; }));
    var plot = new uPlot(opts, data, box);
    window.addEventListener("resize", function () { plot.setSize({ width: width(box), height: 340 }); });
    var drawn = series.filter(function (s) {
      return s.values.some(function (v) { return v !== null && v !== undefined; });
    });
    window.nestCharts.push({ id: id, colors: drawn.map(function (s) { return s.color; })
      .concat((marks.x || []).concat(marks.y || []).map(function (m) { return m.color; })) });
    return plot;
  }

  // ---- capacity: the plateaus of `nest-host capacity` ----
  var CAPACITY_COLORS = { fail: COLORS.fails, invalid: "#6e7781", band: "rgba(110,119,129,0.16)",
                          slo: "#e16f24", knee: "#0969da" };

  function isOpen(doc) { return doc.run.model === "open"; }
  // A load level in its unit: arrivals per second (open model) or users (closed).
  function levelText(doc, v) {
    if (isOpen(doc)) return num(v) + "/s";
    return num(v) + (Number(v) === 1 ? " user" : " users");
  }
  function levelUnit(doc) { return isOpen(doc) ? "arrivals/s" : "users"; }

  // A time threshold on all requests ("p99<300ms", "p95<=1s", "avg<200", "med<50ms for 30s"),
  // as {ms, text}; null for any other (a row's, "GET /x:p99<1s", or rps, fail_ratio, ...).
  var TIME_UNITS_MS = { us: 0.001, ms: 1, s: 1000, m: 60000 };
  function timeThreshold(text) {
    if (text.indexOf(":") >= 0) return null;  // only a row prefix has a colon
    var m = /^\s*(avg|min|max|med|p\d+(?:\.\d+)?)\s*(<=|<|>=|>)\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m)?\s*(?:for\s.*)?$/.exec(text);
    if (!m) return null;
    return { ms: Number(m[3]) * TIME_UNITS_MS[m[4] || "ms"], text: m[1] + m[2] + m[3] + (m[4] || "ms") };
  }

  function capacityPlateau(doc) {
    if (!doc.capacity) return null;
    return doc.plateaus.filter(function (p) { return p.number === doc.capacity.plateau; })[0] || null;
  }

  // The verdict and the capacity in big type; without a capacity, why not, as prominently.
  function capacityHeader(root, doc) {
    var run = doc.run, found = doc.capacity, at = capacityPlateau(doc);
    var badge = found ? (doc.ending === "found" ? { cls: "pass", text: "CAPACITY FOUND" }
                      : doc.ending === "ceiling" ? { cls: "warn", text: "CEILING REACHED: capacity is at least this" }
                      : { cls: "warn", text: doc.ending.toUpperCase() + ": a lower bound" })
                      : { cls: "fail", text: "NO CAPACITY: " + doc.ending.toUpperCase() };
    root.appendChild(el("h1", { text: "Nest capacity report" }, [el("span", { "class": "verdict " + badge.cls, text: badge.text })]));
    root.appendChild(el("div", { "class": "sub", text: run.host + " · " +
      (isOpen(doc) ? "open model: levels are arrivals per second" : "closed model: levels are users") +
      " · started " + run.started_at + " · " + clock(run.elapsed_s) + (run.interrupted ? " · interrupted" : "") +
      " · Nest " + doc.nest_version }));
    var head = el("div", { "class": "headline " + (found ? "found" : "none") });
    root.appendChild(head);
    if (found) {
      head.appendChild(el("div", { "class": "big", text: (found.at_ceiling ? "≥ " : "") + levelText(doc, found.level) }));
      head.appendChild(el("div", { "class": "what", text: "the highest load that met every SLO" +
        (at && at.confirmation ? ", confirmed over a " + clock(at.hold_s) + " hold" : "") + " (plateau " + found.plateau + ")" }));
    } else {
      head.appendChild(el("div", { "class": "big", text: doc.ending.toUpperCase() }));
    }
    head.appendChild(el("div", { "class": "message", text: doc.message }));
    if (!found) return;
    root.appendChild(el("div", { "class": "figures" }, [
      figure("requests/s at capacity", num(found.rps)),
      figure("in flight (Little's law: req/s × response time)", num(found.in_flight)),
      found.sessions_per_s !== null && found.sessions_per_s !== undefined ? figure("sessions/s", num(found.sessions_per_s)) : null,
      figure(isOpen(doc) ? "users running (mean)" : "users", num(found.users)),
      at ? figure("p95 at capacity (ms)", ms(at.figures.p95_ms)) : null,
      at ? figure("p99 at capacity (ms)", ms(at.figures.p99_ms)) : null,
      at ? figure("failed at capacity", pct(at.figures.fail_ratio)) : null,
      figure("plateaus held", count(doc.plateaus.length))
    ]));
  }

  // Throughput against response time, one point per complete plateau: where latency turns up
  // (the knee) against the SLO lines, the capacity marked, failing and invalid plateaus apart.
  function throughputChart(parent, doc) {
    var held = doc.plateaus.filter(function (p) {
      return p.complete && p.verdict !== "incomplete" && typeof p.figures.rps === "number";
    })
      .sort(function (a, b) { return a.figures.rps - b.figures.rps; });
    if (!held.length) {
      parent.appendChild(el("p", { "class": "empty", text: "No plateau was held to the end: nothing to chart." }));
      return;
    }
    function ms0(v) { return v === null || v === undefined || v <= 0 ? null : v; }  // log scale: > 0
    function pick(field, keep) {
      return held.map(function (p) { return keep(p) ? ms0(p.figures[field]) : null; });
    }
    function valid(p) { return p.verdict !== "invalid"; }
    function highest(p) { return ms0(p.figures.p99_ms) || ms0(p.figures.p95_ms) || ms0(p.figures.p50_ms); }
    var slo = doc.settings.slo.map(function (s) { return timeThreshold(s.threshold); }).filter(Boolean);
    var marks = {
      y: slo.map(function (t) { return { at: t.ms, label: "SLO " + t.text, color: CAPACITY_COLORS.slo, dash: [8, 5] }; }),
      x: doc.capacity ? [{ at: doc.capacity.rps, label: "capacity " + levelText(doc, doc.capacity.level),
                           color: CAPACITY_COLORS.knee }] : [],
      bands: held.filter(function (p) { return !valid(p); })
        .map(function (p) { return { at: p.figures.rps, color: CAPACITY_COLORS.band }; })
    };
    var series = [
      // Lines that may coincide are drawn widest first, so each still shows as a border.
      { label: "p50", values: pick("p50_ms", valid), color: COLORS.p50, width: 4, points: true, size: 9 },
      { label: "p95", values: pick("p95_ms", valid), color: COLORS.p95, width: 3, points: true, size: 8 },
      { label: "p99", values: pick("p99_ms", valid), color: COLORS.p99, width: 2, points: true, size: 7 }];
    // Failing plateaus ringed in red, invalid ones hollow grey on a grey band (their figures
    // measure the generator's limit, not the system's, so no line runs through them).
    if (held.some(function (p) { return p.verdict === "fail"; })) {
      series.push({ label: "failed the SLO", color: CAPACITY_COLORS.fail, points: "only", hollow: true, size: 18,
                    values: held.map(function (p) { return p.verdict === "fail" ? highest(p) : null; }) });
    }
    if (marks.bands.length) {
      series.push({ label: "invalid", color: CAPACITY_COLORS.invalid, points: "only", hollow: true, size: 14,
                    values: held.map(function (p) { return valid(p) ? null : highest(p); }) });
    }
    var sloMs = slo.map(function (t) { return t.ms; });
    xyChart(parent, "chart-capacity", "Throughput against response time, one point per plateau (hover for values)",
      held.map(function (p) { return p.figures.rps; }), series, {
        xName: "req/s", xLabel: "achieved throughput (requests/s)", yLabel: "response time (ms, log scale)",
        xValue: function (v) { return fixed(v, 1) + " req/s"; }, yValue: function (v) { return ms(v) + " ms"; },
        xRange: function (min, max) {
          return [0, Math.max(max || 1, doc.capacity ? doc.capacity.rps : 0) * 1.08];
        },
        yRange: function (min, max) {
          var all = sloMs.concat([min, max]).filter(function (v) { return v !== null && v > 0 && isFinite(v); });
          if (!all.length) return [1, 1000];  // no response time at all: an empty decade range
          return uPlot.rangeLog(Math.min.apply(null, all), Math.max.apply(null, all) * 1.5, 10, false);
        },
        yLog: true, marks: marks });
  }

  var VERDICT_WORDS = { pass: "pass", fail: "FAIL", invalid: "INVALID", incomplete: "incomplete" };

  // Every plateau in the order held, with its verdict and why.
  function plateauTable(root, doc) {
    var box = section(root, "Plateaus, in the order held");
    box.appendChild(table(["Plateau", "Target (" + levelUnit(doc) + ")", "Achieved", "req/s", "p50 (ms)", "p95 (ms)",
                           "p99 (ms)", "Failed", "In flight", "Gen. CPU", "Verdict", "Why"],
      doc.plateaus.map(function (p) {
        var f = p.figures, cap = doc.capacity && doc.capacity.plateau === p.number;
        return { cls: cap ? "capacity" : "", cells: [
          p.number + (p.confirmation ? " (confirmation)" : ""),
          num(p.target), num(p.achieved), fixed(f.rps, 1), ms(f.p50_ms), ms(f.p95_ms), ms(f.p99_ms),
          pct(f.fail_ratio), fixed(f.in_flight, 1),
          p.gates.max_cpu === null || p.gates.max_cpu === undefined ? "-" : fixed(p.gates.max_cpu * 100, 0) + "%",
          { text: (VERDICT_WORDS[p.verdict] || p.verdict) + (cap ? " ◀ capacity" : ""), cls: p.verdict },
          { text: p.reasons.join("; "), cls: "why" }] };
      }), { leftCols: [10, 11] }));
  }

  var COST_INPUTS = [["price_per_hour", "price per server-hour"], ["servers", "servers"],
    ["requests_per_customer_per_hour", "requests per customer per hour"],
    ["sessions_per_customer_per_hour", "sessions per customer per hour"], ["peak_factor", "peak factor"],
    ["headroom", "headroom"], ["customers", "customers"]];

  // What the capacity means in customers and money, with each formula and assumption.
  function costSection(root, doc) {
    var cost = doc.cost, box = section(root, "Cost");
    var given = COST_INPUTS.filter(function (k) { return cost.inputs[k[0]]; });
    if (cost.figures) {
      box.appendChild(table(["What", "Value", "Formula"], cost.figures.map(function (f) {
        return { cells: [f.what, num(f.value, 2) + " " + f.unit, f.formula] };
      }), { leftCols: [2] }));
      if ((cost.assumptions || []).length) {
        box.appendChild(el("h3", { text: "Assumptions" }));
        box.appendChild(el("ul", {}, cost.assumptions.map(function (a) { return el("li", { text: a }); })));
      }
    } else {
      box.appendChild(el("p", { "class": "empty", text: "No cost figures" +
        (given.length ? "; the inputs given:" : ": no cost inputs were given.") }));
    }
    if (given.length) {
      box.appendChild(table(["Input", "Value", "Set in"], given.map(function (k) {
        var i = cost.inputs[k[0]];
        return { cells: [k[1], num(i.value, 4) + (k[0] === "price_per_hour" ? " " + cost.inputs.currency : ""), i.source] };
      }), { leftCols: [2] }));
    }
  }

  // Each plateau's requests, failures and SLO verdicts, folded (the capacity's one open).
  function plateauDetails(root, doc) {
    var box = section(root, "Requests at each plateau (measured hold)");
    doc.plateaus.forEach(function (p) {
      var r = p.result, open = doc.capacity && doc.capacity.plateau === p.number;
      if (!r) return;
      var details = el("details", open ? { open: "" } : {}, [el("summary", { text: "Plateau " + p.number + " · " +
        levelText(doc, p.target) + (p.confirmation ? " (confirmation)" : "") + " · " + (VERDICT_WORDS[p.verdict] || p.verdict) +
        " · " + count(r.aggregated.requests) + " requests" })]);
      var rows = r.rows.concat([r.aggregated]);
      details.appendChild(table(["Type", "Name", "# reqs", "# fails", "req/s", "Avg (ms)", "p50", "p95", "p99", "Max"],
        rows.map(function (row, i) {
          var f = row.figures;
          return { cls: i === rows.length - 1 ? "total" : "", cells: [row.method, row.name, count(row.requests),
            count(row.failures) + " (" + pct(f.fail_ratio) + ")", fixed(f.rps, 2), ms(f.avg_ms),
            ms(f.percentiles_ms.p50), ms(f.percentiles_ms.p95), ms(f.percentiles_ms.p99), ms(f.max_ms)] };
        }), { left: 2 }));
      if (r.thresholds.length) {
        details.appendChild(table(["SLO", "Threshold", "Measured"], r.thresholds.map(function (t) {
          return { cells: [{ text: t.outcome === "pass" ? "pass" : t.outcome === "fail" ? "FAIL" : "NO DATA",
                             cls: t.outcome === "pass" ? "pass" : "fail" }, t.threshold, t.measured_text] };
        }), { left: 3 }));
      }
      if (r.failures.length) {
        details.appendChild(table(["# occurrences", "Type", "Name", "Error"], r.failures.map(function (f) {
          return { cells: [count(f.occurrences), f.method, f.name, f.error] };
        }), { left: 0 }));
      }
      if (r.exceptions.length) {
        details.appendChild(table(["# occurrences", "Taskset", "Task", "Message"], r.exceptions.map(function (e) {
          return { cells: [count(e.occurrences), e.taskset, e.task, e.message] };
        }), { left: 0 }));
      }
      box.appendChild(details);
    });
  }

  function capacitySettings(root, doc) {
    var s = doc.settings, run = doc.run;
    var box = section(root, "Search settings");
    box.appendChild(table(["Setting", "Value"], [
      ["model", isOpen(doc) ? "open (levels are arrivals per second)" : "closed (levels are users)"],
      ["start", levelText(doc, s.start)], ["precision", fixed(s.precision * 100, 1) + "%"],
      ["ceiling", s.ceiling === null ? "none" : levelText(doc, s.ceiling)],
      ["warm-up", clock(s.warmup_s)], ["hold", clock(s.hold_s)], ["confirmation hold", clock(s.confirm_hold_s)],
      ["cool-down", clock(s.cooldown_s)], ["host", run.host], ["threads", run.threads], ["transport", run.transport],
      ["seed", run.seed], ["started", run.started_at], ["elapsed", clock(run.elapsed_s)]
    ].map(function (r) { return { cells: [r[0], String(r[1])] }; }), { left: 2 }));
    box.appendChild(el("h3", { text: "Service level (every threshold must hold on each plateau's measured hold)" }));
    if (!s.slo.length) box.appendChild(el("p", { "class": "empty", text: "No SLO thresholds." }));
    else box.appendChild(table(["Threshold", "Set in"], s.slo.map(function (t) {
      return { cells: [t.threshold, t.source] };
    }), { left: 2 }));
    tasksetTable(root, doc.tasksets);
  }

  function renderCapacity(root, doc) {
    capacityHeader(root, doc);
    var charts = el("div", { "class": "charts one" });
    section(root, "Throughput and response time").appendChild(charts);
    throughputChart(charts, doc);
    plateauTable(root, doc);
    costSection(root, doc);
    plateauDetails(root, doc);
    capacitySettings(root, doc);
  }

  // ---- capacity-fit: the Universal Scalability Law over several server counts ----
  var FIT_COLORS = { measured: "#1f6feb", fitted: "#8250df", extrapolated: "#c297ff", ideal: "#afb8c1",
                     peak: "#bc4c00", pays: "#1a7f37", edge: "#57606a" };

  // C(N) = λN / (1 + σ(N − 1) + κN(N − 1))
  function usl(fit, n) { return fit.lambda * n / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1)); }
  // A formatted difference with its sign: "+19.1", "-20", "0" (never "-0").
  function signed(text) {
    if (/^-?[0.,]+$/.test(text)) return text.replace("-", "");
    return text.charAt(0) === "-" ? text : "+" + text;
  }
  function sig(v) { return v === null || v === undefined ? "-" : String(Number(Number(v).toPrecision(3))); }

  function fitHeader(root, data) {
    var f = data.fit;
    var badge = data.warnings.length ? { cls: "warn", text: data.warnings.length + " WARNING" + (data.warnings.length > 1 ? "S" : "") }
              : { cls: "pass", text: "R² " + fixed(f.r_squared, 3) };
    root.appendChild(el("h1", { text: "Nest scalability fit" }, [el("span", { "class": "verdict " + badge.cls, text: badge.text })]));
    root.appendChild(el("div", { "class": "sub", text: "Universal Scalability Law C(N) = λN / (1 + σ(N − 1) + κN(N − 1)), " +
      "fitted to " + data.points.length + " measurements from " + num(f.min_servers) + " to " + num(f.max_servers) + " servers" }));
    root.appendChild(el("div", { "class": "figures" }, [
      figure("λ: one server, no contention (req/s)", num(f.lambda)),
      figure("σ: contention", sig(f.sigma)),
      figure("κ: coherency", sig(f.kappa)),
      figure("R² of the fit", fixed(f.r_squared, 4)),
      figure("peak capacity", f.peak_servers === null ? "none (κ = 0)"
        : num(f.peak_capacity, 0) + " at " + num(f.peak_servers) + " servers"),
      figure("adding servers stops paying at", f.stops_paying_at === null ? "not within 10,000 servers"
        : num(f.stops_paying_at, 0) + " servers")
    ]));
    if (f.stops_paying_at !== null) {
      root.appendChild(el("p", { text: "Stops paying: from " + num(f.stops_paying_at, 0) +
        " servers on, one more server adds less than half of what an ideal one (λ/2) would." }));
    }
  }

  function fitChart(parent, data) {
    var f = data.fit, ext = data.extrapolated_from;
    // Points may repeat a server count; uPlot needs one x per value, so repeats move by a
    // hair's breadth (invisible; the table shows the exact counts).
    var seen = {}, pts = data.points.slice().sort(function (a, b) { return a.servers - b.servers; });
    var px = pts.map(function (p) {
      seen[p.servers] = (seen[p.servers] || 0) + 1;
      return p.servers + (seen[p.servers] - 1) * 1e-6;
    });
    var cx = data.curve.map(function (c) { return c[0]; });
    function part(measured) {
      return data.curve.map(function (c) {
        var inside = ext === null || c[0] <= ext;
        return (measured ? inside : !inside || c[0] === ext) ? c[1] : null;
      });
    }
    var joined = uPlot.join([[px, pts.map(function (p) { return p.capacity; })], [cx, part(true), part(false)]]);
    var x = joined[0];
    var top = Math.max.apply(null, pts.map(function (p) { return p.capacity; })
      .concat(data.curve.map(function (c) { return c[1]; }))) * 1.15;
    var xMax = x[x.length - 1];
    var marks = { x: [] };
    if (ext !== null && ext < xMax) marks.x.push({ at: ext, label: "extrapolated →", color: FIT_COLORS.edge, dash: [3, 4] });
    if (f.stops_paying_at !== null && f.stops_paying_at <= xMax) {
      marks.x.push({ at: f.stops_paying_at, label: "stops paying (" + num(f.stops_paying_at, 0) + ")", color: FIT_COLORS.pays, dash: [6, 4] });
    }
    if (f.peak_servers !== null && f.peak_servers <= xMax) {
      marks.x.push({ at: f.peak_servers, label: "peak (" + num(f.peak_servers) + ")", color: FIT_COLORS.peak, dash: [6, 4] });
    }
    var series = [
      { label: "ideal λN", values: x.map(function (n) { return f.lambda * n; }), color: FIT_COLORS.ideal, dash: [4, 4] },
      { label: "fitted C(N)", values: joined[2], color: FIT_COLORS.fitted, width: 3 },
      { label: "extrapolated", values: joined[3], color: FIT_COLORS.extrapolated, width: 3, dash: [8, 5] },
      { label: "measured", values: joined[1], color: FIT_COLORS.measured, points: "only", size: 10 }
    ];
    xyChart(parent, "chart-fit", "Capacity against servers: measured, fitted, and ideal", x, series, {
      xName: "servers", xLabel: "servers", yLabel: "capacity (req/s)",
      xValue: function (v) { return fixed(v, 2); }, yValue: function (v) { return num(v); },
      xRange: function () { return [0, xMax]; }, yRange: function () { return [0, top]; }, marks: marks });
  }

  function renderFit(root, data) {
    fitHeader(root, data);
    var charts = el("div", { "class": "charts one" });
    section(root, "Capacity against servers").appendChild(charts);
    fitChart(charts, data);
    var f = data.fit;
    section(root, "Measurements").appendChild(table(["Servers", "Measured (req/s)", "Fitted", "Residual", "Residual %", "Source"],
      data.points.slice().sort(function (a, b) { return a.servers - b.servers; }).map(function (p) {
        var fitted = usl(f, p.servers), diff = p.capacity - fitted;
        return { cells: [num(p.servers, 2), num(p.capacity), num(fitted), signed(num(diff)),
                         signed(fixed(diff / fitted * 100, 1)) + "%", p.source] };
      }), { left: 0, leftCols: [5] }));
    var box = section(root, "Warnings");
    if (!data.warnings.length) box.appendChild(el("p", { "class": "empty", text: "No warnings." }));
    else box.appendChild(el("ul", { "class": "warnings" }, data.warnings.map(function (w) { return el("li", { text: w }); })));
  }

  // Draws `data` (its "kind" says which report) into `root`.
  function render(root, data) {
    root.textContent = "";
    window.nestCharts = [];
    if (data.kind === "compare") renderCompare(root, data);
    else if (data.kind === "capacity") renderCapacity(root, data.capacity);
    else if (data.kind === "capacity-fit") renderFit(root, data.fit);
    else renderResult(root, data.result);
  }
  // The web UI (web/html/live.js) draws the run's state as it comes, with these pieces: the
  // same formats, colours, tables and chart options as the report, so both read alike.
  window.nestReport = {
    render: render, el: el, table: table, COLORS: COLORS,
    format: { fixed: fixed, ms: ms, pct: pct, count: count, clock: clock },
    timeOptions: timeOptions, distributionOptions: distributionOptions,
    distributionData: distributionData, drawMarks: drawMarks, chartWidth: width
  };
  var source = document.getElementById("nest-data");
  if (!source) return;
  try {
    render(document.getElementById("report"), JSON.parse(source.textContent));
    document.body.dataset.rendered = "yes";
  } catch (e) {
    document.body.dataset.rendered = "error: " + e;
    document.getElementById("report").appendChild(el("pre", { text: "The report could not be drawn: " + e }));
    throw e;
  }
})();
