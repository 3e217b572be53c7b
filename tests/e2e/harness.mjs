// Test harness: serves the release build (dist/) on 127.0.0.1 and drives
// Debian's Chromium with playwright-core. Never a downloaded browser.
import { createServer } from "node:http";
import { readFile, stat, mkdir } from "node:fs/promises";
import { extname, join, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = join(here, "..", "..", "dist");
export const ARTIFACTS = join(here, "..", "artifacts");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** Serves dist/ like GitHub Pages would (with an SPA fallback to index.html). */
export async function serveDist() {
  await stat(join(DIST, "index.html")).catch(() => {
    throw new Error("dist/index.html is missing: run scripts/build.sh first");
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(DIST, path);
    try {
      const s = await stat(file);
      if (s.isDirectory()) file = join(file, "index.html");
    } catch {
      file = join(DIST, "index.html");
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Launches headless Chromium and opens a page that records console errors.
 * `permissions` (e.g. clipboard) are granted to `origin`.
 */
export async function launch({ origin, permissions = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  if (permissions.length > 0) await context.grantPermissions(permissions, { origin });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { browser, page, errors };
}

/**
 * The hooks every e2e file needs: before its tests, serve dist/ and launch
 * Chromium, then hand `{ server, browser, page, errors }` to `use`; after
 * them, close both. `permissions` as for `launch`.
 */
export function withBrowser(use, { permissions = [] } = {}) {
  let session = {};
  before(async () => {
    const server = await serveDist();
    session = { server, ...(await launch({ origin: server.url, permissions })) };
    use(session);
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
}

/** Saves a full-page screenshot under tests/artifacts/. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Reads an integer from an element by data-testid. */
export async function intByTestId(page, id) {
  const t = await page.getByTestId(id).textContent();
  const n = Number.parseInt(t.trim(), 10);
  if (Number.isNaN(n)) throw new Error(`data-testid=${id} holds '${t}', not a number`);
  return n;
}
