// The Consumer groups page as a person uses it: add consumers one by one to a
// 6-partition topic until the seventh sits idle, reload the link, crash a
// member and watch its partition move after session.timeout.ms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot, intByTestId } from "./harness.mjs";

let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s));

/** Clicks a button that changes the URL and waits for the new URL. */
async function clickAndWaitUrl(testid) {
  const before = page.url();
  await page.getByTestId(testid).click();
  await page.waitForFunction((b) => location.href !== b, before);
}

async function groupState(prefix = "") {
  return (await page.getByTestId(`${prefix}group-state`).textContent()).trim();
}

/** Steps simulated time to the next deadline until the group is stable. */
async function settle(prefix = "") {
  for (let i = 0; i < 20; i++) {
    if ((await groupState(prefix)) === "Stable") return;
    await clickAndWaitUrl("advance-deadline");
  }
  assert.fail("group did not settle");
}

/** partition label → owner, read from the cards on the page. */
async function owners(prefix = "") {
  return page.evaluate((p) => {
    const out = {};
    for (const el of document.querySelectorAll(`[data-testid^="${p}card-"]`)) {
      out[el.textContent.trim()] = el.getAttribute("data-owner");
    }
    return out;
  }, prefix);
}

async function idleMembers() {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid^="member-"][data-testid$="-idle"]')].map((e) =>
      e.getAttribute("data-testid"),
    ),
  );
}

test("a seventh consumer on six partitions sits idle; a crash moves partitions", async () => {
  await page.goto(server.url + "/groups?topic=orders&partitions=6");
  await page.getByTestId("add-consumer").waitFor();

  for (let i = 1; i <= 7; i++) {
    await clickAndWaitUrl("add-consumer");
    await page.getByTestId(`member-c${i}`).waitFor();
    await settle();
  }
  assert.deepEqual(await idleMembers(), ["member-c7-idle"]);
  for (let i = 1; i <= 6; i++) {
    assert.equal(await intByTestId(page, `member-c${i}-count`), 1, `c${i} owns one partition`);
  }
  assert.equal(await intByTestId(page, "member-c7-count"), 0);
  const before7 = await owners();
  assert.equal(Object.keys(before7).length, 6);
  assert.equal(new Set(Object.values(before7)).size, 6, "six distinct owners");

  // The link reproduces the view.
  const url = page.url();
  assert.match(url, /ops=add%3Ac1%400/);
  await page.goto(url);
  await page.getByTestId("member-c7").waitFor();
  assert.deepEqual(await owners(), before7);
  assert.deepEqual(await idleMembers(), ["member-c7-idle"]);

  // Crash c1: its partition is not consumed until its session expires.
  const c1Partition = Object.keys(before7).find((p) => before7[p] === "c1");
  await clickAndWaitUrl("member-c1-crash");
  assert.match(await page.getByTestId(`card-${c1Partition}`).getAttribute("class"), /paused/);
  assert.equal(await groupState(), "Stable", "a crash alone does not rebalance");
  for (let i = 0; i < 5; i++) await clickAndWaitUrl("advance-10s"); // 50 s > session.timeout.ms
  await settle();
  const after = await owners();
  assert.notEqual(after[c1Partition], "c1");
  assert.ok(after[c1Partition], `${c1Partition} has a new owner`);
  assert.equal(Object.keys(after).length, 6);
  assert.deepEqual(await idleMembers(), [], "the idle consumer took over");
  assert.match(await page.getByTestId("member-c1").textContent(), /out of the group/);
  assert.ok((await intByTestId(page, "rebalance-count")) >= 8);

  // A second group reads the same topic with its own assignment.
  await clickAndWaitUrl("add-group");
  await clickAndWaitUrl("g2-add-consumer");
  await settle("g2-");
  assert.equal(await intByTestId(page, "g2-member-c1-count"), 6);
  assert.deepEqual(await owners(), after, "the first group is unaffected");

  await screenshot(page, "groups");
  assert.deepEqual(errors, []);
});

test("cooperative with an eager-only assignor shows Kafka's error", async () => {
  await page.goto(server.url + "/groups?assignor=range&protocol=eager&ops=add:c1@0");
  await page.getByTestId("protocol").selectOption("cooperative");
  const banner = page.getByTestId("error-banner");
  await banner.waitFor();
  assert.match(await banner.textContent(), /INCONSISTENT_GROUP_PROTOCOL.*range/);
  await page.getByTestId("assignor").selectOption("cooperative-sticky");
  await banner.waitFor({ state: "hidden" });
  await page.getByTestId("member-c1").waitFor();
  await screenshot(page, "groups-cooperative");
});

test("a malformed share link shows an error, not a dead page", async () => {
  await page.goto(server.url + "/groups?ops=add:c1@5,crash:c1@2");
  const banner = page.getByTestId("error-banner");
  await banner.waitFor();
  assert.match(await banner.textContent(), /invalid share link.*back in time/);
  await page.goto(server.url + "/groups?partitions=0");
  await page.waitForFunction(() =>
    /at least 1/.test(document.querySelector('[data-testid="error-banner"]')?.textContent ?? ""),
  );
  assert.equal(await page.getByTestId("panic-banner").isHidden(), true);
});
