// Shared helpers for the browser tests: Debian's chromium through
// playwright-core, a static file server for a built site, and axe-core.
import { chromium } from "playwright-core";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Path of a built site from env `SPECSITE_SITE`, or null (tests then skip). */
export function siteDir() {
  const dir = process.env.SPECSITE_SITE;
  if (!dir) return null;
  const abs = path.resolve(process.cwd(), dir);
  if (!fs.existsSync(path.join(abs, "index.html"))) {
    throw new Error(`SPECSITE_SITE=${dir}: no index.html in ${abs}`);
  }
  return abs;
}

/** Launches the system chromium, headless, with no network chatter. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".md": "text/markdown; charset=utf-8",
};

/** Serves `root` on 127.0.0.1 (random port) like a static host: folders
 * serve their index.html, unknown paths get /404.html with status 404.
 * Resolves to { url, close }. */
export function serve(root) {
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, rel);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!rel.endsWith("/")) {
        res.writeHead(301, { Location: rel + "/" }).end();
        return;
      }
      file = path.join(file, "index.html");
    }
    let status = 200;
    if (!fs.existsSync(file)) {
      status = 404;
      file = path.join(root, "404.html");
      if (!fs.existsSync(file)) {
        res.writeHead(404).end("not found");
        return;
      }
    }
    res.writeHead(status, { "Content-Type": TYPES[path.extname(file).toLowerCase()] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

const AXE = fs.readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** Runs axe on the page (WCAG 2.x A/AA rules plus best practices);
 * resolves to its violations. */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    await page.addScriptTag({ content: AXE });
  }
  const result = await page.evaluate(async () => {
    return window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
  });
  return result.violations;
}

/** The violations that block: impact serious or critical. */
export function blocking(violations) {
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** A readable report of violations, one line per node. */
export function describe(violations) {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")} ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`).join("\n"))
    .join("\n");
}

/** Sets the colour theme before any script runs (as a stored preference). */
export async function setTheme(context, theme) {
  await context.addInitScript((t) => {
    try {
      localStorage.setItem("specsite-theme", t);
    } catch {}
  }, theme);
}

/** Finds the pages to test by following links from the landing page, so any
 * built site works: a book page, a glossary term page and a print view. */
export async function discover(page, base) {
  await page.goto(base);
  const abs = (href) => (href ? new URL(href, page.url()).href : null);
  const cards = page.locator(".book-card a[href]");
  const bookLink = (await cards.count()) ? cards.first() : page.locator("main a[href]").filter({ hasNotText: /glossary|search/i }).first();
  const bookHref = abs(await bookLink.getAttribute("href"));
  const glossaryHref = abs(await page.locator("#sidebar a", { hasText: /^Glossary$/ }).first().getAttribute("href"));
  await page.goto(bookHref);
  // A content page deeper than the book home, when there is one.
  const navLinks = await page.locator("#sidebar a.nav-link[href]").evaluateAll((as) => as.map((a) => a.href));
  // Of the first few, the page with the most content exercises the most components.
  const candidates = [...new Set(navLinks.map((h) => h.split("#")[0]))].filter((h) => h.startsWith(base) && !/glossary|print/.test(h)).slice(0, 12);
  let bookPage = bookHref;
  let biggest = -1;
  for (const h of candidates) {
    const size = (await (await fetch(h)).text()).length;
    if (size > biggest) [bookPage, biggest] = [h, size];
  }
  const printLink = page.locator("a", { hasText: /^Print/ }).first();
  const printHref = (await printLink.count()) ? abs(await printLink.getAttribute("href")) : null;
  // A page with tabs (GitBook's tabs block), from any book's navigation.
  const bookHrefs = [...new Set([bookHref, ...(await (async () => {
    await page.goto(base);
    return (await page.locator(".book-card a[href]").evaluateAll((as) => as.map((a) => a.href)));
  })())])];
  let tabsHref = null;
  for (const b of bookHrefs) {
    if (tabsHref) break;
    await page.goto(b);
    const links = await page.locator("#sidebar a.nav-link[href]").evaluateAll((as) => as.map((a) => a.href.split("#")[0]));
    for (const h of [...new Set(links)].filter((h) => h.startsWith(base) && !/glossary|print/.test(h))) {
      if ((await (await fetch(h)).text()).includes('class="tabs"')) {
        tabsHref = h;
        break;
      }
    }
  }
  await page.goto(glossaryHref);
  const termHrefs = await page.locator("main a[href]").evaluateAll((as) => as.map((a) => a.href));
  const glossaryUrl = page.url();
  const inGlossary = termHrefs.filter((h) => h.startsWith(glossaryUrl) && h !== glossaryUrl && !h.includes("#"));
  const termHref = inGlossary.find((h) => !/\/matrix\/(index\.html)?$/.test(h)) || null;
  const matrixHref = inGlossary.find((h) => /\/matrix\/(index\.html)?$/.test(h)) || null;
  return { landing: base, page: bookPage, glossary: glossaryHref, term: termHref, print: printHref, matrix: matrixHref, tabs: tabsHref };
}
