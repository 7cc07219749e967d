// The requirement index of a book (tests/fixtures/requirements/forms, built
// into SPECSITE_REQ_SITE): its level and type filters work with the mouse
// and the keyboard, with and without JavaScript; axe finds no serious
// violation in light and dark; and the search result list keeps a
// requirement's title, its place and the result count apart at 1280 px;
// a local id with a one-digit number (DRS-6) is found first.
//
//   SPECSITE_REQ_SITE=../../target/ci-req-site npm test
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import fs from "node:fs";
import { launch, serve, axe, blocking, describe, setTheme } from "./helpers.mjs";

const dir = process.env.SPECSITE_REQ_SITE ? path.resolve(process.cwd(), process.env.SPECSITE_REQ_SITE) : null;
if (dir && !fs.existsSync(path.join(dir, "reg/requirements/index.html"))) {
  throw new Error(`SPECSITE_REQ_SITE=${dir}: no reg/requirements/index.html`);
}
if (!dir) console.log("# SPECSITE_REQ_SITE is not set: skipping the requirement index tests");

let browser, server;

before(async () => {
  if (!dir) return;
  server = await serve(dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Levels of the visible rows, and the types of the visible groups. */
async function visible(page) {
  return page.evaluate(() => ({
    levels: [...document.querySelectorAll(".req-index tr[data-level]")]
      .filter((tr) => tr.offsetParent !== null)
      .map((tr) => tr.dataset.level),
    types: [...document.querySelectorAll(".req-type")].filter((s) => s.offsetParent !== null).map((s) => s.dataset.type),
  }));
}

for (const js of [true, false]) {
  test(`filters by level and type with the mouse (JavaScript ${js ? "on" : "off"})`, { skip: !dir }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: js });
    const page = await context.newPage();
    await page.goto(`${server.url}reg/requirements/`);
    let v = await visible(page);
    assert.equal(v.levels.length, 26);
    await page.click('label[for="req-level-optional"]');
    v = await visible(page);
    assert.deepEqual(v.levels, ["OPTIONAL", "OPTIONAL", "OPTIONAL", "OPTIONAL"]);
    await page.click('label[for="req-type-functional"]');
    v = await visible(page);
    assert.deepEqual(v.types, ["functional"]);
    assert.equal(v.levels.length, 3);
    await page.click('label[for="req-level-all"]');
    await page.click('label[for="req-type-all"]');
    v = await visible(page);
    assert.equal(v.levels.length, 26);
    assert.equal(v.types.length, 4);
    await context.close();
  });
}

test("filters by level and type with the keyboard", { skip: !dir }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}reg/requirements/`);
  // Tab into the level group: its checked radio takes the focus.
  let id = "";
  for (let i = 0; i < 60 && id !== "req-level-all"; i++) {
    await page.keyboard.press("Tab");
    id = await page.evaluate(() => document.activeElement.id);
  }
  assert.equal(id, "req-level-all", "Tab reaches the level filter");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), "req-level-required");
  let v = await visible(page);
  assert.ok(v.levels.length === 17 && v.levels.every((l) => l === "REQUIRED"), JSON.stringify(v));
  // On to the type group; the second type is functional.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "req-type-all");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), "req-type-functional");
  v = await visible(page);
  assert.deepEqual(v.types, ["functional"]);
  assert.equal(v.levels.length, 9);
  await context.close();
});

for (const theme of ["light", "dark"]) {
  for (const url of ["reg/requirements/", "requirements/", "reg/5-cross-cutting-requirements/"]) {
    test(`no serious axe violations: ${url}, ${theme}`, { skip: !dir }, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await setTheme(context, theme);
      const page = await context.newPage();
      await page.goto(`${server.url}${url}`);
      const bad = blocking(await axe(page));
      await context.close();
      assert.equal(bad.length, 0, `${url}\n${describe(bad)}`);
    });
  }
}

test("search finds a requirement by its id; title, place and count stay apart at 1280 px", { skip: !dir }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}reg/`);
  await page.fill("#search-input", "reg#req-17");
  await page.locator("#search-results [role=option]").first().waitFor();
  const first = page.locator("#search-results [role=option]").first();
  assert.match(await first.getAttribute("class"), /search-requirement/);
  assert.match(await first.getAttribute("href"), /6-functional-requirements\/#req-reg-req-17$/);
  const title = await first.locator(".search-title").boundingBox();
  const where = await first.locator(".search-book").boundingBox();
  assert.ok(where.y >= title.y + title.height - 1, "the place is on a line below the title");
  const status = await page.locator("#search-status").boundingBox();
  const lineHeight = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById("search-status")).fontSize) * 2);
  assert.ok(status.height <= lineHeight, `the count is on one line (${status.height}px)`);
  const header = await page.locator(".site-search").boundingBox();
  assert.ok(status.x + status.width <= header.x + header.width + 1, "the count stays inside the search box");
  assert.ok(status.y >= header.y - 1 && status.y + status.height <= header.y + header.height + 1, "the count stays within the header row");
  await context.close();
});

test("search finds a local id with a one-digit number first", { skip: !dir }, async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}reg/`);
  await page.fill("#search-input", "DRS-6");
  await page.locator("#search-results [role=option]").first().waitFor();
  const first = page.locator("#search-results [role=option]").first();
  assert.match(await first.getAttribute("href"), /6-functional-requirements\/#req-drs-6$/);
  await page.close();
});
