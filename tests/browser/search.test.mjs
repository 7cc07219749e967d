// Browser search, in headless Chromium, from file:// and over http.
//
// Real builds: $SPECSITE_SITE and $SPECSITE_OFFLINE_SITE (the demo, as .ci/run
// builds it with the real pipeline) get the tests at the end of this file.
//
// Fixture site: $SPECSITE_SEARCH_SITE, default <crate>/target/search-fixture (written
// by `cargo test --test search_browser_fixture`, built here when missing). It must
// hold the fixture content: terms "Consent Agreement" (alias CA) and "Registry", a
// page titled `<img src=x onerror=alert(1)>` containing "xssprobe".
// The byte budget check runs on $SPECSITE_CORPUS_SITE, default
// <crate>/target/search-corpus-site (written by `cargo test --test search_corpus`),
// and is skipped when that folder is absent.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const crate = path.resolve(here, "../..");
const SITE = process.env.SPECSITE_SEARCH_SITE || path.join(crate, "target/search-fixture");
const DEMO_SITE = process.env.SPECSITE_SITE;
const DEMO_OFFLINE = process.env.SPECSITE_OFFLINE_SITE;
const OFFLINE_SITE = path.join(crate, "target/search-fixture-offline");
const CORPUS_SITE = process.env.SPECSITE_CORPUS_SITE || path.join(crate, "target/search-corpus-site");
const BUDGET = 60_000;

let browser;
const servers = [];

function serve(dir) {
  const served = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!existsSync(file)) return res.writeHead(404).end("not found");
    const body = readFileSync(file);
    const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream";
    served.push({ path: url.pathname, bytes: body.length });
    res.writeHead(200, { "content-type": type, "content-length": body.length }).end(body);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ base: `http://127.0.0.1:${server.address().port}`, served })));
}

before(async () => {
  if (!process.env.SPECSITE_SEARCH_SITE && (!existsSync(SITE) || !existsSync(OFFLINE_SITE))) {
    execFileSync("cargo", ["test", "--test", "search_browser_fixture"], { cwd: crate, stdio: "inherit" });
  }
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.close();
});

