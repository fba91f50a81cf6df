// Opens a Nest HTML report in headless Chromium and checks that it really drew, as a person
// opening it offline would see it:
//   - nothing is fetched (the page is self-contained; any request but the file itself fails),
//   - no console error and no uncaught exception,
//   - the report's script finished (body[data-rendered="yes"]),
//   - every chart's canvas holds pixels of each of its series' colours (drawn lines or bars,
//     not just axes),
//   - a chart with a list of request rows still draws after picking the first (busiest) row,
//   - no time axis shows the same label twice,
//   - the page shows each text given with --expect.
// Usage: node check_report.mjs REPORT.html SCREENSHOT.png [--expect TEXT]... [--charts N]
// Exit 0 when all holds; else 1, printing every problem.
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const [file, screenshot, ...rest] = process.argv.slice(2);
const expects = [];
let chartsWanted = 0;
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] === "--expect") expects.push(rest[i + 1]);
  else if (rest[i] === "--charts") chartsWanted = Number(rest[i + 1]);
  else throw new Error("unknown argument " + rest[i]);
}
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.NEST_CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const url = pathToFileURL(file).href;
  page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
  page.on("pageerror", (e) => problems.push("uncaught: " + e.message));
  await page.route("**/*", (route) => {
    if (route.request().url() === url) return route.continue();
    problems.push("fetched " + route.request().url());
    return route.abort();
  });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.rendered !== undefined, null, { timeout: 10000 });
  const rendered = await page.evaluate(() => document.body.dataset.rendered);
  if (rendered !== "yes") problems.push("the report did not render: " + rendered);
  // Pixels of each chart's series colours (within a small distance), per chart.
  const measure = () => page.evaluate(() => {
    function rgb(hex) { return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)); }
    return (window.nestCharts || []).map((chart) => {
      const canvas = document.querySelector("#" + chart.id + " canvas");
      if (!canvas) return { id: chart.id, missing: true };
      const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      const found = chart.colors.map((hex) => {
        const [r, g, b] = rgb(hex);
        let n = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3] > 200 && Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) +
              Math.abs(pixels[i + 2] - b) < 40) n++;
        }
        return { hex, pixels: n };
      });
      return { id: chart.id, width: canvas.width, height: canvas.height, found };
    });
  });
  const charts = await measure();
  for (const select of await page.$$(".chart select")) {
    const id = await select.evaluate((s) => s.closest(".chart").id);
    const first = await select.evaluate((s) => s.options[Math.min(1, s.options.length - 1)].value);
    await select.selectOption(first);
    const again = (await measure()).find((c) => c.id === id);
    charts.push({ ...again, id: id + " (row " + first + ")" });
  }
  if (charts.length < chartsWanted) problems.push(`${charts.length} charts, expected ${chartsWanted}`);
  for (const c of charts) {
    if (c.missing) { problems.push(`chart ${c.id}: no canvas`); continue; }
    for (const f of c.found) {
      if (f.pixels < 20) problems.push(`chart ${c.id}: series ${f.hex} drew ${f.pixels} pixels`);
    }
  }
  const axes = await page.evaluate(() => Array.from(document.querySelectorAll("[data-x-labels]"))
    .map((box) => ({ id: box.id, labels: box.dataset.xLabels.split("|") })));
  for (const a of axes) {
    if (new Set(a.labels).size !== a.labels.length) {
      problems.push(`chart ${a.id}: the time axis repeats a label: ${a.labels.join(", ")}`);
    }
  }
  const text = await page.evaluate(() => document.body.innerText);
  for (const e of expects) if (!text.includes(e)) problems.push(`no text "${e}" on the page`);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify(charts));
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
