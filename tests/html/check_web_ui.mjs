// Drives nest-host's web UI in headless Chromium as a person would. Fails on a console error,
// an uncaught exception, or a fetch anywhere but nest-host. Exit 0 when all holds; else 1,
// printing every problem (and the screenshot is taken either way).
//
// node check_web_ui.mjs URL SCREENSHOT.png [DOWNLOAD_DIR]
//   The page loads with the run ready; Start (with 3 users) starts it; the Statistics table
//   moves and sorts by "# Requests" (both ways, kept across updates); the Charts tab draws the
//   requests/s chart and a row picked for the percentile chart stays picked; Set (6 users) and
//   the users figure follows; Reset stats drops the request count and says so; a reload keeps
//   the history, the tab and the pick; Stop finishes the run; then the Downloads tab's
//   stats.csv and result.json are saved into DOWNLOAD_DIR (when given) under those names.
//
// node check_web_ui.mjs --many-rows URL SCREENSHOT.png
//   For a run with hundreds of request names: Start, wait for >= 500 rows in the table, then
//   measure for ~10 s how long each update took the page (window.nestTimings), how long a sort
//   by a column and a switch to the Charts tab and back take to be drawn, and print
//   `measured: {"rows","update_median_ms","update_max_ms","sort_ms","tab_ms"}`. Fails only when
//   the page is clearly unresponsive: an update over 1 s, a sort over 1 s, a tab over 2 s.
//   Then the request named "<script>...", its failure and an exception with markup are shown
//   as text in their tabs, and none of it runs. Stop finishes the run.
import { chromium } from "playwright-core";

const args = process.argv.slice(2);
const manyRows = args[0] === "--many-rows";
const [given, screenshot, downloadDir] = manyRows ? args.slice(1) : args;
const url = given.replace(/\/$/, "");
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.NEST_CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
page.on("pageerror", (e) => problems.push("uncaught: " + e.message));
await page.route("**/*", (route) => {
  if (route.request().url().startsWith(url)) return route.continue();
  problems.push("fetched " + route.request().url());
  return route.abort();
});
const step = async (what, action) => {
  try { return await action(); } catch (e) { problems.push(what + ": " + e.message.split("\n")[0]); throw e; }
};
const check = (what, ok) => { if (!ok) problems.push(what); };
const usersFigure = (n) => page.waitForFunction(
  (text) => [...document.querySelectorAll("#live .figure")].some((f) => f.textContent === text),
  n + " users", { timeout: 10000 });
const button = (label) => page.click(`#live button:text-is("${label}")`);
const status = (re, timeout) => page.locator("#live .status", { hasText: re }).waitFor({ timeout });
const openTab = (id) => page.click("#tab-" + id);
// Updates the page has handled so far; the next one.
const updates = () => page.evaluate(() => window.nestTimings.updates.length);
const nextUpdate = async () => {
  const n = await updates();
  await page.waitForFunction((k) => window.nestTimings.updates.length > k, n, { timeout: 5000 });
};
// The Statistics table: its Aggregated "# Requests", and a column of its rows as numbers.
const aggregated = () => page.evaluate(() =>
  Number(document.querySelector("#stats tfoot td:nth-child(3)").textContent.replace(/,/g, "")));
const column = (i) => page.evaluate((n) => [...document.querySelectorAll(`#stats tbody td:nth-child(${n})`)]
  .map((td) => Number(td.textContent.replace(/,/g, ""))), i);
// "# Requests" is sorted as its header says (aria-sort), returned: "ascending" or "descending".
async function requestsSorted(what) {
  const sort = await page.getAttribute('#stats th:has(button:text-is("# Requests"))', "aria-sort");
  const values = await column(3);
  const ordered = values.every((v, i) => i === 0 ||
    (sort === "ascending" ? values[i - 1] <= v : values[i - 1] >= v));
  check(`${what}: the rows are not sorted ${sort} by # Requests: ${values.slice(0, 12).join(", ")}`,
        (sort === "ascending" || sort === "descending") && ordered);
  return sort;
}
// Pixels of `hex` drawn in chart `id`'s canvas.
const pixels = (id, hex) => page.evaluate(([chart, color]) => {
  const canvas = document.querySelector("#" + chart + " canvas");
  if (!canvas || !canvas.width) return 0;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40) n++;
  }
  return n;
}, [id, hex]);

