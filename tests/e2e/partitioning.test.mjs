// The Partitioning page as a person uses it: a hot-key workload raises the
// skew alarm, a uniform one does not, typed keys show that Java and
// librdkafka disagree, a mitigation changes the bars and the ordering note,
// and the URL reproduces the view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot, intByTestId } from "./harness.mjs";

let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s));

/** Waits until the simulation has processed all `total` records. */
async function waitFinished(total) {
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="sim-progress"]')?.textContent.trim() === `${t} / ${t} records`,
    total,
    { timeout: 60_000 },
  );
}

/** Sets a text field bound to the URL (written on change). */
async function setField(key, value) {
  const input = page.getByTestId(`in-${key}`);
  await input.fill(String(value));
  await input.press("Enter");
}

async function alarm() {
  const el = page.getByTestId("skew-alarm");
  return {
    hot: (await el.getAttribute("data-hot")) === "true",
    text: (await el.textContent()).trim(),
    ratio: Number.parseFloat((await page.getByTestId("skew-ratio").textContent()).trim()),
  };
}

test("a hot key raises the skew alarm, uniform keys do not", async () => {
  await page.goto(server.url + "/partitioning");
  await page.getByTestId("sel-dist").selectOption("hot");
  await setField("hot", 50);
  await page.waitForURL(/hot=50/);
  await setField("records", 20000);
  await page.waitForURL(/records=20000/);
  await waitFinished(20000);
  const hot = await alarm();
  assert.equal(hot.hot, true, hot.text);
  assert.match(hot.text, /HOT/);
  assert.ok(hot.ratio > 2, `ratio ${hot.ratio}`);
  // The hot key tops the list with about half of the records.
  assert.match(await page.getByTestId("top-key-0").textContent(), /key-0/);

  await page.getByTestId("sel-dist").selectOption("uniform");
  await page.waitForURL(/dist=uniform/);
  await waitFinished(20000);
  const uniform = await alarm();
  assert.equal(uniform.hot, false, uniform.text);
  assert.match(uniform.text, /Not hot/);
  assert.doesNotMatch(uniform.text, /HOT/);
  assert.ok(uniform.ratio < 2, `ratio ${uniform.ratio}`);
  assert.deepEqual(errors, []);
});

test("typed keys: Java and librdkafka put TT0124 on different partitions", async () => {
  await page.goto(server.url + "/partitioning");
  await setField("n", 15);
  await page.waitForURL(/n=15/);
  await page.getByTestId("typed-keys").fill("TT0124\nuser-42\norder-1001");
  await page.getByTestId("apply-keys").click();
  await page.getByTestId("kp-0-java").waitFor();
  // KAFKA.md: TT0124 on 15 partitions, Java → 10, librdkafka consistent_random → 9.
  assert.equal(await intByTestId(page, "kp-0-java"), 10);
  assert.equal(await intByTestId(page, "kp-0-consistent_random"), 9);
  assert.equal((await page.getByTestId("kp-0-random").textContent()).trim(), "random");
  // The re-partitioning view now covers the typed keys: 15 → 20 by default.
  assert.match(await page.getByTestId("remap").textContent(), /15 → 20/);
  assert.match(await page.getByTestId("remap").textContent(), /3 distinct typed keys/);
});

