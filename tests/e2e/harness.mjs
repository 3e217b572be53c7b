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

/**
 * Serves dist/ (with an SPA fallback to index.html). `overrides` maps a path
 * (e.g. "/sw.js") to a body served instead of the file, for a test that
 * plays a new deploy.
 */
export async function serveDist(overrides = new Map()) {
  await stat(join(DIST, "index.html")).catch(() => {
    throw new Error("dist/index.html is missing: run scripts/build.sh first");
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (overrides.has(url.pathname)) {
      res.writeHead(200, { "content-type": TYPES[extname(url.pathname)] ?? "text/plain" });
      return res.end(overrides.get(url.pathname));
    }
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

/** The Pages build (scripts/build.sh --public-url /kplay/ --dist dist-pages). */
export const DIST_PAGES = join(here, "..", "..", "dist-pages");

/**
 * Serves `dir` under `base` (e.g. "/kplay/") with GitHub Pages' semantics:
 * no SPA fallback; a missing path under the base answers 404 with the
 * project's own 404.html; a path outside the base is not the project's and
 * answers a plain 404. Every request path is recorded in `requests`.
 */
export async function servePages(dir, base) {
  await stat(join(dir, "index.html")).catch(() => {
    throw new Error(`${dir}/index.html is missing: run scripts/build.sh --public-url ${base} --dist ${dir}`);
  });
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    requests.push(url.pathname + url.search);
    const send = (status, file, type) =>
      readFile(file).then((body) => {
        res.writeHead(status, { "content-type": type });
        res.end(body);
      });
    if (url.pathname + "/" === base) {
      res.writeHead(301, { location: base + url.search });
      return res.end();
    }
    if (!url.pathname.startsWith(base)) {
      res.writeHead(404, { "content-type": "text/html" });
      return res.end("<h1>404: not this project's site</h1>");
    }
    let rel;
    try {
      rel = decodeURIComponent(url.pathname.slice(base.length));
    } catch {
      rel = "\u0000";
    }
    const path = normalize("/" + rel);
    let file = join(dir, path);
    try {
      const s = await stat(file);
      if (s.isDirectory()) file = join(file, "index.html");
      await stat(file);
      await send(200, file, TYPES[extname(file)] ?? "application/octet-stream");
    } catch {
      await send(404, join(dir, "404.html"), "text/html; charset=utf-8");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  return { port, requests, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Launches headless Chromium and opens a page that records console errors.
 * `permissions` (e.g. clipboard) are granted to `origin`; `args` are extra
 * Chromium flags (e.g. --host-resolver-rules).
 */
export async function launch({ origin, permissions = [], args = [] } = {}) {
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
      ...args,
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
