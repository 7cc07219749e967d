// Behaviour of the default theme in a real browser: the theme toggle, the
// navigation drawer (with and without JS), tabs, term tooltips, the TOC
// highlight and heading links.
//
//   SPECSITE_SITE=../../target/theme-fixture npm test
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { siteDir, launch, serve, discover } from "./helpers.mjs";

const root = siteDir();
if (!root) console.log("# SPECSITE_SITE is not set: skipping the theme behaviour tests");

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

async function open(url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  return { context, page, errors };
}

test("the theme toggle switches to dark, persists across pages, and follows the system by default", { skip: !root }, async () => {
  const { context, page, errors } = await open(pages.page, { colorScheme: "dark" });
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  assert.equal(await theme(), "dark", "no stored choice: the system preference");
  await page.click(".theme-toggle");
  assert.equal(await theme(), "light");
  assert.equal(await page.getAttribute(".theme-toggle", "aria-pressed"), "false");
  await page.goto(pages.landing);
  assert.equal(await theme(), "light", "the choice is kept");
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(255, 255, 255)");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the mobile drawer opens with a button that reports aria-expanded and closes on Escape", { skip: !root }, async () => {
  const { context, page, errors } = await open(pages.page, { viewport: { width: 390, height: 844 } });
  const sidebar = page.locator("#sidebar");
  assert.equal(await sidebar.isVisible(), false);
  const button = page.locator("button.menu-button");
  assert.equal(await button.getAttribute("aria-expanded"), "false");
  await button.click();
  await sidebar.waitFor({ state: "visible" });
  assert.equal(await button.getAttribute("aria-expanded"), "true");
  assert.ok(await page.evaluate(() => document.activeElement.closest("#sidebar") !== null), "focus moves into the drawer");
  await page.keyboard.press("Escape");
  await sidebar.waitFor({ state: "hidden" });
  assert.equal(await button.getAttribute("aria-expanded"), "false");
  assert.deepEqual(errors, []);
  await context.close();
});

test("without JavaScript the drawer still opens, and content, nav and tabs are all readable", { skip: !root }, async () => {
  const { context, page } = await open(pages.page, { viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  const sidebar = page.locator("#sidebar");
  assert.equal(await sidebar.isVisible(), false);
  await page.click("body > header > label[for=nav-drawer]");
  await sidebar.waitFor({ state: "visible" });
  assert.ok(await page.locator("#sidebar a[aria-current=page]").isVisible());
  // Stacked tab panels are all visible without JS.
  assert.ok(pages.tabs, "the site has a page with tabs");
  await page.goto(pages.tabs);
  const panels = page.locator(".tabs .tab-panel");
  assert.ok((await panels.count()) >= 2);
  for (let i = 0; i < (await panels.count()); i++) assert.ok(await panels.nth(i).isVisible());
  await page.goto(pages.page);
  assert.equal(await page.locator(".theme-toggle").isVisible(), false, "no dead toggle without JS");
  assert.equal(await page.locator("#search-input").count(), 0, "no dead search box without JS");
  // A term link is a plain link to its term page, with no tooltip text in it.
  const terms = page.locator("main a.term");
  for (let i = 0; i < (await terms.count()); i++) {
    assert.equal(await terms.nth(i).evaluate((a) => a.children.length), 0);
    assert.match(await terms.nth(i).getAttribute("href"), /glossary\//);
  }
  await context.close();
});

test("the book navigation marks the page being read, opens the branches above it, and links within the site", { skip: !root }, async () => {
  const { context, page, errors } = await open(pages.page);
  const current = page.locator("#sidebar a[aria-current=page]");
  assert.ok((await current.count()) >= 1, "the page is marked");
  assert.equal(await current.first().evaluate((a) => a.href.split("#")[0]), page.url().split("#")[0]);
  const closed = await current.first().evaluate((a) => {
    let n = 0;
    for (let d = a.closest("details"); d; d = d.parentElement.closest("details")) if (!d.open) n++;
    return n;
  });
  assert.equal(closed, 0, "every branch above the page is open");
  assert.ok(await current.first().evaluate((a) => a.closest("li.nav-item").classList.contains("is-current")));
  const hrefs = await page.locator("#sidebar a.nav-link[href]").evaluateAll((as) => as.filter((a) => !a.rel).map((a) => a.href));
  assert.ok(hrefs.length >= 2);
  for (const h of hrefs) assert.ok(h.startsWith(server.url), `${h} stays in the site`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("on a term page the sidebar marks the glossary as the section being read", { skip: !root }, async () => {
  const { context, page, errors } = await open(pages.term);
  const marked = page.locator("#sidebar a[aria-current]");
  assert.equal(await marked.count(), 1);
  assert.equal(await marked.getAttribute("aria-current"), "true", "a section, not the page itself");
  assert.equal(await marked.evaluate((a) => a.href), pages.glossary);
  assert.deepEqual(errors, []);
  await context.close();
});

test("without JavaScript a page leads to its book's contents, which list it", { skip: !root }, async () => {
  const { context, page } = await open(pages.page, { javaScriptEnabled: false });
  const toc = page.locator("#sidebar a", { hasText: "Table of contents" });
  if (!(await toc.count())) {
    await context.close();
    assert.fail("the page is its book's home, which lists every page itself");
  }
  assert.ok(await page.locator("#sidebar a[aria-current=page]").isVisible(), "the page itself is marked");
  await Promise.all([page.waitForNavigation(), toc.click()]);
  const listed = await page.locator("#sidebar a.nav-link[href]").evaluateAll((as) => as.map((a) => a.href.split("#")[0]));
  assert.ok(listed.includes(pages.page.split("#")[0]), `${pages.page} is in ${listed}`);
  await context.close();
});

test("tabs: arrow keys move between tabs with a roving tabindex", { skip: !root }, async () => {
  assert.ok(pages.tabs, "the site has a page with tabs (the demo's notifications/4-channels/email)");
  const { context, page, errors } = await open(pages.tabs);
  const tabs = page.locator(".tabs").first().locator("[role=tab]");
  const n = await tabs.count();
  assert.ok(n >= 2);
  assert.equal(await tabs.nth(0).getAttribute("aria-selected"), "true");
  assert.equal(await tabs.nth(1).getAttribute("tabindex"), "-1");
  const panelOf = async (i) => page.locator(`#${await tabs.nth(i).getAttribute("aria-controls")}`);
  assert.ok(await (await panelOf(0)).isVisible());
  assert.equal(await (await panelOf(1)).isVisible(), false);
  await tabs.nth(0).focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-selected")), "true");
  assert.equal(await tabs.nth(1).getAttribute("tabindex"), "0");
  assert.equal(await tabs.nth(0).getAttribute("tabindex"), "-1");
  assert.ok(await (await panelOf(1)).isVisible());
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await tabs.nth(n - 1).getAttribute("aria-selected"), "true", "ArrowLeft wraps to the last tab");
  await page.keyboard.press("Home");
  assert.equal(await tabs.nth(0).getAttribute("aria-selected"), "true");
  assert.deepEqual(errors, []);
  await context.close();
});

test("term tooltips show on hover and keyboard focus, hide on Escape", { skip: !root }, async () => {
  const { context, page } = await open(pages.page);
  const terms = page.locator("a.term");
  if (!(await terms.count())) {
    await context.close();
    assert.fail("no term links on the page");
  }
  // The page's HTML carries no tooltip text: the definitions come from the
  // book's assets/terms/<book>.js, and every term link gets its tip.
  const html = await (await fetch(pages.page)).text();
  assert.ok(!html.includes("term-tip"), "no tooltip in the markup");
  assert.match(html, /<script defer src="[^"]*assets\/terms\/[^"]+\.js"><\/script>/);
  assert.equal(await page.locator("a.term:not([aria-describedby])").count(), 0, "every term link has its tip");
  for (let i = 0; i < (await terms.count()); i++) {
    const term = terms.nth(i);
    const tip = page.locator(`#${await term.getAttribute("aria-describedby")}`);
    assert.equal(await tip.getAttribute("role"), "tooltip");
    assert.ok((await tip.textContent()).trim().length > 0, "the tip holds the definition");
    assert.equal(await tip.isVisible(), false);
    await term.hover();
    assert.ok(await tip.isVisible(), "visible on hover");
    await page.mouse.move(0, 0);
    await term.focus();
    await page.evaluate(() => document.activeElement.blur());
    // Keyboard focus (focus-visible needs a key press).
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await term.evaluate((el) => el === document.activeElement || el.focus());
    assert.ok(await tip.isVisible(), "visible on keyboard focus");
    await page.keyboard.press("Escape");
    assert.equal(await tip.isVisible(), false, "Escape hides it");
  }
  await context.close();
});

test("on touch, the first tap on a term shows its tip and the second follows the link", { skip: !root }, async () => {
  const { context, page } = await open(pages.page, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const term = page.locator("a.term").first();
  if (!(await term.count())) {
    await context.close();
    assert.fail("no term links on the page");
  }
  const href = await term.evaluate((a) => a.href);
  const before = page.url();
  await term.tap();
  await page.waitForTimeout(200);
  assert.equal(page.url(), before, "first tap stays");
  assert.ok(await page.locator(".term.tip-open .term-tip, .term.tip-open + .term-tip").first().isVisible());
  await Promise.all([page.waitForURL(href), term.tap()]);
  assert.equal(page.url(), href);
  await context.close();
});

test("the TOC marks the section being read, and headings get copy-link buttons", { skip: !root }, async () => {
  const { context, page } = await open(pages.page);
  const links = page.locator(".toc a");
  if ((await links.count()) < 2) {
    await context.close();
    assert.fail("no on-page TOC");
  }
  const last = links.last();
  const id = (await last.getAttribute("href")).slice(1);
  await page.evaluate((id) => document.getElementById(decodeURIComponent(id)).scrollIntoView(), id);
  await page.waitForFunction(() => document.querySelector(".toc a.is-active"));
  const active = await page.locator(".toc a.is-active").getAttribute("href");
  const order = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(order.indexOf(active) >= order.length - 2, `the active entry ${active} is near the end`);

  const buttons = page.locator(".doc-body .heading-link");
  assert.ok((await buttons.count()) >= 1);
  const label = await buttons.first().getAttribute("aria-label");
  assert.match(label, /^Copy link to section: /);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await buttons.first().click();
  assert.match(page.url(), /#.+/);
  await context.close();
});

test("at 390px wide no page scrolls sideways", { skip: !root }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  for (const url of Object.values(pages).filter(Boolean)) {
    await page.goto(url);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${url} is ${width}px wide`);
  }
  await context.close();
});

test("a term tooltip stays inside a narrow viewport", { skip: !root }, async () => {
  const { context, page } = await open(pages.page, { viewport: { width: 390, height: 844 } });
  const terms = page.locator("a.term");
  if (!(await terms.count())) {
    await context.close();
    assert.fail("no term links on the page");
  }
  for (let i = 0; i < (await terms.count()); i++) {
    const term = terms.nth(i);
    await term.hover();
    const tip = page.locator(`#${await term.getAttribute("aria-describedby")}`);
    await page.waitForTimeout(50);
    const box = await tip.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `tip ${i} at ${box.x}..${box.x + box.width}`);
  }
  await context.close();
});
