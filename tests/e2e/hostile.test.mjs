// Issue 16's hostile and careless input, as a person would meet it: links
// that ask for unbounded work, typed values that look like escapes, repeated
// parameters, and actions made while the cleaner's removal still animates.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot } from "./harness.mjs";

let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s));

/** The page answers: a click lands within `ms` (the main thread is not blocked). */
async function responsive(ms = 2_000) {
  const t0 = Date.now();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  assert.ok(Date.now() - t0 < ms, `main thread blocked for ${Date.now() - t0} ms`);
}

test("links that ask for unbounded work are refused with a clear message", async () => {
  const cases = [
    ["/compaction?ops=" + Array(60).fill("g:200000/100000@0").join(","), /500000/],
    ["/offsets?aci=9223372036854775807&commit=auto-bg&ops=step1", /from 1 to 2147483647/],
    ["/offsets?consume=1e-320&commit=auto-bg&ops=step1", /from 0\.001 to/],
    ["/offsets?produce=1e-320&ops=run", /from 0\.001 to/],
    ["/offsets?consume=1e-320&ops=run", /from 0\.001 to/],
    ["/offsets?ops=step1000000000000000000", /poll cycles/],
    ["/partitioning?rate=1e-320", /from 1 to 10000000/],
  ];
  for (const [path, want] of cases) {
    const t0 = Date.now();
    await page.goto(server.url + path);
    await page.getByTestId("error-banner").waitFor({ timeout: 5_000 });
    assert.match(await page.getByTestId("error-banner").textContent(), want, path);
    assert.ok(Date.now() - t0 < 5_000, `${path} took ${Date.now() - t0} ms`);
    await responsive();
    assert.equal(await page.getByTestId("panic-banner").isVisible(), false, path);
  }
  // A 100 KB value is quoted by a prefix, not echoed whole into the banner.
  await page.goto(server.url + "/offsets?records=" + "9".repeat(100_000));
  const banner = await page.getByTestId("error-banner").textContent();
  assert.ok(banner.length < 500, `banner holds ${banner.length} characters`);
  await screenshot(page, "hostile-long-value");
  assert.deepEqual(errors, []);
});

test("values typed into the compaction and partitioning forms come back as typed", async () => {
  await page.goto(server.url + "/compaction");
  await page.getByTestId("clear-ops").click();
  for (const [k, v] of [["a=b", "100%"], ["%41", ","], ["x@y", "a.b"]]) {
    await page.getByTestId("key").fill(k);
    await page.getByTestId("value").fill(v);
    await page.getByTestId("produce").click();
    await page.getByTestId(`table-value-${k}`).waitFor();
  }
  await page.goto(page.url()); // reload from the URL alone
  for (const [k, v] of [["a=b", "100%"], ["%41", ","], ["x@y", "a.b"]]) {
    const cell = page.getByTestId(`table-value-${k}`);
    await cell.waitFor();
    assert.equal((await cell.textContent()).trim(), v, `key ${k}`);
  }
  assert.equal(await page.getByTestId("error-banner").count(), 0);

  await page.goto(server.url + "/partitioning");
  await page.getByTestId("typed-keys").fill("%41\n%42\na=b\n100%");
  await page.getByTestId("apply-keys").click();
  await page.getByTestId("kp-0-java").waitFor();
  await page.goto(page.url());
  await page.getByTestId("kp-0-java").waitFor();
  assert.equal(await page.getByTestId("typed-keys").inputValue(), "%41\n%42\na=b\n100%");
  assert.deepEqual(errors, []);
});

test("a repeated parameter: the last value wins, and the page says so", async () => {
  await page.goto(server.url + "/?topic=first&partitions=2&topic=second");
  await page.getByTestId("link-notice").waitFor();
  assert.match(await page.getByTestId("link-notice").textContent(), /'topic'/);
  assert.match(await page.getByTestId("topic-title").textContent(), /second/);
  await page.goto(server.url + "/groups?partitions=3&partitions=5");
  await page.getByTestId("link-notice").waitFor();
  assert.equal(await page.getByTestId("partitions").inputValue(), "5");
  await page.goto(server.url + "/groups?partitions=5");
  assert.equal(await page.getByTestId("link-notice").count(), 0);
});

test("an action during the cleaner's removal animation is not undone by it", async () => {
  // Three updates of one key: the cleaner removes two of them (animated ~1 s).
  await page.goto(
    server.url +
      "/compaction?cleanup.policy=compact&segment.bytes=150&min.cleanable.dirty.ratio=0.01&ops=p:k=a@0,p:k=b@0,p:k=c@0,p:k=d@0,roll@0",
  );
  await page.getByTestId("record-count").waitFor();
  assert.equal((await page.getByTestId("record-count").textContent()).trim(), "4");
  await page.getByTestId("run-cleaner").click();
  await page.getByTestId("clear-ops").click(); // within the animation
  await page.waitForTimeout(1_500); // past the animation's end
  assert.doesNotMatch(page.url(), /ops=/, "Clear stays cleared");
  assert.equal((await page.getByTestId("record-count").textContent()).trim(), "0");
  // Produce during the animation: the produced record stays, after the clean.
  await page.goto(
    server.url +
      "/compaction?cleanup.policy=compact&segment.bytes=150&min.cleanable.dirty.ratio=0.01&ops=p:k=a@0,p:k=b@0,p:k=c@0,p:k=d@0,roll@0",
  );
  await page.getByTestId("run-cleaner").click();
  await page.getByTestId("key").fill("late");
  await page.getByTestId("value").fill("kept");
  await page.getByTestId("produce").click();
  await page.waitForTimeout(1_500);
  assert.match(decodeURIComponent(page.url()), /clean@0,p:late=kept@0/);
  await page.getByTestId("table-value-late").waitFor();
  assert.deepEqual(errors, []);
});
