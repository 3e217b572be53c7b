// The app where it is deployed: a GitHub Pages project site lives under
// /<repo>/ on a *.github.io host, with no SPA fallback (a missing path answers
// 404 with the project's 404.html). Both builds are driven as a person would:
// the Pages build (scripts/build.sh --public-url /kplay/ --dist dist-pages)
// served under /kplay/ on kplay-test.github.io (Chromium maps the name to
// 127.0.0.1), and the root build (dist/) served with the same semantics at /.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DIST, DIST_PAGES, servePages, launch, screenshot } from "./harness.mjs";

const AREAS = [
  ["nav-topics", "", "Topics"],
  ["nav-partitioning", "partitioning", "Partitioning"],
  ["nav-groups", "groups", "Consumer groups"],
  ["nav-offsets", "offsets", "Offsets & delivery"],
  ["nav-compaction", "compaction", "Compaction & retention"],
  ["nav-schemas", "schemas", "Schemas"],
  ["nav-planner", "planner", "Capacity planner"],
];

/** One field change per page that writes the URL, and what the URL then holds. */
const CHANGES = {
  "": async (page) => {
    await page.getByTestId("topic-name").fill("orders");
    await page.getByTestId("partitions").fill("3");
    await page.getByTestId("create-topic").click();
    return /partitions=3/;
  },
  partitioning: async (page) => {
    await page.getByTestId("typed-keys").fill("user-1\nuser-2");
    await page.getByTestId("apply-keys").click();
    return /k=user-1/;
  },
  groups: async (page) => {
    await page.getByTestId("partitions").fill("8");
    await page.getByTestId("apply-topics").click();
    return /partitions=8/;
  },
  offsets: async (page) => {
    await page.getByTestId("step").click();
    return /ops=step1/;
  },
  compaction: async (page) => {
    await page.getByTestId("key").fill("k9");
    await page.getByTestId("produce").click();
    return /ops=p%3Ak9/;
  },
  schemas: async (page) => {
    await page.getByTestId("preset-add-default").click();
    return /preset=add-default/;
  },
  planner: async (page) => {
    await page.getByTestId("input-brokers").fill("5");
    await page.getByTestId("input-brokers").press("Tab");
    return /brokers=5/;
  },
};

for (const site of [
  { name: "GitHub Pages project site", dir: DIST_PAGES, base: "/kplay/", host: "kplay-test.github.io" },
  { name: "root site", dir: DIST, base: "/", host: "127.0.0.1" },
]) {
  let server, browser, page, errors, origin;
  const url = (path) => origin + site.base + path;
  const pathname = () => new URL(page.url()).pathname;

  before(async () => {
    server = await servePages(site.dir, site.base);
    origin = `http://${site.host}:${server.port}`;
    ({ browser, page, errors } = await launch({
      args: [`--host-resolver-rules=MAP ${site.host} 127.0.0.1`],
    }));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test(`${site.name}: every navigation link stays under ${site.base}`, async () => {
    await page.goto(url(""));
    await page.getByRole("heading", { name: "Topics", exact: true }).waitFor();
    for (const [testid, path, heading] of AREAS) {
      const href = await page.getByTestId(testid).getAttribute("href");
      assert.equal(href, site.base + path, `${testid} links to ${href}`);
      await page.getByTestId(testid).click();
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      assert.equal(pathname(), site.base + path);
    }
    const outside = server.requests.filter((r) => !r.startsWith(site.base));
    assert.deepEqual(outside, [], "no request left the project site");
    assert.deepEqual(errors, []);
  });

  test(`${site.name}: every page reloads by its URL, and a changed field keeps the base`, async () => {
    for (const [, path, heading] of AREAS) {
      await page.goto(url(path));
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      assert.equal(pathname(), site.base + path, `deep link ${path} lands on itself`);
      const want = await CHANGES[path](page);
      await page.waitForFunction((re) => new RegExp(re).test(location.search), want.source);
      assert.equal(pathname(), site.base + path, `after a change on ${path || "topics"}`);
      // The changed URL is a share link: it reloads to the same state.
      const link = page.url();
      await page.goto(link);
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      assert.match(page.url(), want);
      assert.equal(pathname(), site.base + path);
    }
    if (site.base !== "/") await screenshot(page, "pages-planner-under-base");
    assert.deepEqual(errors.filter((e) => !e.includes("404")), []);
  });

  test(`${site.name}: a share link with typed values opens in a fresh browser as typed`, async () => {
    await page.goto(url(""));
    await page.getByTestId("topic-name").fill("orders");
    await page.getByTestId("partitions").fill("2");
    await page.getByTestId("create-topic").click();
    await page.getByTestId("partition-1").waitFor();
    const typed = [
      ["%41", "a=b"],
      ["100%", ","],
      ["a.b", "x&y=1"],
    ];
    for (const [k, v] of typed) {
      await page.getByTestId("key").fill(k);
      await page.getByTestId("value").fill(v);
      await page.getByTestId("produce-one").click();
    }
    await page.waitForFunction(
      () => document.querySelector('[data-testid="total-records"]')?.textContent.trim() === "3",
    );
    const link = page.url();
    assert.ok(new URL(link).pathname.startsWith(site.base));
    const fresh = await launch({ args: [`--host-resolver-rules=MAP ${site.host} 127.0.0.1`] });
    try {
      await fresh.page.goto(link);
      await fresh.page.getByTestId("partition-1").waitFor();
      const table = await fresh.page.getByTestId("partitions-table").textContent();
      for (const [k, v] of typed) assert.ok(table.includes(`"${k}" → "${v}"`), `${k} → ${v} in ${table}`);
      assert.equal(await fresh.page.getByTestId("error-banner").count(), 0);
      assert.deepEqual(fresh.errors, []);
    } finally {
      await fresh.browser.close();
    }
  });

  test(`${site.name}: an unknown path lands on the app's not-found view without looping`, async () => {
    const before = server.requests.length;
    await page.goto(url("no/such/page?x=1"));
    await page.getByTestId("not-found").waitFor();
    assert.equal(pathname(), site.base + "no/such/page");
    const made = server.requests.slice(before).filter((r) => r.endsWith(".html") || !r.includes("."));
    assert.ok(made.length <= 3, `page requests: ${made.join(" ")}`);
    // A second pass (the app's own index is missing) stops instead of looping.
    // (Where the service worker already runs — a secure origin — it answers
    // the navigation itself with the app, whose router shows not-found.)
    const again = server.requests.length;
    await page.goto(origin + site.base + "missing-again?__path=%2Fx");
    await page.locator('[data-testid="static-not-found"], [data-testid="not-found"]').first().waitFor();
    await page.waitForTimeout(300);
    assert.ok(server.requests.length - again <= 2, server.requests.slice(again).join(" "));
  });

  test(`${site.name}: __path must be a same-origin path`, async () => {
    const before = errors.length;
    await page.goto(url("?__path=//evil.example.com/x"));
    await page.getByRole("heading", { name: "Topics", exact: true }).waitFor();
    assert.equal(new URL(page.url()).host, `${site.host}:${server.port}`);
    assert.equal(pathname(), site.base);
    assert.deepEqual(errors.slice(before), [], "no SecurityError from replaceState");
  });
}
