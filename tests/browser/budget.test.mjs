// The heaviest API page (one with an operation card) of the real corpus
// opens quickly: DOMContentLoaded in under a second in headless Chromium,
// served over http.
//
// Runs on $SPECSITE_CORPUS_SITE (`.ci/run` builds the GovStack corpus
// there), default <crate>/target/search-corpus-site; skipped when absent,
// like the search byte budget.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, serve } from "./helpers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const crate = path.resolve(here, "../..");
const CORPUS_SITE = process.env.SPECSITE_CORPUS_SITE || path.join(crate, "target/search-corpus-site");
const DCL_BUDGET_MS = 1000;

/** The largest page with an API operation card (print views left out):
 * [root-relative path, bytes]. */
function heaviestApiPage(dir) {
  let best = ["", -1];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) {
        if (name !== "print") walk(p);
      } else if (name.endsWith(".html") && s.size > best[1] && readFileSync(p, "utf8").includes('class="api-op')) {
        best = [path.relative(dir, p), s.size];
      }
    }
  };
  walk(dir);
  return best;
}

let browser, server;
const skip = !existsSync(CORPUS_SITE) && "no corpus site";

before(async () => {
  if (skip) return;
  browser = await launch();
  server = await serve(CORPUS_SITE);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("corpus: the heaviest API page reaches DOMContentLoaded in under a second", { skip }, async () => {
  const [rel, bytes] = heaviestApiPage(CORPUS_SITE);
  assert.ok(bytes > 0, "no API page found");
  const page = await browser.newPage();
  // One warm-up load, so the figure is the page's and not Chromium's start.
  await page.goto(new URL(rel, server.url).href);
  const times = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(new URL(rel, server.url).href, { waitUntil: "domcontentloaded" });
    times.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd));
  }
  times.sort((a, b) => a - b);
  const median = times[2];
  const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);
  console.log(`${rel}: ${bytes} B, ${nodes} elements, DOMContentLoaded ${median.toFixed(0)} ms (median of 5)`);
  assert.ok(median < DCL_BUDGET_MS, `${rel}: DOMContentLoaded ${median.toFixed(0)} ms`);
  await page.close();
});

// Content folded in a closed <details> is not measured when the page loads
// (each such measurement made Chromium lay out that block on its own: about
// 2 s after DOMContentLoaded on an API page of 600 folded tables); a table
// is measured, and made reachable by keyboard if it scrolls, when its
// <details> opens.
test("corpus: a folded schema's table is measured when it opens, not before", { skip }, async () => {
  const [rel] = heaviestApiPage(CORPUS_SITE);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(new URL(rel, server.url).href, { waitUntil: "load" });
  await page.waitForTimeout(100);
  // A closed, top-level folded block (not inside another closed one) with a table.
  const index = await page.evaluate(() =>
    [...document.querySelectorAll(".doc-body details:not([open])")].findIndex(
      (d) => !d.parentElement.closest("details:not([open])") && d.querySelector(":scope > .table-wrap, :scope > table"),
    ),
  );
  assert.ok(index >= 0, `${rel}: no folded table`);
  // A handle, not a locator: once open, the block no longer matches `:not([open])`.
  const details = await page.locator(".doc-body details:not([open])").nth(index).elementHandle();
  const wrap = await details.$(":scope > .table-wrap");
  assert.equal(await wrap.getAttribute("data-scroll-focus"), null, "measured while folded");
  // Widen the folded tables, so that this one scrolls once shown.
  await page.addStyleTag({ content: ".doc-body details .table-wrap { width: 200px; } .doc-body details table { min-width: 2000px; }" });
  await (await details.$(":scope > summary")).click();
  await page.waitForFunction((el) => el.open && el.querySelector(":scope > .table-wrap").hasAttribute("tabindex"), details, { timeout: 5000 });
  const [scrolls, tabindex, role] = await wrap.evaluate((el) => [
    el.scrollWidth > el.clientWidth + 1,
    el.getAttribute("tabindex"),
    el.getAttribute("role"),
  ]);
  assert.ok(scrolls, "the widened table scrolls sideways");
  assert.equal(tabindex, "0", "the opened table is reachable by keyboard");
  assert.equal(role, "region");
  assert.deepEqual(errors, []);
  await context.close();
});
