import { serveDist, launch } from "/work/main/tests/e2e/harness.mjs";
import { readFileSync } from "node:fs";
const css = readFileSync("/tmp/narrow.css", "utf8");
const server = await serveDist();
const { browser, page } = await launch();
await page.setViewportSize({ width: 390, height: 900 });
for (const path of ["/?topic=orders&partitions=12&ops=g100s1", "/partitioning", "/groups?topic=orders&partitions=6", "/offsets?ops=step3", "/compaction?ops=g:100/10@0,roll@0,clean@0", "/planner"]) {
  await page.goto(server.url + path);
  await page.waitForTimeout(1200);
  await page.addStyleTag({ content: css });
  await page.waitForTimeout(200);
  const r = await page.evaluate(() => {
    const doc = document.documentElement;
    const wide = [...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
      .filter((el) => ![...el.parentElement ? [el.parentElement] : []].some(p => getComputedStyle(p).overflowX === "auto"))
      .slice(0, 6).map((el) => `${el.tagName.toLowerCase()}.${el.className}[${Math.round(el.getBoundingClientRect().right)}]`);
    return { scroll: doc.scrollWidth, wide };
  });
  console.log(path, r.scroll, r.wide.join(" "));
  await page.screenshot({ path: `/tmp/n-${path.split("?")[0].replace(/\//g, "_") || "_"}.png`, fullPage: true });
}
await browser.close(); await server.close();
