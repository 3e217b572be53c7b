// Offline after one visit (issue 14): the service worker precaches the build,
// so with the network gone every page still loads, deep links included; a new
// deploy (a new sw.js) is picked up on the next load with a visible notice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DIST, serveDist, launch } from "./harness.mjs";

const AREAS = [
  ["/", "Topics"],
  ["/partitioning", "Partitioning"],
  ["/groups", "Consumer groups"],
  ["/offsets", "Offsets & delivery"],
  ["/compaction", "Compaction & retention"],
  ["/schemas", "Schemas"],
  ["/planner", "Capacity planner"],
];

let server, browser, page, errors;
const overrides = new Map();
before(async () => {
  server = await serveDist(overrides);
  ({ browser, page, errors } = await launch());
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function controlled() {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20_000 });
}

test("after one visit every page loads with the network gone", async () => {
  await page.goto(server.url + "/");
  await page.getByRole("heading", { name: "Topics", exact: true }).waitFor();
  await controlled();
  const manifest = await page.evaluate(() => document.querySelector('link[rel="manifest"]')?.href);
  assert.ok(manifest?.endsWith("/manifest.webmanifest"));

  await page.context().setOffline(true);
  try {
    for (const [path, heading] of AREAS) {
      await page.goto(server.url + path + "?from=offline");
      await page.getByRole("heading", { name: heading, exact: true }).waitFor({ timeout: 10_000 });
    }
    // A deep link with state renders from the cache too.
    await page.goto(server.url + "/?topic=offline&partitions=2");
    await page.getByTestId("partition-1").waitFor();
  } finally {
    await page.context().setOffline(false);
  }
  assert.deepEqual(errors, []);
});

test("a new deploy is picked up on the next load, with a notice", async () => {
  await page.goto(server.url + "/planner");
  await controlled();
  assert.equal(await page.getByTestId("update-notice").isVisible(), false);
  const sw = await readFile(join(DIST, "sw.js"), "utf8");
  const next = sw.replace(/const VERSION = "[^"]*"/, 'const VERSION = "next-deploy"');
  assert.notEqual(next, sw, "sw.js carries its build's version");
  overrides.set("/sw.js", next);
  try {
    await page.reload();
    await page.getByTestId("update-notice").waitFor({ state: "visible", timeout: 20_000 });
    const caches = await page.evaluate(() => window.caches.keys());
    assert.deepEqual(caches, ["kplay-next-deploy"], "the old build's cache is gone");
  } finally {
    overrides.delete("/sw.js");
  }
});
