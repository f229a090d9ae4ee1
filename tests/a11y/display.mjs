// The display options in the desk page, as a person uses them: the Home
// screen's large-text toggle reached with Tab and pressed with Space scales
// the text to 150% and says so in aria-pressed; the choice survives a reload
// (a desk remembers it) and resetDisplayOptions() (a kiosk's return to its
// attract screen) forgets it. With reduced motion asked for, nothing
// animates or transitions.

import { join } from "node:path";
import { launch } from "./browser.mjs";
import { serve } from "./server.mjs";

const ui = join(import.meta.dirname, "..", "..", "ui");
const toggle = "[data-screen='home'] [data-large-text-toggle]";

const rootPx = (page) => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
const pressed = (page) => page.evaluate((selector) => document.querySelector(selector)?.getAttribute("aria-pressed"), toggle);

/** Resolves to `{passed, failed}`, one per behaviour. */
export async function check() {
  const server = await serve(ui);
  const browser = await launch();
  let passed = 0;
  let failed = 0;
  const expect = (what, ok, detail = "") => {
    console.log(`${ok ? "ok  " : "FAIL"} display: ${what}${ok ? "" : ` (${detail})`}`);
    if (ok) passed += 1;
    else failed += 1;
  };
  try {
    const context = await browser.newContext({ reducedMotion: "reduce" });
    const page = await context.newPage();
    await page.goto(`${server.origin}/index.html`, { waitUntil: "networkidle" });
    const normal = await rootPx(page);

    let reached = false;
    for (let i = 0; i < 40 && !reached; i += 1) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, toggle);
    }
    expect("Tab reaches the large-text toggle on Home", reached);
    const before = await pressed(page);
    await page.keyboard.press("Space");
    const large = await rootPx(page);
    expect(
      "Space turns large text on: 150% and aria-pressed true",
      before === "false" && (await pressed(page)) === "true" && Math.abs(large / normal - 1.5) < 0.01,
      `aria-pressed ${before} → ${await pressed(page)}, root ${normal}px → ${large}px`,
    );

    await page.reload({ waitUntil: "networkidle" });
    expect(
      "a desk remembers it across a reload",
      (await pressed(page)) === "true" && (await rootPx(page)) === large,
      `aria-pressed ${await pressed(page)}, root ${await rootPx(page)}px`,
    );

    const stored = await page.evaluate(async () => {
      (await import("/js/display-options.js")).resetDisplayOptions();
      return Object.keys(localStorage).length;
    });
    expect(
      "resetDisplayOptions() returns to the normal size and forgets the choice",
      (await pressed(page)) === "false" && (await rootPx(page)) === normal && stored === 0,
      `aria-pressed ${await pressed(page)}, root ${await rootPx(page)}px, ${stored} stored`,
    );

    const motion = await page.evaluate(() => {
      const probe = document.createElement("div");
      probe.style.cssText = "transition: opacity 2s; animation: probe 3s infinite; scroll-behavior: smooth";
      document.body.append(probe);
      const s = getComputedStyle(probe);
      const result = {
        transition: parseFloat(s.transitionDuration),
        animation: parseFloat(s.animationDuration),
        repeats: s.animationIterationCount,
        scroll: s.scrollBehavior,
      };
      probe.remove();
      return result;
    });
    expect(
      "reduced motion: transitions and animations end at once, scrolling is not smooth",
      motion.transition < 0.01 && motion.animation < 0.01 && motion.repeats === "1" && motion.scroll === "auto",
      JSON.stringify(motion),
    );
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
  return { passed, failed };
}