async function openPage(url) {
  const page = await browser.newPage();
  const events = { dialogs: [], errors: [], requests: [] };
  page.on("dialog", (d) => { events.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("pageerror", (e) => events.errors.push(String(e)));
  page.on("request", (r) => events.requests.push({ url: r.url(), type: r.resourceType() }));
  await page.goto(url);
  return { page, events };
}

async function query(page, text) {
  if (await page.inputValue("#search-input")) {
    await page.fill("#search-input", "");
    await page.waitForFunction(() => document.getElementById("search-results").getAttribute("data-query") === "");
  }
  await page.type("#search-input", text);
  // search.js marks the results container with the query it rendered.
  await page.waitForFunction(
    (t) => document.getElementById("search-results").getAttribute("data-query") === t,
    text, { timeout: 10000 },
  );
  return page.$$eval("#search-results [role=option]", (els) => els.map((e) => ({
    card: e.classList.contains("search-card"),
    title: e.querySelector(".search-title")?.textContent,
    text: e.textContent,
    href: e.getAttribute("href"),
  })));
}

test("from file://: a term query shows its definition card first, then results", async () => {
  const { page, events } = await openPage(pathToFileURL(path.join(SITE, "index.html")).href);
  const results = await query(page, "consent agreement");
  assert.ok(results.length >= 2, JSON.stringify(results));
  assert.equal(results[0].card, true);
  assert.equal(results[0].title, "Consent Agreement");
  assert.match(results[0].text, /agreement between an individual/);
  assert.ok(results.some((r) => r.title === "Signing the agreement"));
  assert.equal(await page.getAttribute("#search-results", "hidden"), null);
  // Only scripts were loaded: no fetch or XHR (they fail on file://).
  assert.deepEqual([...new Set(events.requests.map((r) => r.type))].sort(), ["document", "script"]);
  assert.deepEqual(events.errors, []);
  await page.close();
});

test("an abbreviation shows its term's definition card", async () => {
  const { page } = await openPage(pathToFileURL(path.join(SITE, "index.html")).href);
  const results = await query(page, "CA");
  assert.equal(results[0]?.card, true, JSON.stringify(results));
  assert.equal(results[0].title, "Consent Agreement");
  await page.close();
});

test("over http: a typo finds Registry, diacritics fold, prefixes match", async () => {
  const { base } = await serve(SITE);
  const { page, events } = await openPage(`${base}/registries/data-model/`);
  let results = await query(page, "regstry");
  assert.ok(results.length > 0);
  assert.equal(results[0].title, "Registry", JSON.stringify(results));
  assert.equal(results[0].href, "../../glossary/registry/");
  results = await query(page, "creme brulee");
  assert.equal(results[0]?.title, "Café reçu");
  results = await query(page, "cafe");
  assert.equal(results[0]?.title, "Café reçu");
  results = await query(page, "diacrit");
  assert.equal(results[0]?.title, "Café reçu");
  assert.deepEqual(events.errors, []);
  await page.close();
});

test("content strings are escaped: an XSS title is shown as text", async () => {
  const { page, events } = await openPage(pathToFileURL(path.join(SITE, "index.html")).href);
  const results = await query(page, "xssprobe");
  assert.equal(results.length, 1);
  assert.equal(results[0].title, "<img src=x onerror=alert(1)>");
  assert.match(results[0].text, /<script>alert\(2\)<\/script>/);
  assert.equal(await page.$$eval("#search-results img, #search-results script", (e) => e.length), 0);
  await page.waitForTimeout(200);
  assert.deepEqual(events.dialogs, []);
  await page.close();
});

test("keyboard: / focuses, arrows move, Enter follows, Escape closes", async () => {
  const { base } = await serve(SITE);
  const { page } = await openPage(`${base}/`);
  await page.click("main h1");
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
  const results = await query(page, "registry");
  assert.ok(results.length >= 3, JSON.stringify(results));
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const selected = await page.$$eval("#search-results [role=option]", (els) => els.map((e) => e.getAttribute("aria-selected")));
  assert.equal(selected[1], "true");
  assert.equal(await page.getAttribute("#search-input", "aria-activedescendant"), "search-opt-1");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Escape");
  assert.equal(await page.getAttribute("#search-results", "hidden"), "");
  assert.equal(await page.getAttribute("#search-input", "aria-expanded"), "false");
  await query(page, "registry");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await Promise.all([page.waitForURL(new URL(results[1].href, `${base}/`).href), page.keyboard.press("Enter")]);
  await page.close();
});

test("offline sites link to index.html", async () => {
  const { page } = await openPage(pathToFileURL(path.join(OFFLINE_SITE, "index.html")).href);
  const results = await query(page, "registry");
  assert.ok(results.length > 0);
  for (const r of results) assert.match(r.href, /index\.html(#|$)/, r.href);
  await Promise.all([page.waitForURL(/glossary\/registry\/index\.html$/), page.click("#search-results [role=option]")]);
  await page.close();
});

test("corpus: each acceptance query downloads at most 60 kB", { skip: !existsSync(CORPUS_SITE) && "no corpus site" }, async () => {
  const { base, served } = await serve(CORPUS_SITE);
  const report = [];
  const checks = [];
  for (const q of ["registry", "consent", "authentication", "payment", "workflow", "consent agreement", "regstry"]) {
    const { page } = await openPage(`${base}/`);
    const results = await query(page, q);
    assert.ok(results.length > 0, q);
    const js = served.filter((s) => s.path.endsWith(".js"));
    const bytes = js.reduce((a, s) => a + s.bytes, 0);
    report.push(`${q}: ${bytes} B in ${js.length} files (first: ${results[0].card ? "card " : ""}${results[0].title})`);
    if (q === "consent agreement") checks.push([results[0].card && results[0].title, "Consent Agreement"]);
    else if (q === "regstry") checks.push([results[0].title, "Registry"]);
    else checks.push([bytes <= BUDGET, true, `${q}: ${bytes} B`]);
    served.length = 0;
    await page.close();
  }
  console.log(report.join("\n"));
  for (const [actual, expected, msg] of checks) assert.equal(actual, expected, msg);
});

test("the open results pass axe's accessibility rules", async () => {
  const { page } = await openPage(pathToFileURL(path.join(SITE, "index.html")).href);
  await query(page, "consent agreement");
  await page.addScriptTag({ path: path.join(here, "node_modules/axe-core/axe.min.js") });
  const result = await page.evaluate(() => window.axe.run("form[role=search]"));
  const violations = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(violations, []);
  await page.close();
});

// The demo site built by the real pipeline: the glossary's "Building Block"
// (abbreviation BB) answers with its definition card, from disk and over http.
test("real build from file://: an abbreviation shows the common term's card", { skip: !DEMO_OFFLINE && "SPECSITE_OFFLINE_SITE is not set" }, async () => {
  const { page, events } = await openPage(pathToFileURL(path.join(DEMO_OFFLINE, "index.html")).href);
  const results = await query(page, "BB");
  assert.equal(results[0]?.card, true, JSON.stringify(results));
  assert.equal(results[0].title, "Building Block");
  assert.deepEqual(events.errors, []);
  // Result links name index.html so they open from disk.
  const links = await query(page, "registry");
  assert.ok(links.some((r) => !r.card && r.href && r.href.includes("index.html")), JSON.stringify(links));
  await page.close();
});

test("real build over http: a section result opens its page", { skip: !DEMO_SITE && "SPECSITE_SITE is not set" }, async () => {
  const { base } = await serve(DEMO_SITE);
  const { page } = await openPage(`${base}/`);
  const results = await query(page, "service registry");
  const hit = results.find((r) => !r.card && r.href);
  assert.ok(hit, JSON.stringify(results));
  await Promise.all([page.waitForNavigation(), page.click(`#search-results [href="${hit.href}"]`)]);
  assert.notEqual(new URL(page.url()).pathname, "/");
  await page.close();
});

test("real build: a page that is only read loads no search code; the box loads it when first used", { skip: !DEMO_SITE && "SPECSITE_SITE is not set" }, async () => {
  const { base, served } = await serve(DEMO_SITE);
  const { page, events } = await openPage(`${base}/`);
  await page.waitForLoadState("load");
  const searchCode = () => served.filter((s) => s.path.endsWith("/assets/search.js")).length;
  assert.equal(searchCode(), 0, "search.js is not part of a page load");
  assert.equal(served.filter((s) => s.path.includes("/search/")).length, 0, "nor is the index");
  const results = await query(page, "registry");
  assert.ok(results.length > 0);
  assert.equal(searchCode(), 1, "loaded once, when the box was used");
  // Typed again: nothing is loaded twice.
  await query(page, "consent");
  assert.equal(searchCode(), 1);
  assert.deepEqual(events.errors, []);
  await page.close();
});
