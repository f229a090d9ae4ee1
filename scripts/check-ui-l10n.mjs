#!/usr/bin/env node
// Checks the UI's words (ui/locales): every .ftl file parses; every file
// ui/locales/index.json lists is there in English; every language has each
// English message, with the same attributes; every data-l10n-id in the HTML
// and every id the JS asks for (t("…"), localize(el, "…"), showMessage(el,
// "…"), l10n: ["…"], a literal "desk-…"/"settings-…"/"error-…" id) is an
// English message; and each language's plural variants are its own
// categories. Reads @fluent/syntax from ui/node_modules (installed by
// scripts/install-deps.sh). One test per file and language, per page
// module and for the manifest; prints "N passed" / "N failed" for the totals.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ui = fileURLToPath(new URL("../ui/", import.meta.url));
const { FluentParser } = await import(join(ui, "node_modules/@fluent/syntax/esm/index.js"));
const locales = join(ui, "locales");
const manifest = JSON.parse(readFileSync(join(locales, "index.json"), "utf8"));
const SOURCE = "en";

// test name → its failures
const tests = new Map();
let test = null;
function begin(name) {
  test = name;
  if (!tests.has(name)) tests.set(name, []);
}
function check(ok, what) {
  if (!ok) tests.get(test).push(what);
}

const parser = new FluentParser({ withSpans: false });
// language → file → Map(id → {attributes, plurals: [variant keys of selectors on a plural]})
const messages = new Map();
function readLanguage(code) {
  const files = new Map();
  const folder = join(locales, code);
  for (const file of existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(".ftl")).sort() : []) {
    begin(`${code}/${file} parses`);
    const resource = parser.parse(readFileSync(join(folder, file), "utf8"));
    const junk = resource.body.filter((entry) => entry.type === "Junk");
    for (const entry of junk) {
      check(false, `${code}/${file} does not parse near: ${entry.content.trim().split("\n")[0]} (${entry.annotations.map((a) => a.message).join("; ")})`);
    }
    const ids = new Map();
    for (const entry of resource.body.filter((e) => e.type === "Message" || e.type === "Term")) {
      const id = (entry.type === "Term" ? "-" : "") + entry.id.name;
      check(!ids.has(id), `${code}/${file} defines ${id} twice`);
      ids.set(id, { attributes: entry.attributes.map((a) => a.id.name).sort(), keys: variantKeys(entry) });
    }
    files.set(file, ids);
  }
  messages.set(code, files);
}

/** Every variant key of every select expression in `node`. */
function variantKeys(node, keys = []) {
  if (!node || typeof node !== "object") return keys;
  if (node.type === "SelectExpression") {
    for (const variant of node.variants) keys.push(variant.key.type === "NumberLiteral" ? variant.key.value : variant.key.name);
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) value.forEach((child) => variantKeys(child, keys));
    else if (value && typeof value === "object") variantKeys(value, keys);
  }
  return keys;
}

for (const { code } of manifest.languages) readLanguage(code);
begin("index.json");
check(manifest.languages.some((l) => l.code === manifest.default), `index.json's default '${manifest.default}' is not one of its languages`);
for (const language of manifest.languages) {
  check(language.dir === "ltr" || language.dir === "rtl", `${language.code}'s dir is '${language.dir}', not ltr or rtl`);
}
const english = messages.get(SOURCE);
for (const file of manifest.files) check(english.has(file), `index.json lists ${file}, which ui/locales/${SOURCE}/ does not have`);
for (const file of english.keys()) check(manifest.files.includes(file), `ui/locales/${SOURCE}/${file} is not listed in index.json, so no page loads it`);

// Plural keys a language may use: its own categories (and exact numbers).
const categories = (code) => new Set(new Intl.PluralRules(code).resolvedOptions().pluralCategories);
const pluralWords = new Set(["zero", "one", "two", "few", "many", "other"]);

for (const { code } of manifest.languages.filter((l) => l.code !== SOURCE)) {
  const theirs = messages.get(code);
  const allowed = categories(code);
  for (const [file, ids] of english) {
    begin(`${code}/${file} has English's messages`);
    const translated = theirs.get(file);
    if (!translated) {
      check(false, `${code}/${file} is missing (${ids.size} messages not translated)`);
      continue;
    }
    const missing = [...ids.keys()].filter((id) => !translated.has(id));
    check(missing.length === 0, `${code}/${file} lacks ${missing.length} of English's messages: ${missing.join(", ")}`);
    for (const [id, message] of translated) {
      const source = ids.get(id);
      check(source !== undefined, `${code}/${file} has ${id}, which English does not`);
      if (!source) continue;
      check(message.attributes.join() === source.attributes.join(), `${code}/${file} ${id} has attributes [${message.attributes}], English [${source.attributes}]`);
      const wrong = message.keys.filter((key) => pluralWords.has(key) && !allowed.has(key));
      check(wrong.length === 0, `${code}/${file} ${id} uses plural variants ${wrong.join(", ")}, which ${code} does not have`);
    }
  }
}

// The ids the page asks for.
const englishIds = new Set([...english.values()].flatMap((ids) => [...ids.keys()]));
const html = readFileSync(join(ui, "index.html"), "utf8");
const elementIds = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
const asked = [];
for (const [, id] of html.matchAll(/data-l10n-id="([^"]+)"/g)) asked.push([id, "index.html"]);
begin("index.html's ids");
for (const [id, where] of asked) check(englishIds.has(id), `${where} asks for ${id}, which no English .ftl file has`);
const js = join(ui, "js");
const callPattern = /(?:\bt\(|\blocalize\([^,()]+,\s*|\bshowMessage\([^,()]+,\s*|l10n:\s*\[|\.l10nId\s*=\s*)["']([a-zA-Z][\w-]*)["']/g;
const literalPattern = /["']((?:desk|settings|error)-[a-zA-Z0-9_-]+)["']/g;
const templatePattern = /`((?:desk|settings|error)-[a-zA-Z0-9_-]*)\$\{/g;
for (const module of readdirSync(js).filter((name) => name.endsWith(".js"))) {
  const source = readFileSync(join(js, module), "utf8");
  begin(`${module}'s ids`);
  const ids = [...source.matchAll(callPattern)].map((match) => match[1]);
  for (const [, id] of source.matchAll(literalPattern)) if (!elementIds.has(id)) ids.push(id);
  for (const id of ids) check(englishIds.has(id), `${module} asks for ${id}, which no English .ftl file has`);
  asked.push(...ids.map((id) => [id, module]));
  // An id built from a prefix (`desk-queue-status-${status}`): some message has it.
  for (const [, prefix] of source.matchAll(templatePattern)) {
    check([...englishIds].some((id) => id.startsWith(prefix)), `${module} builds ids starting ${prefix}, and no English message does`);
  }
}
const failed = [...tests.values()].filter((problems) => problems.length > 0);
for (const problem of failed.flat()) console.error(`check-ui-l10n: ${problem}`);
const count = [...english.values()].reduce((sum, ids) => sum + ids.size, 0);
console.log(`UI words: ${count} English messages in ${english.size} files, ${manifest.languages.length} languages, ${asked.length} ids asked for by the page`);
console.log(`l10n checks: ${tests.size - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length > 0 ? 1 : 0);
