// The Planner page as a person uses it: fill the form, read the disk figure
// and check it against the arithmetic done by hand, see invalid values
// explained next to their field, copy the kafka-topics command, reload the
// link and get the same plan, and load the seed's "60 TB" example.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withBrowser, screenshot, intByTestId } from "./harness.mjs";

// Clipboard permissions, so that the copied command can be read back.
let server, page, errors;
withBrowser((s) => ({ server, page, errors } = s), {
  permissions: ["clipboard-read", "clipboard-write"],
});

const attr = (id, name) => page.getByTestId(id).getAttribute(name);

async function waitForDiskBytes(expected) {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="plan-disk-total"]')?.dataset.bytes === want,
    expected,
  );
}

async function waitForText(id, re) {
  await page.waitForFunction(
    ([id, src]) => new RegExp(src).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ""),
    [id, re.source],
  );
}

test("fill the form, read the disk figure, copy the kafka-topics command, reload the link", async () => {
  await page.goto(server.url + "/planner");
  await page.getByTestId("planner-clear").click();
  // A cleared form explains what is required, next to each required field.
  await waitForText("error-ingress_mb_per_s", /Required/);
  await waitForText("error-replication_factor", /Required/);

  await page.getByTestId("input-ingress_mb_per_s").fill("50");
  await page.getByTestId("input-retention_hours").fill("24");
  await page.getByTestId("input-replication_factor").fill("3");
  await page.getByTestId("input-compression_codec").selectOption("lz4");
  await page.getByTestId("input-compression_ratio").fill("2");
  await page.getByTestId("input-headroom").fill("25"); // percent: headroom 0.25
  await page.getByTestId("input-brokers").fill("4");
  await page.getByTestId("input-topic").fill("orders");

  // By hand: 50 MB/s = 50 × 10^6 B/s; 24 h = 86 400 s → 4.32 × 10^12 B per copy;
  // × RF 3 = 1.296 × 10^13; ÷ compression 2 = 6.48 × 10^12; × (1 + 25 %) = 8.1 × 10^12 bytes
  // = 8.1 TB. Per broker: 8.1 × 10^12 ÷ 4 = 2.025 × 10^12 = 2.025 TB.
  await waitForDiskBytes("8100000000000");
  assert.equal((await page.getByTestId("plan-disk-total").textContent()).trim(), "8.1 TB");
  assert.equal(await attr("plan-disk-per-broker", "data-bytes"), "2025000000000");
  assert.equal((await page.getByTestId("plan-disk-per-broker").textContent()).trim(), "2.025 TB");
  // Partitions: max(50/10, 50/10, 1 × 2) = 5 → next multiple of 4 brokers = 8.
  assert.equal(await intByTestId(page, "plan-partitions"), 8);
  assert.equal(await intByTestId(page, "plan-brokers"), 4);
  // Network at peak (= average here), compressed: 50 ÷ 2 = 25 MB/s;
  // in = 25 × 3 ÷ 4 = 18.75; out = 25 × (1 group + 3 − 1) ÷ 4 = 18.75.
  assert.equal((await page.getByTestId("plan-network-in").textContent()).trim(), "18.75");
  assert.equal((await page.getByTestId("plan-network-out").textContent()).trim(), "18.75");

  // The disk card says how it was computed, with the inputs.
  await page.getByTestId("how-disk").locator("summary").click();
  const how = await page.getByTestId("how-disk").textContent();
  assert.match(how, /retention_hours/);
  assert.match(how, /compression_ratio/);
  assert.match(how, /8100000000000 bytes/);

  // The export and the clipboard.
  const cmd = (await page.getByTestId("export-kafka-topics").textContent()).trim();
  assert.match(cmd, /^kafka-topics\.sh --bootstrap-server localhost:9092 --create --topic orders/);
  assert.match(cmd, /--partitions 8 --replication-factor 3/);
  assert.match(cmd, /--config retention\.ms=86400000/); // 24 × 3 600 000
  assert.match(cmd, /--config compression\.type=lz4/);
  await page.getByTestId("copy-kafka-topics").click();
  await waitForText("copy-status-kafka-topics", /^copied$/);
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(clip.trim(), cmd);

  // The URL holds the plan: reloading it gives the same figures and fields.
  const url = page.url();
  assert.match(url, /ingress_mb_per_s=50/);
  assert.match(url, /headroom_pct=25/);
  assert.match(url, /compression_codec=lz4/);
  await page.goto("about:blank");
  await page.goto(url);
  await waitForDiskBytes("8100000000000");
  assert.equal(await intByTestId(page, "plan-partitions"), 8);
  assert.equal(await page.getByTestId("input-headroom").inputValue(), "25");
  assert.equal(await page.getByTestId("input-replication_factor").inputValue(), "3");
  assert.equal(await page.getByTestId("input-compression_codec").inputValue(), "lz4");

  // A slider writes its field: RF 3 → 4 puts 4 replicas on 4 brokers, disk × 4/3.
  await page.getByTestId("slider-replication_factor").fill("4");
  await page.waitForFunction(
    () => document.querySelector('[data-testid="input-replication_factor"]')?.value === "4",
  );
  // 6.48 × 10^12 ÷ 3 × 4 = 8.64 × 10^12; × 1.25 = 1.08 × 10^13.
  await waitForDiskBytes("10800000000000");
  await screenshot(page, "planner-form");
  assert.deepEqual(errors, []);
});

