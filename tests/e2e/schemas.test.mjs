// The Schemas page as a person uses it: pick each preset, read Confluent's verdict and
// Java's findings, register (409 for an incompatible schema, the existing id for an
// identical one), read what consumers on every version decode, share the link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot } from "./harness.mjs";

let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s));

const text = async (id) => (await page.getByTestId(id).first().textContent()).trim();
const texts = async (id) => (await page.getByTestId(id).allTextContents()).map((s) => s.trim());

async function preset(id) {
  await page.getByTestId(`preset-${id}`).click();
  await page.waitForURL(new RegExp(`preset=${id}`));
}

const PRESETS = {
  "add-required": {
    verdict: "Incompatible",
    level: "BACKWARD",
    finding: ["READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/3", "region"],
    reads: {
      "v1": /^\{"id":"p-1","amount":1250,"note":"gift"\}$/,
      next: /^org\.apache\.avro\.AvroTypeException: Found com\.example\.Payment, expecting com\.example\.Payment, missing required field region$/,
    },
  },
  "add-default": {
    verdict: "Compatible",
    level: "BACKWARD",
    reads: { next: /^\{"id":"p-1","amount":1250,"note":"gift","region":"eu-west-1"\}$/ },
  },
  "remove-field": {
    verdict: "Incompatible",
    level: "FORWARD",
    finding: ["READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1", "amount"],
    reads: { "v1": /missing required field amount/, next: /^\{"id":"p-2","note":"refund"\}$/ },
  },
  "rename-alias": {
    verdict: "Compatible",
    level: "BACKWARD",
    reads: { next: /^\{"id":"p-1","amount_cents":1250,"note":"gift"\}$/ },
  },
  widen: {
    verdict: "Compatible",
    level: "BACKWARD",
    reads: { next: /^\{"id":"p-1","amount":1250,"note":"gift"\}$/ },
  },
  "union-branch": {
    verdict: "Incompatible",
    level: "FULL",
    finding: ["MISSING_UNION_BRANCH", "/fields/2/type/2", "reader union lacking writer type: LONG"],
    reads: { "v1": /AvroTypeException/, next: /^\{"id":"p-3","amount":990,"note":42\}$/ },
  },
};

