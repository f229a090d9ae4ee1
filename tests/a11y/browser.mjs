// Debian's Chromium (the chromium package; CHROMIUM names another), headless,
// driven by playwright-core. Playwright gives each launch a fresh
// --user-data-dir of its own, so nothing carries over between runs.

import { chromium } from "playwright-core";

const args = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Starts the browser; close it when done. */
export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args });
}
