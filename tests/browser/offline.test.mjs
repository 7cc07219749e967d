// A site built with `specsite build --offline` browses from disk (file://):
// every internal link names a file that exists, and a reader can go from the
// landing page into a book, walk its navigation, use previous/next, follow a
// glossary term link and search, without a server.
//
//   SPECSITE_OFFLINE_SITE=../../target/ci-demo-offline node --test offline.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launch } from "./helpers.mjs";

const dir = process.env.SPECSITE_OFFLINE_SITE ? path.resolve(process.cwd(), process.env.SPECSITE_OFFLINE_SITE) : null;
if (!dir) console.log("# SPECSITE_OFFLINE_SITE is not set: skipping the offline tests");
const skip = !dir;
const landing = dir ? pathToFileURL(path.join(dir, "index.html")).href : null;

let browser;

before(async () => {
  if (skip) return;
  assert.ok(fs.existsSync(path.join(dir, "index.html")), `no index.html in ${dir}`);
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A fresh page that records failed loads and script errors. */
async function open(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  // search.js comes from the search stage; a build without it is reported
  // by the search test below, not by every page load.
  const noSearch = !fs.existsSync(path.join(dir, "assets", "search.js"));
  page.on("requestfailed", (r) => {
    if (!(noSearch && r.url().endsWith("/assets/search.js"))) problems.push(`failed: ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  await page.goto(url);
  return { context, page, problems };
}

/** The file a file:// URL names (fragment and query dropped). */
function fileOf(url) {
  const u = new URL(url);
  u.hash = "";
  u.search = "";
  return fileURLToPath(u);
}

/** Asserts the page's URL is a file on disk, not a folder. */
function assertFile(url) {
  assert.match(url, /^file:/, `${url} is not a file URL`);
  const f = fileOf(url);
  assert.ok(fs.existsSync(f) && fs.statSync(f).isFile(), `${url} names no file`);
}

/** Every internal link of the current page names an existing file. */
async function assertLinksResolve(page) {
  const hrefs = await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.href));
  const internal = [...new Set(hrefs.filter((h) => h.startsWith("file:")))];
  for (const h of internal) assertFile(h);
  return internal.length;
}

test("from disk, every link of the landing page names a file", { skip }, async () => {
  const { context, page, problems } = await open(landing);
  assert.ok((await assertLinksResolve(page)) > 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("from disk, a book's navigation leads page to page, with working links on each", { skip }, async () => {
  const { context, page, problems } = await open(landing);
  const card = page.locator(".book-card a[href]").first();
  await Promise.all([page.waitForURL((u) => u.href !== landing), card.click()]);
  assertFile(page.url());
  const navLinks = await page.locator("#sidebar a.nav-link[href]").evaluateAll((as) => as.map((a) => a.href));
  const inSite = [...new Set(navLinks.filter((h) => h.startsWith("file:")).map((h) => h.split("#")[0]))];
  assert.ok(inSite.length >= 2, "the book has navigation entries");
  const tree = await page.locator("#sidebar a.nav-link[href]:not(.nav-extra a)").evaluateAll((as) => as.map((a) => a.href.split("#")[0]));
  for (const h of inSite) {
    // The href the browser resolved from the sidebar, as a click would follow it.
    await page.goto(h);
    assertFile(page.url());
    assert.ok(await page.locator("main h1").count(), `${h} has a heading`);
    // The navigation (shared by the book's pages, drawn by a script) marks
    // each page of the book's tree.
    if (tree.includes(h)) {
      const current = await page.locator("#sidebar a[aria-current=page]").evaluateAll((as) => as.map((a) => a.href));
      assert.ok(current.includes(h), `${h}: the sidebar marks ${current}`);
    }
    await assertLinksResolve(page);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("from disk, Next and Previous walk the book in order", { skip }, async () => {
  const { context, page, problems } = await open(landing);
  await Promise.all([page.waitForURL((u) => u.href !== landing), page.locator(".book-card a[href]").first().click()]);
  const start = page.url();
  const seen = [start];
  for (let i = 0; i < 4; i++) {
    const next = page.locator("a.pager-next");
    if (!(await next.count())) break;
    const title = (await next.locator(".pager-title").textContent()).trim();
    await Promise.all([page.waitForURL((u) => !seen.includes(u.href)), next.click()]);
    assertFile(page.url());
    assert.equal((await page.locator("main h1").first().textContent()).trim().length > 0, true);
    assert.ok((await page.title()).includes(title), `Next leads to "${title}" (got "${await page.title()}")`);
    seen.push(page.url());
  }
  assert.ok(seen.length >= 2, "the book home has a Next link");
  // Previous from the last page reached leads back one step.
  await Promise.all([page.waitForURL(seen[seen.length - 2]), page.locator("a.pager-prev").click()]);
  assert.deepEqual(problems, []);
  await context.close();
});

test("from disk, a glossary term link shows its tooltip and opens the term's page", { skip }, async () => {
  const { context, page, problems } = await open(landing);
  // Find a page with a term link by following the first book's navigation.
  await Promise.all([page.waitForURL((u) => u.href !== landing), page.locator(".book-card a[href]").first().click()]);
  const navLinks = await page.locator("#sidebar a.nav-link[href]").evaluateAll((as) => as.map((a) => a.href.split("#")[0]));
  let found = false;
  for (const h of [page.url(), ...new Set(navLinks)]) {
    await page.goto(h);
    if (await page.locator("main a.term").count()) {
      found = true;
      break;
    }
  }
  if (!found) {
    await context.close();
    assert.fail("no term link in the first book");
  }
  const term = page.locator("main a.term").first();
  // The book's tooltip script loads from disk too.
  const tip = page.locator(`#${await term.getAttribute("aria-describedby")}`);
  assert.equal(await tip.getAttribute("role"), "tooltip");
  await term.hover();
  assert.ok(await tip.isVisible(), "the tooltip shows on hover");
  const name = (await term.evaluate((a) => a.firstChild.textContent)).trim();
  const href = await term.evaluate((a) => a.href);
  await Promise.all([page.waitForURL(href), term.click()]);
  assertFile(page.url());
  assert.match(page.url(), /glossary\/.+index\.html$/);
  const h1 = (await page.locator("main h1").first().textContent()).toLowerCase();
  assert.ok(h1.includes(name.toLowerCase().replace(/s$/, "")) || h1.length > 0, `term page for ${name}`);
  await assertLinksResolve(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test("from disk, the search box finds a page and its result opens", { skip }, async () => {
  if (!fs.existsSync(path.join(dir, "assets", "search.js"))) {
    assert.fail("this build has no browser search (assets/search.js)");
  }
  const { context, page, problems } = await open(landing);
  await Promise.all([page.waitForURL((u) => u.href !== landing), page.locator(".book-card a[href]").first().click()]);
  // Search for a word of the page's own title: it must be found.
  const title = (await page.locator("main h1").first().textContent()).trim();
  const word = title.split(/\W+/).filter((w) => w.length >= 4 && !/^\d/.test(w))[0] || title;
  await page.locator("#search-input").fill(word);
  const first = page.locator("#search-results [role=option]").first();
  await first.waitFor({ state: "visible", timeout: 10_000 });
  const href = await first.evaluate((a) => a.href);
  assertFile(href);
  await Promise.all([page.waitForURL((u) => u.href.split("#")[0] === href.split("#")[0]), first.click()]);
  assertFile(page.url());
  assert.deepEqual(problems, []);
  await context.close();
});
