// nest-host's web UI (docs/web-ui.md): a sticky header with the run's status, its figures and
// controls (start with users, rate, run time, host and taskset weights; change the target;
// reset statistics; stop), and tabs below it: Statistics, Charts, Failures, Exceptions,
// Tasksets, Workers (a master's), Downloads, Logs.
//
// The server pushes the state once a second (Server-Sent Events, /api/stream): a full "state"
// first, then "update"s whose result.timeline holds only the seconds the page lacks (see
// merge()). Each update draws the header's figures and the chosen tab only, in place (tables
// keep their rows, charts are made once and fed with setData), so 500 request rows stay cheap;
// window.nestTimings keeps how long each update took, for the browser test. Every string from
// the server is inserted as text, never as HTML. Changes go to /api/start, /api/target,
// /api/reset and /api/stop as POSTs with the page's token.
(function () {
  "use strict";
  var R = window.nestReport, el = R.el, F = R.format, COLORS = R.COLORS;
  var token = document.querySelector('meta[name="nest-token"]').content;
  var state = null;  // the merged state: after each update, the server's full state
  // ms per update handled: parsed, merged and drawn (updates), and until the next frame
  // after it was painted (frames); the browser test reads them.
  var timings = window.nestTimings = { updates: [], last: 0, frames: [] };
  // The report's count() formats as toLocaleString("en-US") does, which builds a formatter per
  // call: far too slow for 500 rows a second. One formatter, the same text.
  var count = new Intl.NumberFormat("en-US").format;
  window.nestLive = { state: null };  // the merged state, for tests and curious people

  // ---- small helpers ----
  function last(a) { return a && a.length ? a[a.length - 1] : null; }
  function text(node, value) { if (node.textContent !== value) node.textContent = value; }
  function rowKey(r) { return r.method + " " + r.name; }  // methods hold no space
  function isOpen(s) { return s.model === "open"; }
  // localStorage may be refused (privacy settings); the page then just forgets.
  function remember(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* forget */ } }
  function recall(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Nest-Token": token },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) throw new Error(j.error || r.status + " " + r.statusText);
        return j;
      });
    });
  }

  // ---- merging an "update" into the state (docs/web-ui.md, the stream) ----
  var FILL_ZERO = { rps: true, fail_per_s: true };
  // A copy of `a` with exactly n entries: cut, or padded at its end (0 for rates, null
  // otherwise).
  function fit(a, n, field) {
    a = Array.isArray(a) ? a.slice(0, n) : [];
    while (a.length < n) a.push(FILL_ZERO[field] ? 0 : null);
    return a;
  }
  function append(into, more) {
    for (var i = 0; i < more.length; i++) into.push(more[i]);
    return into;
  }
  // One column: the stored one with the sent entries appended when it holds exactly n (the
  // sent ones follow on), else the sent one replaces it.
  function column(have, sent, n) {
    return Array.isArray(have) && have.length === n ? append(have, sent) : sent;
  }
  // Rows come in the server's order with entries from n; a row new to the page is padded at
  // its front with n entries first. Rows the server no longer sends are gone.
  function mergeRows(have, sent, n) {
    var byKey = {};
    (have || []).forEach(function (r) { byKey[rowKey(r)] = r; });
    return sent.map(function (r) {
      var old = byKey[rowKey(r)] || { method: r.method, name: r.name };
      var out = { method: r.method, name: r.name };
      Object.keys(r).forEach(function (k) {
        if (!Array.isArray(r[k])) out[k] = r[k];
        else out[k] = append(Array.isArray(old[k]) && old[k].length === n ? old[k] : fit(old[k], n, k), r[k]);
      });
      return out;
    });
  }
  // The stored timeline with the sent one merged in; the result has the sent one's keys only,
  // so it equals the server's full timeline.
  function mergeTimeline(have, sent) {
    if (typeof sent.from !== "number" || !have) { delete sent.from; return sent; }
    var n = sent.from, out = {};
    Object.keys(sent).forEach(function (k) {
      if (k === "from") return;
      if (k === "marks") out[k] = sent[k];
      else if (k === "rows") out[k] = mergeRows(have.rows, sent.rows, n);
      else if (Array.isArray(sent[k])) out[k] = column(have[k], sent[k], n);
      else out[k] = sent[k];
    });
    return out;
  }
  function merge(old, update) {
    if (update.result && update.result.timeline) {
      var have = old && old.result ? old.result.timeline : { t: [] };
      update.result.timeline = mergeTimeline(have, update.result.timeline);
    }
    return update;
  }

  // ---- header: status, figures, controls ----
  var header = document.getElementById("live");
  var status = el("span", { "class": "status", text: "connecting" });
  var figures = el("span", { "class": "figures" });
  var controls = el("span", { "class": "controls" });
  header.appendChild(status);
  header.appendChild(figures);
  header.appendChild(controls);
  var controlsKey = null;  // what the controls were drawn for: redrawn only when it changes
  var figureNodes = {};

  // A figure "<b>value</b> unit", made once, then changed in place.
  function setFigure(name, value, unit) {
    var f = figureNodes[name];
    if (value === null) { if (f) f.node.hidden = true; return; }
    if (!f) {
      f = figureNodes[name] = { node: el("span", { "class": "figure " + name }), b: el("b"), unit: document.createTextNode("") };
      f.node.appendChild(f.b);
      f.node.appendChild(f.unit);
      figures.appendChild(f.node);
    }
    f.node.hidden = false;
    text(f.b, value);
    if (f.unit.data !== " " + unit) f.unit.data = " " + unit;
  }

  function drawFigures(s) {
    var result = s.result, t = result ? result.timeline : null;
    var users = t ? last(t.users) || 0 : 0;
    setFigure("users", String(users), isOpen(s) ? (users === 1 ? "session" : "sessions") : (users === 1 ? "user" : "users"));
    setFigure("rps", F.fixed(t ? last(t.rps) || 0 : 0, 1), "req/s");
    var total = result ? result.aggregated : null;
    setFigure("failed", total ? F.fixed(total.requests ? total.failures / total.requests * 100 : 0, 2) + "%" : null, "failed");
    var elapsed = result ? (result.run.elapsed_s || last(t.t) || 0) : null;
    setFigure("elapsed", elapsed === null ? null : F.clock(elapsed), "elapsed");
    var runTime = result ? result.run.run_time_s : s.run_time_s;
    var running = s.status === "running" && elapsed !== null && typeof runTime === "number" && runTime > 0;
    setFigure("left", running ? F.clock(Math.max(0, runTime - elapsed)) : null, "left");
  }

  function numberField(name, label, value, step) {
    return el("label", { text: label + " " }, [el("input", {
      name: name, type: "number", min: "0", step: step || "any",
      value: value === null || value === undefined ? "" : String(value) })]);
  }
  function textField(name, label, value, attrs) {
    var input = el("input", { name: name, type: "text", value: value || "" });
    Object.keys(attrs || {}).forEach(function (k) { input.setAttribute(k, attrs[k]); });
    return el("label", { text: label + " " }, [input]);
  }

  // "90", "90s", "5m", "1h30m", "1.5h" -> seconds; "" -> 0 (until stopped); else null.
  function parseDuration(s) {
    s = s.trim();
    if (s === "") return 0;
    var m = /^(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s?)?$/.exec(s);
    if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return null;
    return Number(m[1] || 0) * 3600 + Number(m[2] || 0) * 60 + Number(m[3] || 0);
  }
  // Seconds as the run-time field shows them: "90" -> "1m30s"; null -> "" (until stopped).
  function durationText(s) {
    if (s === null || s === undefined || !(s > 0)) return "";
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = Math.round((s % 60) * 1000) / 1000;
    return (h ? h + "h" : "") + (m ? m + "m" : "") + (sec || (!h && !m) ? sec + "s" : "");
  }

  // The form's non-empty numbers (Set: every field is needed).
  function numbers(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name && input.value !== "") out[input.name] = Number(input.value);
    });
    return out;
  }

  // Start: only what the person changed from what the server showed (the rest stays as
  // configured); weights as {name: whole number}. Throws on a field the server could not read.
  function startBody(form) {
    var body = {}, weights = {}, anyWeight = false;
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.value === input.defaultValue) return;
      var v = input.value.trim();
      if (input.name.indexOf("weight:") === 0) {
        var name = input.name.slice("weight:".length);
        if (!/^\d+$/.test(v)) throw new Error("the weight of " + name + " is a whole number, 0 or more");
        weights[name] = Number(v);
        anyWeight = true;
      } else if (input.name === "host" || input.name === "stages") {
        body[input.name] = v;
      } else if (input.name === "run_time") {
        var s = parseDuration(v);
        if (s === null) throw new Error("run time: '" + v + "' is not a duration such as 90, 30s, 5m or 1h30m");
        body.run_time_s = s;
      } else if (v !== "") {
        body[input.name] = Number(v);
      }
    });
    if (anyWeight) body.weights = weights;
    return body;
  }

  // A form that posts body(form) to `path`; the server's refusal is shown beside its button.
  function control(label, fields, path, body, cls) {
    var problem = el("span", { "class": "problem", role: "status" });
    var button = el("button", { type: "submit", text: label });
    // novalidate: the server judges every value and says what is wrong, beside the button.
    var form = el("form", { "class": cls || "", novalidate: "" }, fields.concat([button, problem]));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      problem.textContent = "";
      var payload;
      try { payload = body ? body(form) : {}; } catch (err) { problem.textContent = err.message; return; }
      button.disabled = true;  // one press, one request
      post(path, payload).catch(function (err) { problem.textContent = err.message; })
        .then(function () { button.disabled = false; });
    });
    return form;
  }

  // The tasksets in the Start form: each weight editable for this run, with where it came
  // from and its transport; folded, as the header must stay short.
  function weightsBox(tasksets) {
    var rows = tasksets.map(function (t) {
      return el("tr", {}, [el("td", { "class": "l", text: t.name }),
        el("td", {}, [el("input", { name: "weight:" + t.name, type: "number", min: "0", step: "1",
                                    value: String(t.weight), "aria-label": "weight of " + t.name })]),
        el("td", { "class": "l", text: t.source }), el("td", { "class": "l", text: t.transport })]);
    });
    var table = el("table", {}, [el("thead", {}, [el("tr", {}, ["Taskset", "Weight", "Weight from", "Transport"].map(function (h, i) {
      return el("th", { "class": i === 1 ? "" : "l", text: h });
    }))]), el("tbody", {}, rows)]);
    return el("details", { "class": "weights" }, [
      el("summary", { text: "tasksets and weights (" + tasksets.length + ")" }), el("div", {}, [table])]);
  }

  // Start: users and spawn rate (or arrivals/s) and run time, or stages instead (a load
  // shape sets the load itself); host; the tasksets' weights.
  function startForm(s) {
    var stages = textField("stages", "or stages", s.stages || "",
      { placeholder: isOpen(s) ? "1m:50/s, 5m:400/s" : "30s:10, 1m:10, 30s:0", size: "18" });
    var load = s.shape ? [el("span", { "class": "note", text: "load shape " + s.shape })]
      : s.plan ? [stages]
      : (isOpen(s) ? [numberField("rate", "arrivals/s", s.rate)]
         : [numberField("users", "users", s.users), numberField("spawn_rate", "spawn rate", s.spawn_rate)]).concat([
        textField("run_time", "run time", durationText(s.run_time_s), { placeholder: "until stopped", size: "8" }),
        stages]);
    return control("Start", load.concat([
      textField("host", "host", s.host, { size: "24" }),
      weightsBox(s.tasksets || [])]), "/api/start", startBody, "start");
  }

  function drawControls(s) {
    controls.textContent = "";
    if (s.status === "ready") controls.appendChild(startForm(s));
    if (s.status === "running") {
      if (!s.plan) {
        controls.appendChild(control("Set", isOpen(s) ? [numberField("rate", "arrivals/s", s.target)]
          : [numberField("users", "users", s.target), numberField("spawn_rate", "spawn rate", s.spawn_rate)],
          "/api/target", numbers, "target"));
      }
      controls.appendChild(control("Stop", [], "/api/stop"));
      controls.appendChild(control("Reset stats", [], "/api/reset"));
    }
    if (s.status === "stopping") controls.appendChild(el("span", { "class": "note", text: "users finish, the requests on the wire are answered" }));
    if (s.status === "finished") controls.appendChild(el("span", { "class": "note", text: "the results are in Downloads" }));
  }

  // The target fields follow the server while nobody has typed in them (an untouched input's
  // value follows its defaultValue), so a change from elsewhere shows, and typing is kept.
  function followTarget(s) {
    var input = controls.querySelector(".target input[name=" + (isOpen(s) ? "rate" : "users") + "]");
    if (input && document.activeElement !== input && s.target !== null && s.target !== undefined) {
      if (input.defaultValue !== String(s.target)) input.defaultValue = String(s.target);
    }
  }

  function drawHeader(s) {
    text(status, s.status);
    status.className = "status " + s.status;
    drawFigures(s);
    // The controls are redrawn only when what they offer changes, so typing is not lost.
    var key = [s.status, s.plan, s.model, (s.tasksets || []).map(function (t) { return t.name; }).join("\n")].join("|");
    if (key !== controlsKey) { controlsKey = key; drawControls(s); }
    followTarget(s);
  }

  // ---- tabs ----
  function emptyNote(panel) {
    var p = el("p", { "class": "empty" });
    panel.appendChild(p);
    return p;
  }
  function show(node, on) { if (node.hidden === on) node.hidden = !on; }

  // Statistics: Locust's table. Its rows are made once and only changed cells are written;
  // the Aggregated row sits in the table's foot, so sorting never moves it.
  var STAT_COLUMNS = [
    { title: "Type", left: true, value: function (r) { return r.method; } },
    { title: "Name", left: true, value: function (r) { return r.name; } },
    { title: "# Requests", value: function (r) { return r.requests; }, text: count },
    { title: "# Fails", value: function (r) { return r.failures; }, text: count },
    { title: "Median (ms)", value: function (r) { return r.figures.median_ms; }, text: F.ms },
    { title: "95%ile (ms)", value: function (r) { return r.figures.percentiles_ms.p95; }, text: F.ms },
    { title: "99%ile (ms)", value: function (r) { return r.figures.percentiles_ms.p99; }, text: F.ms },
    { title: "Average (ms)", value: function (r) { return r.figures.avg_ms; }, text: F.ms },
    { title: "Min (ms)", value: function (r) { return r.figures.min_ms; }, text: F.ms },
    { title: "Max (ms)", value: function (r) { return r.figures.max_ms; }, text: F.ms },
    { title: "Average size (bytes)", value: function (r) { return r.figures.avg_bytes; }, text: function (v) { return F.fixed(v, 0); } },
    { title: "Current RPS", value: function (r, now) { return now ? last(now.rps) : null; }, text: function (v) { return F.fixed(v, 1); } },
    { title: "Current failures/s", value: function (r, now) { return now ? last(now.fail_per_s) : null; }, text: function (v) { return F.fixed(v, 1); } }
  ];
  function cellTexts(r, now) {
    return STAT_COLUMNS.map(function (c) {
      var v = c.value(r, now);
      return c.text ? c.text(v) : v === null || v === undefined ? "" : String(v);
    });
  }
  function newRow(cls) {
    var tr = el("tr", { "class": cls || "" }), tds = STAT_COLUMNS.map(function (c) {
      return tr.appendChild(el("td", { "class": c.left ? "l" : "" }));
    });
    return { tr: tr, tds: tds, texts: [] };
  }
  function fillRow(row, texts) {
    for (var i = 0; i < texts.length; i++) {
      if (row.texts[i] !== texts[i]) { row.tds[i].textContent = texts[i]; row.texts[i] = texts[i]; }
    }
  }
  // Sort values: text columns by text, numbers with "no value" lowest.
  function compareBy(column, dir) {
    return function (a, b) {
      var x = column.value(a.row, a.now), y = column.value(b.row, b.now), d;
      if (column.left) d = String(x).localeCompare(String(y));
      else d = (x === null || x === undefined ? -Infinity : x) - (y === null || y === undefined ? -Infinity : y);
      return (d || a.index - b.index) * (d ? dir : 1);
    };
  }
  // When the figures cover only the time since a reset: from the run, else from its mark.
  function resetAt(result) {
    if (typeof result.run.stats_reset_at_s === "number") return result.run.stats_reset_at_s;
    var marks = (result.timeline.marks || []).filter(function (m) { return /statistics reset/i.test(m.label); });
    return marks.length ? last(marks).t : null;
  }

  function statisticsView(panel) {
    var note = emptyNote(panel), reset = el("p", { "class": "reset-note" });
    panel.appendChild(reset);
    var saved = null;
    try { saved = JSON.parse(recall("nest-sort")); } catch (e) { saved = null; }
    var sort = saved && STAT_COLUMNS[saved.col] ? saved : null;  // {col, dir: 1 up, -1 down}
    var heads = STAT_COLUMNS.map(function (c, i) {
      var button = el("button", { type: "button", text: c.title });
      button.addEventListener("click", function () {
        // A number column sorts biggest first, a text one A to Z; again reverses.
        sort = { col: i, dir: sort && sort.col === i ? -sort.dir : c.left ? 1 : -1 };
        remember("nest-sort", JSON.stringify(sort));
        if (state) update(state);
        document.body.dataset.rendered = "yes";
      });
      return el("th", { "class": c.left ? "l" : "" }, [button]);
    });
    var tbody = el("tbody"), total = newRow("total");
    var table = el("table", { id: "stats" }, [el("thead", {}, [el("tr", {}, heads)]), tbody, el("tfoot", {}, [total.tr])]);
    var box = el("div", { "class": "scroll" }, [table]);
    panel.appendChild(box);
    var slots = [];  // newRow()s, in the table's order

    function markSort() {
      heads.forEach(function (th, i) {
        var want = sort && sort.col === i ? (sort.dir > 0 ? "ascending" : "descending") : null;
        if (th.getAttribute("aria-sort") !== want) {
          if (want) th.setAttribute("aria-sort", want); else th.removeAttribute("aria-sort");
        }
      });
    }

    function update(s) {
      var result = s.result;
      show(note, !result);
      show(box, !!result);
      if (!result) { text(note, "Ready: press Start to run against " + s.host + "."); show(reset, false); return; }
      var at = resetAt(result);
      show(reset, at !== null);
      if (at !== null) text(reset, "Statistics reset at " + F.clock(at) + ": the figures cover the time since.");
      var now = {};
      (result.timeline.rows || []).forEach(function (r) { now[rowKey(r)] = r; });
      var list = result.rows.map(function (r, i) { return { row: r, now: now[rowKey(r)], index: i }; });
      if (sort) list.sort(compareBy(STAT_COLUMNS[sort.col], sort.dir));
      // As many table rows as request rows (new ones added at once, in a fragment); the i-th
      // shows the i-th in order. A sort or a new row changes texts, never moves elements.
      if (slots.length < list.length) {
        var frag = document.createDocumentFragment();
        while (slots.length < list.length) frag.appendChild(slots[slots.push(newRow()) - 1].tr);
        tbody.appendChild(frag);
      }
      while (slots.length > list.length) slots.pop().tr.remove();
      list.forEach(function (e, i) { fillRow(slots[i], cellTexts(e.row, e.now)); });
      var agg = cellTexts(result.aggregated, { rps: result.timeline.rps, fail_per_s: result.timeline.fail_per_s });
      agg[0] = "";
      agg[1] = "Aggregated";
      fillRow(total, agg);
      markSort();
    }
    return { update: update };
  }

  // Charts: each made once (when the tab is first shown with a result) and fed with setData;
  // sized to its box, so none overlaps another. Marks (a Set, a reset, a stage) are drawn as
  // labelled lines on each time chart.
  function chartsView(panel) {
    var note = emptyNote(panel);
    note.textContent = "The charts begin with the run.";
    var grid = el("div", { "class": "charts" });
    panel.appendChild(grid);
    var charts = [], madeFor = null, current = null;
    var resize = window.ResizeObserver ? new ResizeObserver(function (entries) {
      entries.forEach(function (e) { fitChart(e.target.chart); });
    }) : null;

    function fitChart(c) {
      if (!c || !c.box.clientWidth) return;  // hidden: sized when shown
      var w = R.chartWidth(c.box);
      if (c.plot.width !== w) c.plot.setSize({ width: w, height: 260 });
    }
    function marks() {
      var m = current ? current.timeline.marks || [] : [];
      return { x: m.map(function (k) {
        return { at: k.t, label: k.label, color: /reset/i.test(k.label) ? COLORS.fails : COLORS.target, dash: [3, 4] };
      }) };
    }
    // box: a .chart with its title; data(result) -> the uPlot's data; colors for nestCharts
    // (which also holds the uPlot, for the tests); timed: x is seconds of the run, so the marks
    // are drawn. A zoom (a drag across a chart) holds over the updates until a double click
    // gives the whole run back: c.zoomed, and update() then keeps the chart's scales.
    function chart(id, title, opts, data, colors, timed) {
      var box = el("div", { "class": "chart", id: id }, [el("h3", { text: title })]);
      grid.appendChild(box);
      var c = { box: box, data: data, zoomed: false };
      opts = opts(box);
      opts.hooks = opts.hooks || {};
      if (timed) opts.hooks.draw = [function (u) { R.drawMarks(u, marks()); }];
      opts.hooks.setScale = [function (u, key) {
        if (key !== "x") return;
        var xs = u.data[0], n = xs.length;
        c.zoomed = n > 1 && (u.scales.x.min > xs[0] || u.scales.x.max < xs[n - 1]);
      }];
      c.plot = new uPlot(opts, data(current), box);
      box.chart = c;
      if (resize) resize.observe(box);
      window.nestCharts.push({ id: id, colors: colors, plot: c.plot });
      charts.push(c);
      return c;
    }
    // A column of the timeline (or of one of its rows), exactly as long as t: older documents
    // may lack one.
    function col(t, field, n) {
      var a = t[field];
      return Array.isArray(a) && a.length === n ? a : fit(a, n, field);
    }
    function timeChart(id, title, series, yLabel) {
      return chart(id, title, function (box) { return R.timeOptions(box, series, yLabel, false); }, function (r) {
        var t = r.timeline;
        return [t.t].concat(series.map(function (s) { return col(t, s.field, t.t.length); }));
      }, series.map(function (s) { return s.color; }), true);
    }

    // p50/p95/p99 of all requests or of the row picked (kept in localStorage, so it survives
    // updates and reloads; a row not there yet is picked when it comes).
    var wanted = recall("nest-latency-row") || "", pick = null, pickRows = -1;
    function latencyChart() {
      var series = [{ label: "p50", color: COLORS.p50, width: 6, field: "p50_ms" },
                    { label: "p95", color: COLORS.p95, width: 4, field: "p95_ms" },
                    { label: "p99", color: COLORS.p99, field: "p99_ms" }];
      pick = el("select", { "aria-label": "request row" });
      pickRows = -1;
      pick.addEventListener("change", function () {
        wanted = pick.value;
        remember("nest-latency-row", wanted);
        if (current) update(state);
      });
      var c = chart("chart-latency", "Response times (ms) of ", function (box) {
        return R.timeOptions(box, series, "ms", false);
      }, function (r) {
        var t = r.timeline, row = null;
        if (pick.value) row = (t.rows || []).filter(function (x) { return rowKey(x) === pick.value; })[0] || null;
        return [t.t].concat(series.map(function (s) { return col(row || t, s.field, t.t.length); }));
      }, series.map(function (s) { return s.color; }), true);
      c.box.firstChild.appendChild(pick);
      c.before = function (r) {
        var rows = r.timeline.rows || [];
        if (rows.length !== pickRows) {  // rows came: the list again (rows never go mid-run)
          pickRows = rows.length;
          pick.textContent = "";
          pick.appendChild(el("option", { value: "", text: "all requests" }));
          rows.forEach(function (x) { pick.appendChild(el("option", { value: rowKey(x), text: rowKey(x) })); });
        }
        var has = wanted && rows.some(function (x) { return rowKey(x) === wanted; });
        if (pick.value !== (has ? wanted : "")) pick.value = has ? wanted : "";
        // A row's seconds without requests are bridged: rows are often sparse.
        for (var i = 1; i < c.plot.series.length; i++) c.plot.series[i].spanGaps = !!pick.value;
      };
    }

    function distributionChart() {
      chart("chart-distribution", "Response time distribution (all requests)", R.distributionOptions, function (r) {
        var h = r.aggregated.histogram;
        // uPlot's log scale needs a value above 0: no request yet is an empty bar at 1 ms.
        return h && h.buckets.length ? R.distributionData(r) : [[1], [null]];
      }, [COLORS.dist]);
    }

    function make(result) {
      charts.forEach(function (c) { if (resize) resize.unobserve(c.box); c.plot.destroy(); });
      charts = [];
      grid.textContent = "";
      window.nestCharts = [];
      current = result;
      var t = result.timeline;
      timeChart("chart-rps", "Requests per second", [
        // Lines that may coincide are drawn widest first, so each still shows as a border.
        { label: "requests/s", field: "rps", color: COLORS.rps, width: 4 },
        { label: "failures/s", field: "fail_per_s", color: COLORS.fails }], "per second");
      latencyChart();
      if (result.run.model === "open") {
        timeChart("chart-users", "Sessions running", [
          { label: "sessions", field: "users", color: COLORS.users }], "sessions");
        timeChart("chart-arrivals", "Arrivals per second", [
          { label: "started/s", field: "started_per_s", color: COLORS.started, width: 4 },
          { label: "dropped/s", field: "dropped_per_s", color: COLORS.dropped },
          { label: "wanted/s", field: "target", color: COLORS.target, dash: [6, 4] }], "per second");
      } else {
        timeChart("chart-users", "Users: running and wanted", [
          { label: "users", field: "users", color: COLORS.users, width: 3 },
          { label: "target", field: "target", color: COLORS.target, dash: [6, 4] }], "users");
      }
      if (Array.isArray(t.connects_per_s)) {
        timeChart("chart-connects", "New connections per second", [
          { label: "connects/s", field: "connects_per_s", color: COLORS.lag }], "per second");
      }
      if (result.aggregated.histogram) distributionChart();
    }

    function update(s) {
      var result = s.result;
      show(note, !result);
      show(grid, !!result);
      if (!result) return;
      var kind = result.run.model + " " + Array.isArray(result.timeline.connects_per_s) + " " + !!result.aggregated.histogram;
      if (kind !== madeFor) { madeFor = kind; make(result); }
      current = result;
      charts.forEach(function (c) {
        if (c.before) c.before(result);
        fitChart(c);
        c.plot.setData(c.data(result), !c.zoomed);  // zoomed: the person's scales stay...
        if (c.zoomed) c.plot.redraw();  // ...and the new data is drawn in them (y fits it)
      });
    }
    return { update: update };
  }

  // A table redrawn only when its signature (what it shows) changes.
  function tableView(panel, empty, sign, draw) {
    var box = el("div", { "class": "scroll" });
    panel.appendChild(box);
    var drawn = null;
    return { update: function (s) {
      var key = sign(s);
      if (key === drawn) return;
      drawn = key;
      box.textContent = "";
      if (!draw(box, s)) box.appendChild(el("p", { "class": "empty", text: empty(s) }));
    } };
  }
  function occurrences(list) { return list.reduce(function (n, x) { return n + x.occurrences; }, 0); }

  function failuresView(panel) {
    return tableView(panel, function () { return "No failed requests."; }, function (s) {
      var r = s.result;
      return r ? r.failures.length + " " + occurrences(r.failures) + " " + r.cut.length : "none";
    }, function (box, s) {
      var r = s.result;
      if (!r || (!r.failures.length && !r.cut.length)) return false;
      if (r.failures.length) {
        box.appendChild(R.table(["# occurrences", "Type", "Name", "Error"], r.failures.map(function (f) {
          return { cells: [count(f.occurrences), f.method, f.name, f.error] };
        }), { left: 0, leftCols: [1, 2, 3] }));
      } else {
        box.appendChild(el("p", { "class": "empty", text: "No failed requests." }));
      }
      if (r.cut.length) {
        box.appendChild(el("h3", { text: "Cut at the end: sent and never answered, because the run ended first" }));
        box.appendChild(R.table(["# requests", "Type", "Name"], r.cut.map(function (c) {
          return { cells: [count(c.requests), c.method, c.name] };
        }), { left: 0, leftCols: [1, 2] }));
      }
      return true;
    });
  }

  function exceptionsView(panel) {
    return tableView(panel, function () { return "No exceptions."; }, function (s) {
      var r = s.result;
      return r ? r.exceptions.length + " " + occurrences(r.exceptions) : "none";
    }, function (box, s) {
      var r = s.result;
      if (!r || !r.exceptions.length) return false;
      box.appendChild(R.table(["# occurrences", "Taskset", "Task", "Message"], r.exceptions.map(function (e) {
        return { cells: [count(e.occurrences), e.taskset, e.task, e.message] };
      }), { left: 0, leftCols: [1, 2, 3] }));
      return true;
    });
  }

  // The tasksets with their weights and, live, how many users (sessions) each runs now.
  function tasksetsView(panel) {
    return tableView(panel, function () { return "No tasksets."; }, function (s) {
      return s.model + JSON.stringify(s.tasksets || []);
    }, function (box, s) {
      var list = s.tasksets || [];
      if (!list.length) return false;
      // The weights share the users beyond the fixed counts (TaskSet::fixed_count).
      var weights = list.reduce(function (n, t) { return n + (t.fixed_count ? 0 : t.weight); }, 0);
      var users = list.reduce(function (n, t) { return n + (t.users || 0); }, 0);
      var who = isOpen(s) ? "Sessions" : "Users";
      box.appendChild(R.table(["Taskset", "Weight", "Share of weight", who + " now", "Share of " + who.toLowerCase(),
                               "Weight from", "Transport", "Plugin"], list.map(function (t) {
        var share = t.weight <= 0 ? "off" : t.fixed_count ? count(t.fixed_count) + (t.fixed_count === 1 ? " user (fixed)" : " users (fixed)")
          : weights ? F.fixed(t.weight / weights * 100, 1) + "%" : "off";
        return { cells: [t.name, String(t.weight), share,
                         count(t.users || 0), users ? F.fixed((t.users || 0) / users * 100, 1) + "%" : "-",
                         t.source, t.transport, t.plugin] };
      }), { leftCols: [5, 6, 7] }));
      return true;
    });
  }

  // A distributed run's workers (nest-host --master --web): each one's requests so far, whether
  // its final report came, and what happened to it (missing, back, joined), on the run's clock.
  function workersView(panel) {
    return tableView(panel, function () {
      return "No workers: this run is one process (a master's workers show here: nest-host --master).";
    }, function (s) {
      return s.result ? JSON.stringify(s.result.workers || []) : "none";
    }, function (box, s) {
      var list = (s.result && s.result.workers) || [];
      if (!list.length) return false;
      box.appendChild(R.table(["Worker", "# requests", "Final report", "Events"], list.map(function (w) {
        var events = w.events.map(function (e) { return e.event + " at " + F.clock(e.t); }).join(", ");
        var missing = w.events.length && last(w.events).event === "missing";
        return { cls: missing ? "warning" : "",
                 cells: [w.name, count(w.requests), w.final_report ? "yes" : "not yet", events || "-"] };
      }), { leftCols: [2, 3] }));
      return true;
    });
  }

  // Links to the files of the run (so far, or final): navigations the page's CSP allows; the
  // server names the file (Content-Disposition).
  function downloadsView(panel) {
    return tableView(panel, function () {
      return "Nothing to download yet: the files come once the run starts.";
    }, function (s) {
      return s.status + JSON.stringify(s.downloads || []);
    }, function (box, s) {
      var list = s.downloads || [];
      if (!list.length) return false;
      box.appendChild(el("p", { "class": "note", text: s.status === "finished"
        ? "The run has finished: these are its final results."
        : "Each file holds the run so far, as of when you download it; the final files come when the run has finished." }));
      box.appendChild(el("ul", { "class": "downloads" }, list.map(function (d) {
        return el("li", {}, [el("a", { href: "/download/" + encodeURIComponent(d.name), download: "", text: d.title }),
                              el("span", { "class": "name", text: " " + d.name })]);
      })));
      return true;
    });
  }

  function logsView(panel) {
    return tableView(panel, function () { return "No messages yet."; }, function (s) {
      var logs = s.logs || [];
      return logs.length + (logs.length ? JSON.stringify(logs[0]) + JSON.stringify(last(logs)) : "");
    }, function (box, s) {
      var logs = s.logs || [];
      if (!logs.length) return false;
      box.appendChild(R.table(["At", "Level", "Message"], logs.map(function (l) {
        return { cls: l.level === "warning" ? "warning" : "", cells: [l.t === null || l.t === undefined ? "-" : F.clock(l.t), l.level, l.text] };
      }), { left: 0, leftCols: [1, 2] }));
      return true;
    });
  }

  function entries(s, list) { return s.result ? String(s.result[list].length) : ""; }
  var TABS = [
    { id: "statistics", title: "Statistics", view: statisticsView },
    { id: "charts", title: "Charts", view: chartsView },
    { id: "failures", title: "Failures", view: failuresView, count: function (s) { return entries(s, "failures"); } },
    { id: "exceptions", title: "Exceptions", view: exceptionsView, count: function (s) { return entries(s, "exceptions"); } },
    { id: "tasksets", title: "Tasksets", view: tasksetsView },
    { id: "workers", title: "Workers", view: workersView, count: function (s) {
      return s.result && s.result.workers ? String(s.result.workers.length) : "";
    } },
    { id: "downloads", title: "Downloads", view: downloadsView },
    { id: "logs", title: "Logs", view: logsView, count: function (s) {
      var n = (s.logs || []).filter(function (l) { return l.level === "warning"; }).length;
      return n ? String(n) : "";
    } }
  ];
  var nav = document.getElementById("tabs"), main = document.getElementById("report");
  main.textContent = "";
  var chosen = null;
  TABS.forEach(function (tab, i) {
    tab.badge = el("span", { "class": "count" });
    tab.button = el("button", { type: "button", role: "tab", id: "tab-" + tab.id, "aria-controls": "panel-" + tab.id,
                                "aria-selected": "false", tabindex: "-1" }, [document.createTextNode(tab.title + " "), tab.badge]);
    tab.panel = el("section", { role: "tabpanel", id: "panel-" + tab.id, "aria-labelledby": "tab-" + tab.id, "class": "off" });
    tab.button.addEventListener("click", function () { choose(tab.id); });
    tab.button.addEventListener("keydown", function (e) {  // arrows move along the tabs
      var to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      var next = TABS[(to + TABS.length) % TABS.length];
      choose(next.id);
      next.button.focus();
    });
    nav.appendChild(tab.button);
    main.appendChild(tab.panel);
  });

  function tabById(id) { return TABS.filter(function (t) { return t.id === id; })[0] || TABS[0]; }

  // Shows tab `id` (kept in the address, so a reload keeps it) and draws it from the state.
  function choose(id) {
    var tab = tabById(id);
    if (location.hash !== "#" + tab.id) history.replaceState(null, "", "#" + tab.id);
    if (chosen === tab) return;
    if (chosen) {
      chosen.button.setAttribute("aria-selected", "false");
      chosen.button.setAttribute("tabindex", "-1");
      chosen.panel.className = "off";
    }
    chosen = tab;
    tab.button.setAttribute("aria-selected", "true");
    tab.button.setAttribute("tabindex", "0");
    tab.panel.className = "";
    if (state) drawTab(state);
  }
  window.addEventListener("hashchange", function () { choose(location.hash.slice(1)); });

  function drawTab(s) {
    if (!chosen.drawn) chosen.drawn = chosen.view(chosen.panel);
    chosen.drawn.update(s);
    document.body.dataset.rendered = "yes";
  }

  function drawBadges(s) {
    TABS.forEach(function (tab) {
      if (!tab.count) return;
      var n = tab.count(s);
      text(tab.badge, n);
      tab.badge.className = "count" + (n && n !== "0" ? " some" : "");
    });
  }

  // ---- the stream ----
  function handle(kind, data) {
    var t0 = performance.now();
    var s = JSON.parse(data);
    state = kind === "state" ? s : merge(state, s);
    window.nestLive.state = state;
    drawHeader(state);
    drawBadges(state);
    drawTab(state);
    var took = performance.now() - t0;
    timings.last = took;
    timings.updates.push(took);
    if (timings.updates.length > 3600) timings.updates.shift();
    // And to the frame that shows it (style, layout and paint included).
    requestAnimationFrame(function () {
      setTimeout(function () {
        timings.frames.push(performance.now() - t0);
        if (timings.frames.length > 3600) timings.frames.shift();
      }, 0);
    });
  }

  // The sticky top's height, for what sticks below it (the Statistics table's titles).
  var topBox = document.getElementById("top");
  function topHeight() { document.documentElement.style.setProperty("--top", topBox.offsetHeight + "px"); }
  if (window.ResizeObserver) new ResizeObserver(topHeight).observe(topBox);
  topHeight();

  choose(location.hash.slice(1) || "statistics");
  var source = new EventSource("/api/stream");
  source.addEventListener("state", function (e) { handle("state", e.data); });
  source.addEventListener("update", function (e) { handle("update", e.data); });
  source.onerror = function () {
    text(status, (state ? state.status : "connecting") + " (nest-host not reachable)");
  };
})();
