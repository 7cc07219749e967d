// Accessibility of a built site: axe finds no serious or critical problem on
// the landing page, a book page, a glossary term page and the print view, in
// light and dark; the keyboard alone reaches the skip link, the navigation and
// the search box, and Enter follows a link.
//
//   SPECSITE_SITE=../../target/theme-fixture npm test
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { siteDir, launch, serve, axe, blocking, describe, setTheme, discover } from "./helpers.mjs";

const root = siteDir();
if (!root) console.log("# SPECSITE_SITE is not set: skipping the accessibility tests");

let browser, server, pages;

before(async () => {
  if (!root) return;
  server = await serve(root);
  browser = await launch();
  const page = await browser.newPage();
  pages = await discover(page, server.url);
  await page.close();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

for (const theme of ["light", "dark"]) {
  for (const which of ["landing", "page", "glossary", "term", "matrix", "print"]) {
    test(`no serious axe violations: ${which}, ${theme}`, { skip: !root }, async () => {
      const url = pages[which];
      if (!url) {
        assert.fail(`no ${which} page found in the site`);
      }
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await setTheme(context, theme);
      const page = await context.newPage();
      await page.goto(url);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
      const bad = blocking(await axe(page));
      await context.close();
      assert.equal(bad.length, 0, `${url}\n${describe(bad)}`);
    });
  }
}

test("the mobile layout and open drawer have no serious axe violations", { skip: !root }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(pages.page);
  let bad = blocking(await axe(page));
  assert.equal(bad.length, 0, describe(bad));
  await page.click(".menu-button");
  await page.locator("#sidebar").waitFor({ state: "visible" });
  bad = blocking(await axe(page));
  await context.close();
  assert.equal(bad.length, 0, describe(bad));
});

test("keyboard only: skip link, navigation, search box; Enter follows a link", { skip: !root }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(pages.page);

  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => ({ cls: document.activeElement.className, href: document.activeElement.getAttribute("href") }));
  assert.equal(first.href, "#main", "the first Tab stop is the skip link");
  await page.keyboard.press("Enter");
  assert.ok(page.url().endsWith("#main"));
  assert.equal(await page.evaluate(() => document.activeElement.id), "main", "the skip link moves focus to <main>");

  // Walk from the top through the header and the sidebar.
  await page.goto(pages.page);
  const seen = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    seen.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        return { id: el.id, tag: el.tagName, inNav: !!el.closest("#sidebar"), href: el.getAttribute("href"), visible: el.getBoundingClientRect().width > 0 };
      }),
    );
  }
  assert.ok(seen.some((s) => s.id === "search-input"), "Tab reaches the search box");
  const navStops = seen.filter((s) => s.inNav && s.tag === "A");
  assert.ok(navStops.length >= 2, "Tab reaches the navigation links");
  assert.ok(seen.every((s) => s.visible), "every Tab stop is visible");

  // Enter on a navigation link follows it.
  const targetIndex = seen.findIndex((s) => s.inNav && s.tag === "A" && s.href && !s.href.startsWith("#"));
  await page.goto(pages.page);
  for (let i = 0; i <= targetIndex; i++) await page.keyboard.press("Tab");
  const href = await page.evaluate(() => document.activeElement.href);
  await Promise.all([page.waitForURL(href), page.keyboard.press("Enter")]);
  assert.equal(page.url(), href);
  await context.close();
});
