// The Topics page as a person uses it: create a topic, produce 100 records,
// read each partition's size from the page, check bad input gets a clear error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot, intByTestId } from "./harness.mjs";

let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s));

test("create a topic, produce 100 records, read partition sizes", async () => {
  await page.goto(server.url + "/");
  await page.getByTestId("topic-name").fill("orders");
  await page.getByTestId("partitions").fill("4");
  await page.getByTestId("create-topic").click();
  await page.getByTestId("partition-3").waitFor();
  assert.equal(await intByTestId(page, "total-records"), 0);

  await page.getByTestId("generate-count").fill("100");
  await page.getByTestId("generate").click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="total-records"]')?.textContent.trim() === "100",
  );
  let sum = 0;
  for (let p = 0; p < 4; p++) {
    const records = await intByTestId(page, `partition-${p}-records`);
    const leo = await intByTestId(page, `partition-${p}-leo`);
    assert.equal(leo, records, "log end offset = records on a fresh log");
    sum += records;
  }
  assert.equal(sum, 100);

  // One typed record: murmur2("user-42") = 1459644460 (KAFKA.md §1.2), and
  // 1459644460 % 4 = 0, so the Java client puts it on partition 0 of 4.
  const p0Before = await intByTestId(page, "partition-0-records");
  await page.getByTestId("key").fill("user-42");
  await page.getByTestId("value").fill("hello");
  await page.getByTestId("produce-one").click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="total-records"]')?.textContent.trim() === "101",
  );
  assert.equal(await intByTestId(page, "partition-0-records"), p0Before + 1);
  assert.match(await page.getByTestId("partition-0").textContent(), /"user-42" → "hello"/);
  // The view is in the URL: reloading shows the same logs.
  const url = page.url();
  assert.match(url, /topic=orders/);
  assert.match(url, /partitions=4/);
  const before = [];
  for (let p = 0; p < 4; p++) before.push(await intByTestId(page, `partition-${p}-records`));
  await page.goto(url);
  await page.getByTestId("partition-3").waitFor();
  for (let p = 0; p < 4; p++) assert.equal(await intByTestId(page, `partition-${p}-records`), before[p]);

  await screenshot(page, "topics");
  assert.deepEqual(errors, []);
});

test("invalid topic name and zero partitions get Kafka's errors", async () => {
  await page.goto(server.url + "/");
  await page.getByTestId("topic-name").fill("..");
  await page.getByTestId("create-topic").click();
  const banner = page.getByTestId("error-banner");
  await banner.waitFor();
  assert.match(await banner.textContent(), /Topic name is invalid: '\.\.' is not allowed/);

  await page.getByTestId("topic-name").fill("ok-topic");
  await page.getByTestId("partitions").fill("0");
  await page.getByTestId("create-topic").click();
  await page.waitForFunction(() =>
    /INVALID_PARTITIONS/.test(document.querySelector('[data-testid="error-banner"]')?.textContent ?? ""),
  );
  await page.getByTestId("partitions").fill("three");
  await page.getByTestId("create-topic").click();
  await page.waitForFunction(() =>
    /whole number/.test(document.querySelector('[data-testid="error-banner"]')?.textContent ?? ""),
  );
  await screenshot(page, "topics-error");
});

test("a malformed share link shows an error, not a dead page", async () => {
  await page.goto(server.url + "/?topic=orders&ops=g10s1.%25%25");
  const banner = page.getByTestId("error-banner");
  await banner.waitFor();
  assert.match(await banner.textContent(), /invalid share link/);
  assert.equal(await page.getByTestId("panic-banner").isHidden(), true);
});

test("every area has its own URL", async () => {
  for (const [path, id] of [
    ["/partitioning", "nav-partitioning"],
    ["/groups", "nav-groups"],
    ["/offsets", "nav-offsets"],
    ["/compaction", "nav-compaction"],
    ["/planner", "nav-planner"],
  ]) {
    await page.goto(server.url + "/");
    await page.getByTestId(id).click();
    await page.waitForURL(server.url + path);
    assert.equal(await page.getByTestId(id).getAttribute("aria-current"), "page");
  }
});
