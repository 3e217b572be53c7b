// The Compaction & retention page as a person uses it: set a small segment.bytes,
// produce updates to 3 keys, run the cleaner, and read what remains from the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot, intByTestId } from "./harness.mjs";

let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s));

const UPDATES = [
  ["k1", "a"],
  ["k2", "a"],
  ["k3", "a"],
  ["k1", "b"],
  ["k2", "b"],
  ["k1", "c"],
];

async function remaining(page) {
  const t = await page.getByTestId("remaining-records").textContent();
  return t.split("\n").map((s) => s.trim()).filter(Boolean);
}

async function waitForCount(page, id, n) {
  await page.waitForFunction(
    ([id, n]) => document.querySelector(`[data-testid="${id}"]`)?.textContent.trim() === String(n),
    [id, n],
  );
}

test("produce updates to 3 keys, run the cleaner, read the remaining records", async () => {
  await page.goto(server.url + "/compaction");
  await page.getByTestId("config-segment.bytes").fill("150");
  await page.getByTestId("apply-configs").click();
  await page.waitForURL(/segment\.bytes=150/);

  for (const [i, [k, v]] of UPDATES.entries()) {
    await page.getByTestId("key").fill(k);
    await page.getByTestId("value").fill(v);
    await page.getByTestId("produce").click();
    await waitForCount(page, "log-end", i + 1);
  }
  const before = await remaining(page);
  assert.deepEqual(
    before,
    UPDATES.map(([k, v], o) => `${o}:${k}=${v}`),
    "before cleaning every update is in the log",
  );
  const activeBase = await intByTestId(page, "active-base");
  assert.ok(activeBase > 0 && activeBase < UPDATES.length, `small segments roll (active base ${activeBase})`);
  // All of the closed segments are dirty: the gauge is above the threshold.
  assert.equal(Number((await page.getByTestId("dirty-ratio").textContent()).trim()), 1);

  // Reference model: latest offset per key among the non-active segments.
  const latest = new Map();
  UPDATES.forEach(([k], o) => {
    if (o < activeBase) latest.set(k, o);
  });
  const expected = UPDATES.map(([k, v], o) => ({ o, k, v }))
    .filter(({ o, k }) => o >= activeBase || latest.get(k) === o)
    .map(({ o, k, v }) => `${o}:${k}=${v}`);
  const removed = UPDATES.map((_, o) => o).filter((o) => !expected.some((e) => e.startsWith(`${o}:`)));
  assert.ok(removed.length > 0, "something is superseded outside the active segment");

  await page.getByTestId("run-cleaner").click();
  // The records that go are highlighted first, then disappear.
  await page.locator(".cell.removing").first().waitFor();
  const highlighted = await page
    .locator(".cell.removing")
    .evaluateAll((els) => els.map((e) => Number(e.dataset.offset)));
  assert.deepEqual(highlighted, removed);
  await page.getByTestId("clean-report").waitFor();

  assert.deepEqual(await remaining(page), expected, "latest per key outside the active segment, offsets kept");
  assert.equal(await intByTestId(page, "report-records-before") - (await intByTestId(page, "report-records-after")), removed.length);
  assert.equal(await intByTestId(page, "report-keys-kept"), new Set(expected.map((e) => e.split(":")[1].split("=")[0])).size);
  assert.equal((await page.getByTestId("report-ratio-after").textContent()).trim(), "0.000");
  assert.equal(await page.locator(".cell.removing").count(), 0);

  for (const [k, v] of [["k1", "c"], ["k2", "b"], ["k3", "a"]]) {
    assert.equal((await page.getByTestId(`table-value-${k}`).textContent()).trim(), v);
  }
  assert.equal(await page.locator('[data-testid^="table-row-"]').count(), 3);

  // The URL reproduces the view.
  const url = page.url();
  assert.match(url, /ops=/);
  assert.match(decodeURIComponent(url), /clean@0/);
  await page.goto(url);
  await page.getByTestId("clean-report").waitFor();
  assert.deepEqual(await remaining(page), expected);
  assert.equal((await page.getByTestId("table-value-k1").textContent()).trim(), "c");

  await screenshot(page, "compaction");
  assert.deepEqual(errors, []);
});