async function personRun() {
  await page.goto(url + "/#statistics");
  await step("the page shows the run ready", () => status("ready", 10000));
  await step("before the start the Statistics tab says what Start does", () =>
    page.locator("#panel-statistics", { hasText: "Ready: press Start to run against" }).waitFor({ timeout: 5000 }));
  await page.fill('#live input[name="users"]', "3");
  await button("Start");
  await step("the run starts", () => status("running", 10000));
  await step("the users reach 3", () => usersFigure(3));

  await step("the Statistics table fills", () => page.locator("#stats tbody tr").first().waitFor({ timeout: 10000 }));
  const first = await aggregated();
  await step("the request count grows", () => page.waitForFunction((n) =>
    Number(document.querySelector("#stats tfoot td:nth-child(3)").textContent.replace(/,/g, "")) > n,
    first, { timeout: 10000 }));
  await page.click('#stats th button:text-is("# Requests")');
  const sort = await requestsSorted("sorted once");
  await page.click('#stats th button:text-is("# Requests")');
  const reversed = await requestsSorted("sorted again");
  check("a second click reverses the sort", sort !== reversed);
  await nextUpdate();
  check("the sort survives an update", (await requestsSorted("after an update")) === reversed);

  await openTab("charts");
  await step("the Charts tab draws requests/s", () => page.waitForFunction(() =>
    document.querySelector("#chart-rps canvas"), null, { timeout: 5000 }));
  let drawn = 0;
  for (let i = 0; i < 10 && drawn < 20; i++, await page.waitForTimeout(500)) drawn = await pixels("chart-rps", "#1f6feb");
  check(`the requests/s line drew ${drawn} pixels`, drawn >= 20);
  const select = page.locator("#chart-latency select");
  const row = await select.evaluate((s) => s.options[Math.min(1, s.options.length - 1)].value);
  await select.selectOption(row);
  await nextUpdate();
  check("the picked row stays picked after an update", (await select.inputValue()) === row);

  // A zoom: a drag across the middle of the requests/s chart narrows its seconds; it holds over
  // an update (the run's new seconds are not shown) until a double click shows them all again.
  const xScale = () => page.evaluate(() => {
    const plot = window.nestCharts.find((c) => c.id === "chart-rps").plot;
    const t = plot.data[0];
    return { min: plot.scales.x.min, max: plot.scales.x.max, first: t[0], last: t[t.length - 1] };
  });
  await step("the requests/s chart has a few seconds to zoom into", () => page.waitForFunction(() =>
    window.nestCharts.find((c) => c.id === "chart-rps").plot.data[0].length >= 4, null, { timeout: 10000 }));
  const over = await page.locator("#chart-rps .u-over").boundingBox();
  await page.mouse.move(over.x + over.width * 0.2, over.y + over.height / 2);
  await page.mouse.down();
  await page.mouse.move(over.x + over.width * 0.6, over.y + over.height / 2, { steps: 5 });
  await page.mouse.up();
  const zoomed = await xScale();
  check(`a drag zooms into the chart: x ${zoomed.min}..${zoomed.max} of ${zoomed.first}..${zoomed.last}`,
        zoomed.min > zoomed.first && zoomed.max < zoomed.last);
  await nextUpdate();
  await nextUpdate();
  const held = await xScale();
  check(`the zoom holds over updates: x ${held.min}..${held.max}, was ${zoomed.min}..${zoomed.max}, data to ${held.last}`,
        held.min === zoomed.min && held.max === zoomed.max && held.last > zoomed.last);
  // ...and each update is drawn in it: uPlot (pinned 1.6.32) drops a series' paths when given
  // data and builds them again only when it draws.
  check("a zoomed chart draws each update", await page.evaluate(() =>
    window.nestCharts.find((c) => c.id === "chart-rps").plot.series.slice(1).every((s) => s._paths)));
  await page.mouse.dblclick(over.x + over.width / 2, over.y + over.height / 2);
  await nextUpdate();
  const whole = await xScale();
  check(`a double click shows the whole run again: x ${whole.min}..${whole.max} of ${whole.first}..${whole.last}`,
        whole.min === whole.first && whole.max === whole.last);

  await page.fill('#live input[name="users"]', "6");
  await button("Set");
  await step("the users follow the new target", () => usersFigure(6));

  await openTab("statistics");
  await step("requests are counted before the reset", () => page.waitForFunction(() =>
    Number(document.querySelector("#stats tfoot td:nth-child(3)").textContent.replace(/,/g, "")) >= 10,
    null, { timeout: 15000 }));
  const beforeReset = await aggregated();
  await button("Reset stats");
  await step("Reset stats drops the request count and says so", () => page.waitForFunction((n) =>
    Number(document.querySelector("#stats tfoot td:nth-child(3)").textContent.replace(/,/g, "")) < n &&
    /statistics reset/i.test(document.querySelector("#panel-statistics").textContent), beforeReset, { timeout: 10000 }));

  await openTab("charts");
  const before = await page.evaluate(() => ({
    seconds: window.nestLive.state.result.timeline.t.length, rows: window.nestLive.state.result.rows.length }));
  await page.reload();
  await step("after a reload the history, the tab and the pick are there at once", () => page.waitForFunction(
    ([seconds, picked]) => document.body.dataset.rendered === "yes" &&
      window.nestLive.state.result.timeline.t.length >= seconds &&
      document.querySelector("#tab-charts").getAttribute("aria-selected") === "true" &&
      document.querySelector("#chart-rps canvas") &&
      document.querySelector("#chart-latency select").value === picked,
    [before.seconds, row], { timeout: 5000 }));
  await openTab("statistics");
  check("after a reload the table has every row",
        (await page.locator("#stats tbody tr").count()) >= before.rows);

  await openTab("downloads");
  await button("Stop");
  await step("Stop ends the run", () => status(/stopping|finished/, 10000));
  await step("the run finishes", () => status("finished", 15000));
  // Saved for the caller to compare with what the server counted.
  for (const name of ["stats.csv", "result.json"]) {
    const link = page.locator(`#panel-downloads a[href="/download/${name}"]`);
    await step(`the Downloads tab offers ${name}`, () => link.waitFor({ timeout: 5000 }));
    if (!downloadDir) continue;
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), link.click()]);
    const failure = await download.failure();
    check(`downloading ${name} failed: ${failure}`, !failure);
    if (!failure) await download.saveAs(downloadDir + "/" + name);
  }
  await openTab("charts");  // the screenshot (docs/web-ui.md shows it): the finished run's charts
}

