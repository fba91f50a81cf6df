// nest-host's web UI: a header with the run's status, its figures and controls (start, change
// the target, stop), above the same report the HTML file shows (report.js), redrawn from the
// state the server pushes once a second (Server-Sent Events, /api/stream). Changes go to
// /api/start, /api/target and /api/stop as POSTs with the page's token.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="nest-token"]').content;
  var header = document.getElementById("live");
  var root = document.getElementById("report");
  var last = null;     // the last state shown
  var drawn = null;    // what the report was drawn from: status and seconds of timeline

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Nest-Token": token },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(j.error || r.statusText);
        return j;
      });
    });
  }

  function field(name, label, value) {
    return el("label", { text: label + " " }, [el("input", { name: name, type: "number", min: "0", step: "any", value: value })]);
  }

  // The form's numbers, without the empty ones.
  function values(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name && input.value !== "") out[input.name] = Number(input.value);
    });
    return out;
  }

  function control(label, fields, path) {
    var problem = el("span", { "class": "problem" });
    var form = el("form", {}, fields.concat([el("button", { type: "submit", text: label }), problem]));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      problem.textContent = "";
      post(path, values(form)).catch(function (err) { problem.textContent = err.message; });
    });
    return form;
  }

  function drawHeader(state) {
    header.textContent = "";
    header.appendChild(el("span", { "class": "status " + state.status, text: state.status }));
    var total = state.result ? state.result.aggregated : null;
    var t = state.result ? state.result.timeline : null;
    var users = t && t.users.length ? t.users[t.users.length - 1] : 0;
    var rps = t && t.rps.length ? t.rps[t.rps.length - 1] : 0;
    var open = state.model === "open";
    header.appendChild(el("span", { "class": "figure" }, [el("b", { text: String(users) }), document.createTextNode(open ? " sessions" : " users")]));
    header.appendChild(el("span", { "class": "figure" }, [el("b", { text: (rps || 0).toFixed(1) }), document.createTextNode(" req/s")]));
    if (total) {
      var failed = total.requests ? total.failures / total.requests * 100 : 0;
      header.appendChild(el("span", { "class": "figure" }, [el("b", { text: failed.toFixed(2) + "%" }), document.createTextNode(" failed")]));
    }
    if (state.status === "ready" && state.plan) {
      header.appendChild(control("Start", [], "/api/start"));  // its plan sets load and time
    } else if (state.status === "ready") {
      header.appendChild(open
        ? control("Start", [field("rate", "arrivals/s", state.rate), field("run_time_s", "run time (s)", state.run_time_s || "")], "/api/start")
        : control("Start", [field("users", "users", state.users), field("spawn_rate", "spawn rate", state.spawn_rate), field("run_time_s", "run time (s)", state.run_time_s || "")], "/api/start"));
    } else if (state.status === "running" && state.plan) {
      header.appendChild(control("Stop", [], "/api/stop"));
    } else if (state.status === "running") {
      header.appendChild(open
        ? control("Set", [field("rate", "arrivals/s", state.target)], "/api/target")
        : control("Set", [field("users", "users", state.target), field("spawn_rate", "spawn rate", state.spawn_rate)], "/api/target"));
      header.appendChild(control("Stop", [], "/api/stop"));
    }
  }

  function update(state) {
    var before = last;
    last = state;
    // The header is redrawn only when its controls change, so typing in a field is not lost.
    if (!before || before.status !== state.status) drawHeader(state);
    else drawHeaderFigures(state);
    var seconds = state.result ? state.result.timeline.t.length : -1;
    var key = state.status + " " + seconds;
    if (key === drawn) return;
    drawn = key;
    if (!state.result) {
      root.textContent = "";
      root.appendChild(el("p", { text: "Ready: press Start to run against " + state.host + "." }));
    } else {
      var y = window.scrollY;
      root.textContent = "";
      window.nestReport.render(root, { kind: "result", result: state.result });
      window.scrollTo(0, y);
    }
    document.body.dataset.rendered = "yes";
  }

  // Only the figures, in place, before the controls.
  function drawHeaderFigures(state) {
    var fresh = document.createElement("div");
    var keep = header;
    header = fresh;
    drawHeader(state);
    header = keep;
    header.querySelectorAll(".figure").forEach(function (f) { f.remove(); });
    var status = header.querySelector(".status");
    status.textContent = state.status;
    Array.prototype.slice.call(fresh.querySelectorAll(".figure")).reverse().forEach(function (f) {
      status.after(f);
    });
  }

  var source = new EventSource("/api/stream");
  source.addEventListener("state", function (e) { update(JSON.parse(e.data)); });
  source.onerror = function () {
    if (last) header.querySelector(".status").textContent = last.status + " (nest-host not reachable)";
  };
})();
