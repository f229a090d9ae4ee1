// The accessibility checks of ui/, alone: `node tests/a11y/run.mjs`.
// The last line has the form scripts/test.sh adds up ("N passed, M failed").

import * as contrast from "./contrast.mjs";
import * as axe from "./axe.mjs";
import * as display from "./display.mjs";
import * as selftest from "./selftest.mjs";

const started = Date.now();
let passed = 0;
let failed = 0;
for (const suite of [selftest, contrast, display, axe]) {
  const result = await suite.check();
  passed += result.passed;
  failed += result.failed;
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(`accessibility: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