// ms from a click on the button matching `selector` (and reading `label`, when given) to the
// next frame drawn after it: the page's work and one frame, timed in the page.
const timed = (selector, label) => page.evaluate(async ([css, text]) => {
  const target = [...document.querySelectorAll(css)].find((b) => !text || b.textContent === text);
  const t0 = performance.now();
  target.click();
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - t0;
}, [selector, label]);

async function manyRowsRun() {
  await page.goto(url + "/#statistics");
  await step("the page shows the run ready", () => status("ready", 10000));
  await button("Start");
  await step("the run starts", () => status("running", 10000));
  await step("the table reaches 500 rows", () => page.waitForFunction(() =>
    document.querySelectorAll("#stats tbody tr").length >= 500, null, { timeout: 60000 }));
  await page.evaluate(() => { window.nestTimings.updates = []; window.nestTimings.frames = []; });
  const sorts = [], tabs = [];
  for (let i = 0; i < 2; i++) {
    await page.waitForTimeout(2500);
    sorts.push(await timed("#stats th button", "# Requests"));
    await requestsSorted("500 rows, sorted");
  }
  for (let i = 0; i < 2; i++) {
    await page.waitForTimeout(2000);
    tabs.push(await timed("#tab-charts"));
    check("the Charts tab drew its charts", await page.evaluate(() => window.nestCharts.length > 0 &&
      window.nestCharts.every((c) => document.querySelector("#" + c.id + " canvas").width > 0)));
    tabs.push(await timed("#tab-statistics"));
  }
  await page.waitForTimeout(1000);
  const sorted = (list) => list.slice().sort((a, b) => a - b);
  const took = sorted(await page.evaluate(() => window.nestTimings.updates));
  // Until the frame after each update was painted (layout included); shown, not judged: a
  // sort or a tab switch while an update is drawn lengthens it.
  const frames = sorted(await page.evaluate(() => window.nestTimings.frames || []));
  const round = (v) => Math.round(v * 10) / 10;
  const measured = {
    rows: await page.locator("#stats tbody tr").count(),
    update_median_ms: round(took[Math.floor(took.length / 2)] || 0),
    update_max_ms: round(took[took.length - 1] || 0),
    sort_ms: round(Math.max(...sorts)),
    tab_ms: round(Math.max(...tabs)),
    frame_median_ms: round(frames[Math.floor(frames.length / 2)] || 0),
    frame_max_ms: round(frames[frames.length - 1] || 0),
  };
  console.log("measured: " + JSON.stringify(measured));
  check(`only ${took.length} updates in ~10 s`, took.length >= 5);
  check(`an update took ${measured.update_max_ms} ms`, measured.update_max_ms <= 1000);
  check(`a sort took ${measured.sort_ms} ms`, measured.sort_ms <= 1000);
  check(`a tab switch took ${measured.tab_ms} ms`, measured.tab_ms <= 2000);
  await markupShownAsText();
  await button("Stop");
  await step("the run finishes", () => status("finished", 30000));
}

// The taskset (tests/plugins/many_names.cpp) names a request "<script>window.pwned=1</script>",
// fails it with "<img src=x onerror=...>" and throws "<b onmouseover=...>": each is shown as the
// text it is, in the table, the Failures and the Exceptions tabs, and none of it ever runs.
async function markupShownAsText() {
  const shown = async (tab, text) => {
    await openTab(tab);
    await nextUpdate();
    return page.evaluate(([id, t]) => [...document.querySelectorAll("#panel-" + id + " td")]
      .some((td) => td.textContent === t), [tab, text]);
  };
  check("the request named <script>... is a row, as text",
    await shown("statistics", "<script>window.pwned=1</script>"));
  check("its failure is shown as text", await shown("failures", '<img src=x onerror="window.pwned=2">'));
  check("the exception is shown as text",
    await shown("exceptions", '<b onmouseover="window.pwned=3">boom</b>'));
  await page.hover("#panel-exceptions td:has-text('boom')").catch(() => {});
  check("no markup from the system under test ran",
    await page.evaluate(() => window.pwned === undefined && !document.querySelector("#report script, #report img, #report b[onmouseover]")));
  await openTab("statistics");
}

try {
  await (manyRows ? manyRowsRun() : personRun());
} catch (e) {
  if (!problems.length) problems.push(e.message.split("\n")[0]);  // else already in problems
} finally {
  await page.screenshot({ path: screenshot, fullPage: false });
  await browser.close();
}
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
