// Drives nest-host's web UI in headless Chromium as a person would: the page loads with the run
// ready, Start (with 3 users) starts it, the report draws and moves, Set (6 users) changes the
// users and the users figure follows, a reload mid-run shows the history since the start,
// Stop ends it. Fails on a console error, an uncaught exception, or a fetch anywhere but
// nest-host. Usage: node check_web_ui.mjs URL SCREENSHOT.png. Exit 0 when all holds; else 1,
// printing every problem (and the screenshot is taken either way).
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.NEST_CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
page.on("pageerror", (e) => problems.push("uncaught: " + e.message));
await page.route("**/*", (route) => {
  if (route.request().url().startsWith(url)) return route.continue();
  problems.push("fetched " + route.request().url());
  return route.abort();
});
const figure = (unit) => page.locator("#live .figure", { hasText: unit }).locator("b");
const step = async (what, action) => {
  try { await action(); } catch (e) { problems.push(what + ": " + e.message.split("\n")[0]); throw e; }
};
try {
  await page.goto(url);
  await step("the page shows the run ready", () =>
    page.locator("#live .status", { hasText: "ready" }).waitFor({ timeout: 10000 }));
  await page.fill('#live input[name="users"]', "3");
  await page.click('#live button:has-text("Start")');
  await step("the run starts and its report draws", () =>
    page.locator("#live .status", { hasText: "running" }).waitFor({ timeout: 10000 }));
  await step("the users reach 3", () => page.waitForFunction(
    () => [...document.querySelectorAll("#live .figure")].some((f) => f.textContent === "3 users"),
    null, { timeout: 10000 }));
  await step("charts are drawn", () => page.locator("#report canvas").first().waitFor({ timeout: 10000 }));
  await page.fill('#live input[name="users"]', "6");
  await page.click('#live button:has-text("Set")');
  await step("the users follow the new target", () => page.waitForFunction(
    () => [...document.querySelectorAll("#live .figure")].some((f) => f.textContent === "6 users"),
    null, { timeout: 10000 }));
  const before = await page.evaluate(() => document.querySelectorAll("#report tr").length);
  await page.reload();
  await step("after a reload the history is there at once", () => page.waitForFunction(
    (rows) => document.body.dataset.rendered === "yes" &&
      document.querySelectorAll("#report tr").length >= rows && document.querySelector("#report canvas"),
    before, { timeout: 5000 }));
  await page.click('#live button:has-text("Stop")');
  await step("Stop ends the run", () => page.locator("#live .status", { hasText: /stopping|finished/ })
    .waitFor({ timeout: 10000 }));
  await step("the run finishes", () => page.locator("#live .status", { hasText: "finished" })
    .waitFor({ timeout: 15000 }));
} catch (e) {
  // already in problems
} finally {
  await page.screenshot({ path: screenshot, fullPage: false });
  await browser.close();
}
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