test("each preset: Confluent's verdict, Java's finding highlighted, consumers' decoded values", async () => {
  await page.goto(server.url + "/schemas");
  await page.getByRole("heading", { name: "Schemas", exact: true }).waitFor();
  for (const [id, want] of Object.entries(PRESETS)) {
    await preset(id);
    assert.equal(await text("verdict"), want.verdict, id);
    assert.equal(await page.getByTestId("level").inputValue(), want.level, id);
    if (want.verdict === "Incompatible") {
      const msgs = await texts("verdict-message");
      assert.match(msgs[0], /^\{errorType:'/, `${id}: ${msgs[0]}`);
      assert.equal(msgs.at(-1), `{validateFields: 'false', compatibility: '${want.level}'}`);
      // FULL's old-reads-new half carries no {oldSchemaVersion} (Confluent's mutualReadStrategy).
      if (want.level !== "FULL") assert.ok(msgs.includes("{oldSchemaVersion: 1}"), `${id}: ${msgs}`);
      assert.equal(await text("check-status-v1"), "incompatible");
      const [type, loc, msg] = want.finding;
      assert.equal(await text("finding-type"), type, id);
      if (loc instanceof RegExp) assert.match(await text("finding-location"), loc, id);
      else assert.equal(await text("finding-location"), loc, id);
      assert.equal(await text("finding-message"), msg, id);
      assert.ok((await text("highlight")).length > 0, `${id}: the location is highlighted`);
    } else {
      assert.deepEqual(await texts("verdict-message"), []);
      assert.equal(await text("check-status-v1"), "compatible");
    }
    for (const [reader, re] of Object.entries(want.reads)) {
      assert.match(await text(`read-result-${reader}`), re, `${id}: consumer on ${reader}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await preset("add-required");
  await screenshot(page, "schemas-1280");
  assert.deepEqual(errors, []);
});

test("register: 409 for an incompatible schema, a new version, the existing id for an identical one", async () => {
  await page.goto(server.url + "/schemas");
  await preset("add-default");
  await preset("add-required");
  await page.getByTestId("register").click();
  assert.equal(await text("register-status"), "HTTP 409");
  const body = JSON.parse(await text("register-body"));
  assert.equal(body.error_code, 409);
  assert.match(body.message, /^Schema being registered is incompatible with an earlier schema for subject "payments-value", details: \[\{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'/);
  assert.equal(await text("history-count"), "1 version(s)");

  await preset("add-default");
  await page.getByTestId("register").click();
  await page.waitForURL(/v2=/);
  assert.match(await text("register-status"), /registered as version 2 of payments-value/);
  assert.deepEqual(JSON.parse(await text("register-body")), { id: 2 });
  assert.equal(await text("history-id-v2"), "2");
  // The editor still holds v2: registering it again returns its id, no new version.
  await page.getByTestId("register").click();
  assert.match(await text("register-status"), /already registered as version 2/);
  assert.deepEqual(JSON.parse(await text("register-body")), { id: 2 });
  assert.equal(await text("history-count"), "2 version(s)");

  // BACKWARD_TRANSITIVE now compares with both versions, newest first.
  await page.getByTestId("level").selectOption("BACKWARD_TRANSITIVE");
  await page.waitForURL(/level=BACKWARD_TRANSITIVE/);
  assert.equal(await text("check-status-v2"), "compatible");
  assert.equal(await text("check-status-v1"), "compatible");

  // Reload the link: the same view.
  const link = page.url();
  const before = await page.locator("section.schemas").innerText();
  await page.goto(link);
  await page.getByTestId("history-v2").waitFor();
  assert.equal(await page.locator("section.schemas").innerText(), before);
  assert.deepEqual(errors, []);
});

test("editing: a parse error in Avro's words, the sample written with the next version", async () => {
  await page.goto(server.url + "/schemas?preset=widen");
  await preset("widen");
  await page.getByTestId("editor").fill('{"type":"record","name":"Payment","fields":[{"name":"a","type":"Foo"}]}');
  await page.waitForURL(/next=/);
  assert.equal(await text("verdict"), "Invalid schema");
  assert.match(await text("verdict-message"), /Undefined name: "Foo"/);
  await page.getByTestId("register").click();
  assert.equal(await text("register-status"), "HTTP 422");

  await preset("widen");
  await page.getByTestId("writer").selectOption("next");
  await page.getByTestId("record").fill('{"id":"big","amount":5000000000,"note":null}');
  await page.waitForURL(/writer=next/);
  assert.match(await text("read-result-v1"), /AvroTypeException: Found long, expecting int/);
  assert.equal(await text("read-result-next"), '{"id":"big","amount":5000000000,"note":null}');
  assert.match(await text("wire"), /^00 00 00 00 00 /);
  assert.deepEqual(errors, []);
});

test("hostile links give an error banner, not a dead page; oversize is stated", async () => {
  for (const q of [
    "level=SIDEWAYS",
    "v2=%7B%7D",
    "v1=%7B%22type%22%3A%22nope%22%7D",
    "topic=a%20b",
    "writer=9",
    "next=" + "x".repeat(70000),
  ]) {
    await page.goto(server.url + "/schemas?" + q);
    await page.getByTestId("error-banner").waitFor();
    assert.match(await text("error-banner"), /invalid share link/, q.slice(0, 40));
    // The page still works: a preset recovers.
    await preset("add-default");
    assert.equal(await text("verdict"), "Compatible");
  }
  // A schema too large for a link: stated, the URL keeps the last state that fit.
  await page.goto(server.url + "/schemas?preset=add-default");
  const big = `{"type":"record","name":"Big","doc":"${"y".repeat(61000)}","fields":[]}`;
  await page.getByTestId("editor").fill(big);
  await page.getByTestId("url-notice").waitFor();
  assert.match(await text("url-notice"), /above kplay's 60000-byte limit/);
  assert.ok(!page.url().includes("yyyy"), "the URL was not written with a cut schema");
  assert.equal(await text("verdict"), "Incompatible", "the page still judges the big schema");
  assert.deepEqual(errors, []);
});

test("390 px: nothing scrolls the page sideways", async () => {
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(server.url + "/schemas?preset=union-branch");
  await page.getByTestId("finding").first().waitFor();
  const overflow = await page.evaluate(() => {
    const doc = document.documentElement;
    return { scroll: doc.scrollWidth, client: doc.clientWidth };
  });
  await screenshot(page, "schemas-390");
  assert.ok(overflow.scroll <= overflow.client, `page is ${overflow.scroll} px wide at 390`);
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(errors, []);
});
