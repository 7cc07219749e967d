// Screenshots of a built site for design review (not a test):
//   SPECSITE_SITE=../../target/theme-fixture node screenshots.mjs [outdir]
// Writes <outdir>/<page>-<width>-<theme>.png (default ../../target/theme-shots).
import path from "node:path";
import fs from "node:fs";
import { siteDir, launch, serve, setTheme, discover } from "./helpers.mjs";

const root = siteDir();
if (!root) {
  console.log("SPECSITE_SITE is not set");
  process.exit(0);
}
const out = path.resolve(process.argv[2] || "../../target/theme-shots");
fs.mkdirSync(out, { recursive: true });
const server = await serve(root);
const browser = await launch();
const pages = await discover(await browser.newPage(), server.url);
const extra = (process.env.SHOT_PAGES || "").split(",").filter(Boolean);
extra.forEach((p, i) => (pages[`extra${i}`] = new URL(p, server.url).href));
const full = process.env.SHOT_FULL === "1";
for (const theme of ["light", "dark"]) {
  for (const width of [1280, 390]) {
    const context = await browser.newContext({ viewport: { width, height: width > 500 ? 860 : 844 }, deviceScaleFactor: 1, hasTouch: width < 500 });
    await setTheme(context, theme);
    const page = await context.newPage();
    for (const [name, url] of Object.entries(pages)) {
      if (!url) continue;
      await page.goto(url);
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(out, `${name}-${width}-${theme}.png`), fullPage: full });
      if (name === "page" && width < 500) {
        await page.click(".menu-button");
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(out, `drawer-${width}-${theme}.png`) });
      }
    }
    await context.close();
  }
}
await browser.close();
await server.close();
console.log(`screenshots in ${out}`);
