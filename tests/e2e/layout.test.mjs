// Small screens (issue 14): every page is usable 390 px wide with no
// horizontal scroll of the page itself; wide tables and charts scroll inside
// their own box. Screenshots at 390 px and 1280 px land in tests/artifacts/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot } from "./harness.mjs";

let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s));

const PAGES = [
  ["/?topic=orders&partitions=12&ops=g100s1", "Topics", "topics"],
  ["/partitioning", "Partitioning", "partitioning"],
  ["/groups?topic=orders&partitions=6", "Consumer groups", "groups"],
  ["/offsets?ops=step3", "Offsets & delivery", "offsets"],
  ["/compaction?ops=g:100/10@0,roll@0,clean@0", "Compaction & retention", "compaction"],
  ["/schemas?preset=union-branch", "Schemas", "schemas"],
  ["/planner", "Capacity planner", "planner"],
];

for (const width of [390, 1280]) {
  test(`every page fits ${width} px without scrolling the page sideways`, async () => {
    await page.setViewportSize({ width, height: 900 });
    for (const [path, heading, name] of PAGES) {
      await page.goto(server.url + path);
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => {
        const doc = document.documentElement;
        const wide = [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
          .filter((el) => !el.closest(".scroll-x, table, canvas, pre"))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
      });
      await screenshot(page, `layout-${name}-${width}`);
      assert.ok(
        overflow.scroll <= overflow.client,
        `${path} at ${width} px: page is ${overflow.scroll} px wide (${overflow.wide.join(", ")})`,
      );
    }
    assert.deepEqual(errors, []);
  });
}
