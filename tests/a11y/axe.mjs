// The UI in a real browser: every top-level ui/*.html page, every screen
// ([data-screen]) and every <dialog> in it, in every language under
// ui/locales/, checked by axe-core in Debian's headless Chromium; and each
// screen's keyboard path, where every element Tab reaches must show a focus
// indicator. Screens and dialogs are found in the page, so new ones are
// checked without a change here.

import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { launch } from "./browser.mjs";
import { serve } from "./server.mjs";

const defaultUi = join(import.meta.dirname, "..", "..", "ui");
const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const failingImpacts = new Set(["serious", "critical"]);
// More Tab presses than any screen has controls; the walk stops when focus leaves the page.
const maxTabs = 150;
// Pages checked at once: the machines have two cores.
const concurrency = 3;

/** The top-level pages: index.html, kiosk.html, … */
function pages(ui) {
  return readdirSync(ui).filter((name) => name.endsWith(".html")).sort();
}

/**
 * The languages to check: every ui/locales/<code>/ once i18n.js can switch
 * to it, English first; `null` (the page as written) before that.
 */
function languages(ui) {
  const locales = join(ui, "locales");
  if (!existsSync(join(ui, "js", "i18n.js")) || !existsSync(locales)) return [null];
  const codes = readdirSync(locales, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  return codes.sort((a, b) => (a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b)));
}

/** Waits for what a screen's show() started (its first renders and rejections). */
const settle = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 20))));

/**
 * Shows one screen by the page's own navigation when it uses navigation.js
 * (so each screen's show() runs), else by its hidden attributes. Returns the
 * error show() threw, if any: in a plain browser the station is not there.
 */
async function showScreen(page, name) {
  const error = await page.evaluate(async (name) => {
    const usesNavigation = performance
      .getEntriesByType("resource")
      .some((entry) => new URL(entry.name).pathname === "/js/navigation.js");
    let thrown = null;
    if (usesNavigation) {
      try {
        (await import("/js/navigation.js")).go(name);
      } catch (error) {
        thrown = String(error?.message ?? error);
      }
    }
    for (const section of document.querySelectorAll("[data-screen]")) section.hidden = section.dataset.screen !== name;
    return thrown;
  }, name);
  await settle(page);
  return error;
}