test("a mitigation changes the bars and the ordering note; the URL reproduces the view", async () => {
  await page.goto(server.url + "/partitioning?dist=hot&hot=50&records=20000&n=12&k=TT0124");
  await waitFinished(20000);
  const costBefore = (await page.getByTestId("ordering-cost").textContent()).trim();
  const hotBefore = await alarm();
  assert.equal(hotBefore.hot, true);
  const barsBefore = await page.$$eval('[data-testid^="bar-records-"]', (els) => els.map((e) => e.dataset.value));

  await page.getByTestId("sel-m").selectOption("spread");
  await setField("spread", 12);
  await page.waitForURL(/spread=12/);
  await waitFinished(20000);
  const costAfter = (await page.getByTestId("ordering-cost").textContent()).trim();
  assert.notEqual(costAfter, costBefore);
  assert.match(costAfter, /Order is lost for the hot keys/);
  const spread = await alarm();
  assert.equal(spread.hot, false, spread.text);
  assert.match(await page.getByTestId("baseline-ratio").textContent(), /\(hot\)/);
  const barsAfter = await page.$$eval('[data-testid^="bar-records-"]', (els) => els.map((e) => e.dataset.value));
  assert.equal(barsAfter.length, 12);
  assert.notDeepEqual(barsAfter, barsBefore);

  // More partitions: 16 bars, and the hot key still sits on one partition.
  await page.getByTestId("sel-m").selectOption("more");
  await page.waitForURL(/m=more/);
  await waitFinished(20000);
  assert.equal(await page.locator('[data-testid^="bar-records-"]').count(), 16);
  assert.match(await page.getByTestId("ordering-cost").textContent(), /remaps existing keys/);
  assert.equal((await alarm()).hot, true);
  await screenshot(page, "partitioning");

  // Reload the URL: same view.
  const url = page.url();
  const ratio = (await page.getByTestId("skew-ratio").textContent()).trim();
  const bars = await page.$$eval('[data-testid^="bar-records-"]', (els) => els.map((e) => e.dataset.value));
  const moved = (await page.getByTestId("remap-moved").textContent()).trim();
  await page.goto("about:blank");
  await page.goto(url);
  await waitFinished(20000);
  assert.equal((await page.getByTestId("skew-ratio").textContent()).trim(), ratio);
  assert.deepEqual(
    await page.$$eval('[data-testid^="bar-records-"]', (els) => els.map((e) => e.dataset.value)),
    bars,
  );
  assert.equal((await page.getByTestId("remap-moved").textContent()).trim(), moved);
  assert.equal(await page.getByTestId("sel-m").inputValue(), "more");
  assert.equal(await page.getByTestId("typed-keys").inputValue(), "TT0124");
  assert.deepEqual(errors, []);
});

test("bad share links get a clear error banner, not a dead page", async () => {
  for (const [q, re] of [
    ["n=0", /Partitions \(n\) must be between 1 and 1000, got 0/],
    ["records=5000000", /Records \(records\) must be between 1 and 1000000/],
    ["p=crc32", /Invalid value "crc32" for configuration property "partitioner"/],
    ["hot=150", /between 0 and 100/],
    ["n=16&to=12", /INVALID_PARTITIONS/],
  ]) {
    await page.goto(server.url + "/partitioning?" + q);
    const banner = page.getByTestId("error-banner");
    await banner.waitFor();
    assert.match(await banner.textContent(), re, q);
    assert.equal(await page.getByTestId("panic-banner").isHidden(), true);
  }
  await screenshot(page, "partitioning-error");
});

test("a 100k records/s live workload keeps every frame's work short", async () => {
  await page.goto(server.url + "/partitioning?dist=zipf&records=200000&rate=100000");
  await waitFinished(200000);
  await page.getByTestId("play-live").click();
  // Measure animation-frame gaps while the live run plays (~2 s of wall time).
  const gaps = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const out = [];
        let last = performance.now();
        const t0 = last;
        const tick = (t) => {
          out.push(t - last);
          last = t;
          if (t - t0 < 2500) requestAnimationFrame(tick);
          else resolve(out);
        };
        requestAnimationFrame(tick);
      }),
  );
  await waitFinished(200000);
  const work = Number.parseFloat(await page.getByTestId("max-frame-ms").textContent());
  const sorted = gaps.slice(1).sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
  console.log(
    `live 100k records/s: longest frame work ${work.toFixed(1)} ms; frame gaps p50 ${pct(0.5)} p95 ${pct(0.95)} max ${pct(1)} ms over ${gaps.length} frames`,
  );
  // The page budgets 8 ms of work per frame (checked every 256 records); the
  // wall-clock figure also counts time the OS gives other processes, so this
  // only catches a blocking loop (a 200k-record run in one frame takes seconds).
  assert.ok(work < 250, `a frame spent ${work} ms computing`);
  await screenshot(page, "partitioning-live");
});
