// The checks themselves: a page made with known faults must fail each of
// them, so a check that cannot fail is caught. The faults: a button with
// no name in a dialog, an input with no label, a control with its focus
// outline removed, and grey text on white.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as axe from "./axe.mjs";
import * as contrast from "./contrast.mjs";

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Faults</title><link rel="stylesheet" href="css/app.css"></head>
<body><main>
  <section data-screen="one"><h1>One</h1><button type="button" class="bare">No ring</button></section>
  <section data-screen="two" hidden><h1>Two</h1><input id="unlabelled"></section>
  <dialog id="nameless"><button type="button"></button></dialog>
</main></body></html>`;
const css = `:root { --ink: #0f172a; --paper: #ffffff; --faint: #b0b0b0; color: var(--ink); background: var(--paper); }
:focus-visible { outline: 3px solid var(--ink); }
.bare:focus-visible { outline: none; }
.hint { color: var(--faint); }`;

/** Resolves to `{passed, failed}`: one check per fault found, as expected. */
export async function check() {
  const root = mkdtempSync(join(tmpdir(), "a11y-selftest-"));
  let passed = 0;
  let failed = 0;
  const expect = (what, ok) => {
    console.log(`${ok ? "ok  " : "FAIL"} self-test: ${what}`);
    if (ok) passed += 1;
    else failed += 1;
  };
  try {
    mkdirSync(join(root, "css"));
    writeFileSync(join(root, "index.html"), page);
    writeFileSync(join(root, "css", "app.css"), css);
    const quiet = console.log;
    const lines = [];
    console.log = (line) => lines.push(String(line));
    let browser;
    let palette;
    try {
      browser = await axe.check({ ui: root });
      palette = await contrast.check({ css: join(root, "css", "app.css") });
    } finally {
      console.log = quiet;
    }
    const said = (pattern) => lines.some((line) => pattern.test(line));
    expect("axe fails the screen with an unlabelled input", said(/FAIL .*screen two: axe [1-9]/) && said(/label/));
    expect("axe fails the dialog with a nameless button", said(/FAIL .*dialog nameless: axe [1-9]/) && said(/button-name/));
    expect("the Tab walk fails a control without a focus ring", said(/no focus indicator: .*"No ring"/));
    expect("the contrast check fails grey text on white", palette.failed === 1 && said(/text \.hint: #b0b0b0 on #ffffff/));
    expect("the counts add up", browser.failed >= 3 && browser.passed >= 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { passed, failed };
}