test("a tombstone hides its key and survives delete.retention.ms", async () => {
  await page.goto(server.url + "/compaction?delete.retention.ms=500&ops=p:k1=a@0,p:k2=a@0,p:k1@0,roll@0");
  await waitForCount(page, "log-end", 3);
  assert.equal(await page.locator('[data-testid="segments"] .cell.tombstone').count(), 1);
  await page.getByTestId("run-cleaner").click();
  await page.getByTestId("clean-report").waitFor();
  assert.deepEqual(await remaining(page), ["1:k2=a", "2:k1=null"]);
  assert.equal(await intByTestId(page, "report-tombstones-kept"), 1);
  assert.equal(await page.getByTestId("table-row-k1").count(), 0);
  assert.equal((await page.getByTestId("table-value-k2").textContent()).trim(), "a");
});

test("delete retention drops segments off the head and moves the log start", async () => {
  await page.goto(
    server.url +
      "/compaction?cleanup.policy=delete&segment.bytes=150&retention.ms=100&ops=p:a=1@0,p:b=1@0,p:c=1@0,p:d=1@350&now=400",
  );
  await waitForCount(page, "log-end", 4);
  assert.equal(await intByTestId(page, "log-start"), 0);
  await page.getByTestId("apply-retention").click();
  await page.locator(".seg.deleting").first().waitFor();
  await page.getByTestId("retention-report").waitFor();
  const start = await intByTestId(page, "log-start");
  assert.ok(start > 0, `log start moved (${start})`);
  assert.equal(await intByTestId(page, "retention-log-start-after"), start);
  assert.match(await page.getByTestId("retention-deleted").textContent(), /retention time breach: .*retention\.ms=100/);
  const left = await remaining(page);
  assert.deepEqual(left, ["2:c=1", "3:d=1"], "the segment with a record newer than retention.ms stays");
  assert.equal(start, 2);
  await screenshot(page, "compaction-retention");
  // The cleaner refuses a delete-only topic with Kafka's reason.
  await page.getByTestId("run-cleaner").click();
  await page.waitForFunction(() =>
    /only cleans compacted topics/.test(document.querySelector('[data-testid="error-banner"]')?.textContent ?? ""),
  );
});

test("bad configs and bad links get clear errors in Kafka's words", async () => {
  await page.goto(server.url + "/compaction");
  await page.getByTestId("config-min.cleanable.dirty.ratio").fill("1.5");
  await page.getByTestId("config-error-min.cleanable.dirty.ratio").waitFor();
  await page.getByTestId("apply-configs").click();
  await page.waitForFunction(() =>
    /Invalid value 1\.5 for configuration min\.cleanable\.dirty\.ratio: Value must be no more than 1\.0/.test(
      document.querySelector('[data-testid="error-banner"]')?.textContent ?? "",
    ),
  );

  await page.goto(server.url + "/compaction?ops=p:k1=a@5,roll@2");
  await page.waitForFunction(() =>
    /invalid share link.*time only moves forward/.test(document.querySelector('[data-testid="error-banner"]')?.textContent ?? ""),
  );
  await page.goto(server.url + "/compaction?segment.bytes=10");
  await page.waitForFunction(() =>
    /Invalid value 10 for configuration segment\.bytes: Value must be at least 14/.test(
      document.querySelector('[data-testid="error-banner"]')?.textContent ?? "",
    ),
  );
  assert.equal(await page.getByTestId("config-segment.bytes").inputValue(), "10", "the bad value is shown to fix");
  assert.equal(await page.getByTestId("panic-banner").isHidden(), true);
  await screenshot(page, "compaction-error");
});
