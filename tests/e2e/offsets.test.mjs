// The Offsets & delivery page as a person uses it: pick a commit strategy,
// crash the consumer, run to the end and read the once/duplicate/lost ledger
// from the page; the link reproduces the view; bad links get a clear error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot, intByTestId } from "./harness.mjs";

let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s));

async function waitStatus(status) {
  await page.waitForFunction(
    (s) => document.querySelector('[data-testid="sim-status"]')?.textContent.trim() === s,
    status,
    { timeout: 60_000 },
  );
}

/** Clicks a control and waits until the URL's ops end with `op`. */
async function act(testid, op) {
  await page.getByTestId(testid).click();
  await page.waitForFunction(
    (o) => (new URL(location.href).searchParams.get("ops") ?? "").split(",").at(-1) === o,
    op,
  );
}

async function ledger() {
  return {
    once: await intByTestId(page, "ledger-once"),
    duplicates: await intByTestId(page, "ledger-duplicates"),
    lost: await intByTestId(page, "ledger-lost"),
    produced: await intByTestId(page, "ledger-produced"),
  };
}

test("auto-commit + crash after write: duplicates, nothing lost, the ledger balances", async () => {
  await page.goto(server.url + "/offsets?commit=auto");
  await waitStatus("ready");
  await act("step10", "step10");
  await act("step10", "step20");
  await act("crash-after-write", "crash:after-write");
  await act("run", "run");
  await waitStatus("done");
  const l = await ledger();
  assert.equal(l.produced, 10000);
  assert.ok(l.duplicates > 0, `duplicates ${l.duplicates}`);
  assert.equal(l.lost, 0);
  assert.equal(l.once + l.duplicates + l.lost, l.produced);
  assert.match(await page.getByTestId("ledger-balances").textContent(), /balances/);
  assert.equal(await intByTestId(page, "crash-count"), 1);
  // The describe table is the tool's: header, one row per partition; the
  // consumer has closed, so the group is Empty and every lag is 0.
  const describe = await page.getByTestId("describe-output").textContent();
  assert.match(describe, /Consumer group 'pipeline' has no active members\./);
  assert.match(describe, /GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID/);
  for (let p = 0; p < 3; p++) {
    const hw = await intByTestId(page, `tl-${p}-hw`);
    assert.equal(await intByTestId(page, `tl-${p}-committed`), hw);
    assert.match(describe, new RegExp(`pipeline +events +${p} +${hw} +${hw} +0 +- +- +-`));
  }
  // Reset dry run is allowed now that the group is inactive.
  assert.equal((await page.getByTestId("group-state").textContent()).trim(), "Empty");
  assert.match(await page.getByTestId("reset-dry-run").textContent(), /GROUP +TOPIC +PARTITION +NEW-OFFSET/);
  await screenshot(page, "offsets");

  // The URL reproduces the view after a reload.
  const url = page.url();
  assert.match(url, /commit=auto/);
  assert.match(url, /ops=step20%2Ccrash%3Aafter-write%2Crun|ops=step20,crash:after-write,run/);
  await page.goto(url);
  await waitStatus("done");
  assert.deepEqual(await ledger(), l);
  assert.equal(await page.getByTestId("describe-output").textContent(), describe);
  assert.deepEqual(errors, []);
});

test("commit before processing + crash after commit loses records", async () => {
  await page.goto(server.url + "/offsets");
  await waitStatus("ready");
  await page.getByTestId("set-commit").selectOption("before");
  await page.waitForURL(/commit=before/);
  await waitStatus("ready");
  await act("step10", "step10");
  await act("crash-after-commit", "crash:after-commit");
  await act("run", "run");
  await waitStatus("done");
  const l = await ledger();
  assert.ok(l.lost > 0, `lost ${l.lost}`);
  assert.equal(l.duplicates, 0);
  assert.equal(l.once + l.duplicates + l.lost, l.produced);
  await screenshot(page, "offsets-lost");
  assert.deepEqual(errors, []);
});

test("lag alert mid-run, the reset rule, then play to the end in animation frames", async () => {
  await page.goto(server.url + "/offsets?records=3000&consume=500&warn=100&crit=400&ops=step10");
  await waitStatus("ready");
  // The consumer is slower than the producer: lag is past the thresholds.
  assert.notEqual((await page.getByTestId("lag-alert").textContent()).trim(), "OK");
  // The total is the sum of the per-partition lags the timeline prints.
  let sum = 0;
  for (let p = 0; p < 3; p++) sum += await intByTestId(page, `tl-${p}-lag`);
  assert.equal(await intByTestId(page, "total-lag"), sum);
  // The reset tool refuses while the consumer is running.
  assert.equal((await page.getByTestId("group-state").textContent()).trim(), "Stable");
  assert.match(
    await page.getByTestId("reset-dry-run").textContent(),
    /Assignments can only be reset if the group 'pipeline' is inactive, but the current state is Stable\./,
  );
  await screenshot(page, "offsets-lagging");
  await page.getByTestId("play").click();
  await waitStatus("done");
  await page.waitForURL(/ops=step\d+/);
  assert.ok(!/ops=step10($|&)/.test(page.url()), "play added steps to the link");
  const l = await ledger();
  assert.equal(l.produced, 3000);
  assert.equal(l.once, 3000);
  assert.equal((await page.getByTestId("lag-alert").textContent()).trim(), "OK");
  // Replaying the link gives the same run.
  await page.goto(page.url());
  await waitStatus("done");
  assert.deepEqual(await ledger(), l);
  assert.deepEqual(errors, []);
});

test("retention shorter than worst-case lag loses data", async () => {
  await page.goto(server.url + "/offsets");
  await waitStatus("ready");
  await page.getByTestId("preset-retention").click();
  await waitStatus("done");
  const l = await ledger();
  assert.ok(l.lost > 0, `lost ${l.lost}`);
  assert.ok((await intByTestId(page, "segments-deleted")) > 0);
  assert.ok((await intByTestId(page, "tl-0-log-start")) > 0);
  assert.match(await page.getByTestId("ledger").textContent(), /skipped by offset reset/);
  await screenshot(page, "offsets-retention");
});

test("bad links show an error banner, not a dead page", async () => {
  for (const [q, re] of [
    ["commit=maybe", /commit must be one of/],
    ["ops=step5,crash:sideways", /unknown crash step 'sideways'/],
    ["records=0", /records must be a whole number from 1 to 200000 \(got 0\)/],
    ["partitions=-1", /partitions must be a whole number from 1 to 64 \(got -1\)/],
    ["warn=500&crit=100", /warn < crit/],
  ]) {
    await page.goto(server.url + "/offsets?" + q);
    const banner = page.getByTestId("error-banner");
    await banner.waitFor();
    assert.match(await banner.textContent(), /invalid share link/);
    assert.match(await banner.textContent(), re);
    assert.equal(await page.getByTestId("panic-banner").isHidden(), true);
  }
});