test("invalid values are explained next to their field, never clamped", async () => {
  await page.goto(
    server.url + "/planner?ingress_mb_per_s=50&retention_hours=24&replication_factor=3",
  );
  await page.getByTestId("plan-disk-total").waitFor();

  await page.getByTestId("input-replication_factor").fill("0");
  await waitForText("error-replication_factor", /Value must be at least 1 \(got 0\)/);
  // No plan while an input is invalid, and the banner says why.
  assert.equal(await page.getByTestId("plan-disk-total").count(), 0);
  await waitForText("error-banner", /Replication factor/);

  await page.getByTestId("input-replication_factor").fill("3");
  await page.getByTestId("input-ingress_mb_per_s").fill("-5");
  await waitForText("error-ingress_mb_per_s", /greater than 0 \(got -5\)/);
  assert.equal(await page.getByTestId("error-replication_factor").count(), 0);

  await page.getByTestId("input-ingress_mb_per_s").fill("5O"); // letter O, not zero
  await waitForText("error-ingress_mb_per_s", /'5O' is not a number/);

  await page.getByTestId("input-ingress_mb_per_s").fill("50");
  await page.getByTestId("input-brokers").fill("2");
  // Kafka's InvalidReplicationFactorException message, on both fields.
  await waitForText("error-brokers", /Replication factor: 3 larger than available brokers: 2\./);
  await waitForText("error-replication_factor", /larger than available brokers: 2/);

  await page.getByTestId("input-brokers").fill("");
  await page.getByTestId("input-headroom").fill("-10");
  await waitForText("error-headroom", /at least 0/);
  await screenshot(page, "planner-errors");
  await page.getByTestId("input-headroom").fill("");
  await page.getByTestId("plan-disk-total").waitFor();
  assert.deepEqual(errors, []);
});

test("a malformed link shows what is wrong, not a dead page", async () => {
  await page.goto(
    server.url +
      "/planner?ingress_mb_per_s=50&retention_hours=24&replication_factor=three&headroom_pc=25",
  );
  await waitForText("error-banner", /Unknown query field 'headroom_pc'/);
  await waitForText("error-replication_factor", /'three' is not a number/);
  assert.equal(await page.getByTestId("input-replication_factor").inputValue(), "three");
  assert.equal(await page.getByTestId("panic-banner").isHidden(), true);
});

test("the seed's '100 producers × 10 MB/s, 7 days, RF 3' preset gives 1.81 PB, not 60 TB", async () => {
  await page.goto(server.url + "/planner");
  await page.getByTestId("preset-seed-60tb").click();
  // 100 × 10 MB/s = 10^9 B/s; × 7 × 86 400 s = 6.048 × 10^14; × 3 = 1.8144 × 10^15 bytes.
  await waitForDiskBytes("1814400000000000");
  assert.equal((await page.getByTestId("plan-disk-total").textContent()).trim(), "1.814 PB");
  const note = await page.getByTestId("preset-note").textContent();
  assert.match(note, /about 60TB/);
  assert.match(note, /1 814\.4 TB/);
  // 1000 MB/s ÷ 10 MB/s per partition = 100 → multiple of 3 brokers = 102.
  assert.equal(await intByTestId(page, "plan-partitions"), 102);
  assert.equal(await intByTestId(page, "plan-brokers"), 3);
  assert.match(await page.getByTestId("plan-binding").textContent(), /replication factor/);
  assert.match(page.url(), /ingress_mb_per_s=1000/);

  // The four charts are drawn (not blank canvases).
  for (const id of ["chart-disk-retention", "chart-disk-horizon", "chart-partitions", "chart-network"]) {
    const inked = await page.evaluate((id) => {
      const c = document.querySelector(`[data-testid="${id}"]`);
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
      return n;
    }, id);
    assert.ok(inked > 2000, `${id} has only ${inked} inked pixels`);
  }
  await screenshot(page, "planner");
  assert.deepEqual(errors, []);
});