async function runAxe(page) {
  return page.evaluate(async (values) => {
    const results = await window.axe.run(document, { runOnly: { type: "tag", values }, resultTypes: ["violations"] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
  }, wcagTags);
}

/**
 * Tabs through the whole page with one screen on show. Every element that
 * takes focus must look different focused: a visible outline or a
 * box-shadow it does not have unfocused. Returns the elements that do not.
 */
async function keyboardWalk(page) {
  await page.evaluate(() => {
    const indicator = (element) => {
      const s = getComputedStyle(element);
      return { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow };
    };
    window.__a11yIndicator = indicator;
    // Tab starts where focus last was: from a mark before everything, it walks the whole page.
    const start = document.createElement("span");
    start.tabIndex = -1;
    start.id = "a11y-walk-start";
    document.body.prepend(start);
    start.focus();
    start.blur();
    window.__a11yUnfocused = new Map();
    for (const element of document.querySelectorAll("*")) window.__a11yUnfocused.set(element, indicator(element));
  });
  const seen = new Set();
  const missing = [];
  let reached = 0;
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const path = [];
      for (let e = element; e && e !== document.body; e = e.parentElement) {
        const siblings = e.parentElement ? [...e.parentElement.children].filter((c) => c.tagName === e.tagName) : [];
        const part = e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}${siblings.length > 1 ? `:nth-of-type(${siblings.indexOf(e) + 1})` : ""}`;
        path.unshift(part);
        if (e.id) break;
      }
      const before = window.__a11yUnfocused.get(element);
      const after = window.__a11yIndicator(element);
      const [style, width, ...color] = after.outline.split(" ");
      const outlineShows = style !== "none" && parseFloat(width) > 0 && !/rgba\([^)]*, 0\)/.test(color.join(" "));
      const visible = before
        ? (outlineShows && after.outline !== before.outline) || after.shadow !== before.shadow
        : outlineShows || after.shadow !== "none";
      return { selector: path.join(" > "), visible, text: (element.textContent || element.getAttribute("aria-label") || "").trim().slice(0, 40) };
    });
    if (!focused || seen.has(focused.selector)) break;
    seen.add(focused.selector);
    reached += 1;
    if (!focused.visible) missing.push(focused);
  }
  await page.evaluate(() => document.getElementById("a11y-walk-start")?.remove());
  return { reached, missing };
}

function printViolations(log, label, violations, printed) {
  for (const v of violations) {
    for (const node of v.targets) {
      const key = `${v.id}|${node.target}`;
      if (printed.has(key)) {
        log(`  ${label}: ${v.impact} ${v.id} at ${node.target} (as above)`);
        continue;
      }
      printed.add(key);
      log(`  ${label}: ${v.impact} ${v.id}: ${v.help}\n    at ${node.target}\n    ${node.summary?.replace(/\n/g, "\n    ")}\n    ${v.helpUrl}`);
    }
  }
}

/**
 * One page in one language (`code`, or null for the page as written): axe
 * on each screen and dialog, and with `walk` the Tab walk of each screen.
 * Resolves to `{lines, passed, failed, screens, dialogs}`; the lines are
 * printed in order once every page is done.
 */
async function checkPage(browser, origin, file, code, walk) {
  const lines = [];
  const log = (line) => lines.push(line);
  const tally = { lines, passed: 0, failed: 0, screens: 0, dialogs: 0 };
  const count = (ok) => (ok ? (tally.passed += 1) : (tally.failed += 1));
  const language = code ?? "as written";
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // The page's start-up reads its locale files before it shows a screen: wait for the network to rest.
    await page.goto(`${origin}/${file}`, { waitUntil: "networkidle" });
    await page.addScriptTag({ path: axeSource });
    if (code) {
      const switched = await page.evaluate(
        (code) => import("/js/i18n.js").then((m) => m.setLanguage(code)).then(() => null, (e) => String(e?.message ?? e)),
        code,
      );
      if (switched) {
        log(`FAIL ${file} [${code}]: the page cannot switch to ui/locales/${code}/: ${switched}`);
        count(false);
        return tally;
      }
    }
    const screens = await page.evaluate(() => [...document.querySelectorAll("[data-screen]")].map((s) => s.dataset.screen));
    const dialogs = await page.evaluate(() =>
      [...document.querySelectorAll("dialog")].map((d) => ({ id: d.id, screen: d.closest("[data-screen]")?.dataset.screen ?? null })),
    );
    const printed = new Set();
    const axeOn = async (label, kind) => {
      const violations = await runAxe(page);
      const serious = violations.filter((v) => failingImpacts.has(v.impact));
      count(serious.length === 0);
      tally[kind] += 1;
      log(`${serious.length ? "FAIL" : "ok  "} ${label}: axe ${serious.length} serious/critical, ${violations.length - serious.length} minor/moderate`);
      printViolations(log, label, violations, printed);
    };
    // A page without screens is one screen: itself.
    for (const screen of screens.length ? screens : [null]) {
      const label = `${file} [${language}] screen ${screen ?? "(page)"}`;
      const thrown = screen ? await showScreen(page, screen) : null;
      if (thrown) log(`  note: ${label}: its show() threw in a plain browser: ${thrown}`);
      await axeOn(label, "screens");
      if (walk) {
        const { reached, missing } = await keyboardWalk(page);
        count(missing.length === 0);
        const what = reached ? `Tab reached ${reached}, ${missing.length} without a visible focus indicator` : "nothing to focus";
        log(`${missing.length ? "FAIL" : "ok  "} ${label}: ${what}`);
        for (const m of missing) log(`    no focus indicator: ${m.selector} "${m.text}"`);
      }
    }
    for (const [i, dialog] of dialogs.entries()) {
      if (dialog.screen) await showScreen(page, dialog.screen);
      await page.evaluate((i) => {
        const d = document.querySelectorAll("dialog")[i];
        if (!d.open) d.showModal();
      }, i);
      await settle(page);
      await axeOn(`${file} [${language}] dialog ${dialog.id || i}`, "dialogs");
      await page.evaluate((i) => document.querySelectorAll("dialog")[i].close(), i);
    }
    for (const message of new Set(pageErrors)) log(`  note: ${file} [${language}]: uncaught in the page: ${message}`);
    return tally;
  } finally {
    await context.close();
  }
}

/**
 * Runs every check on the pages in `ui`; resolves to `{passed, failed}`,
 * one per screen, dialog and walk. Pages and languages run side by side,
 * a few at a time, each in its own browser context.
 */
export async function check({ ui = defaultUi } = {}) {
  const server = await serve(ui);
  const browser = await launch();
  const codes = languages(ui);
  // Focus styles do not change with the language: the walk runs in the first one.
  const jobs = pages(ui).flatMap((file) => codes.map((code, index) => ({ file, code, walk: index === 0 })));
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const at = next++;
      const { file, code, walk } = jobs[at];
      results[at] = await checkPage(browser, server.origin, file, code, walk);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await browser.close();
    await server.close();
  }
  const total = { passed: 0, failed: 0, screens: 0, dialogs: 0 };
  for (const result of results) {
    for (const line of result.lines) console.log(line);
    for (const key of Object.keys(total)) total[key] += result[key];
  }
  console.log(`axe: ${total.screens} screens and ${total.dialogs} dialogs checked across ${pages(ui).length} pages and ${codes.length} language(s)`);
  return { passed: total.passed, failed: total.failed };
}
