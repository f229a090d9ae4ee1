// The UI's words, from the Fluent files in ui/locales/<language>/ (the
// Rust side reads the same files). ui/locales/index.json lists the
// languages and the files each holds.
//
// In HTML, an element carries data-l10n-id="message-id" (and
// data-l10n-args='{"name": "Megan"}' for variables) with its English text
// inline, so a page whose words have not loaded yet still reads right.
// The message's value becomes the element's text; its attributes
// (`.aria-label = …`, `.placeholder = …`, `.title = …`) become the
// element's attributes. From JS, `t(id, args)` gives one string, and
// `localize(element, id, args)` marks an element so it follows a change
// of language. A message a language lacks is said in English (the
// language every message is written in first).
//
// The station's errors arrive as `{code, message}` in English:
// `errorMessage(error)` gives `error-<code, dots as dashes>` where the
// language has it, else the station's message.

import { FluentBundle, FluentResource } from "../node_modules/@fluent/bundle/esm/index.js";

const localesUrl = new URL("../locales/", import.meta.url);
const listeners = new Set();
let manifest = null;
const SOURCE_LANGUAGE = "en";
// Each language's bundle, loaded once (a kiosk switches back and forth).
const loaded = new Map();
let bundle = null;
let english = null;
let current = null;
// Counts switches: a slow load that a later switch overtook is dropped.
let switches = 0;

async function loadManifest() {
  if (!manifest) {
    const response = await fetch(new URL("index.json", localesUrl));
    if (!response.ok) throw new Error(`the language list could not be read (${response.status})`);
    manifest = await response.json();
  }
  return manifest;
}

async function loadBundle(code, files) {
  const loaded = new FluentBundle(code, { useIsolating: false });
  for (const file of files) {
    const response = await fetch(new URL(`${code}/${file}`, localesUrl));
    // A language may not have every file yet: its messages fall back to the inline English.
    if (!response.ok) continue;
    const errors = loaded.addResource(new FluentResource(await response.text()));
    for (const error of errors) console.warn(`${code}/${file}: ${error}`);
  }
  return loaded;
}

/** The languages on offer: `[{code, name, dir}]`. */
export async function languages() {
  return (await loadManifest()).languages;
}

/** The language on show, e.g. "en". */
export function currentLanguage() {
  return current?.code ?? "en";
}

/** The station's own language, the one a kiosk returns to. */
export async function defaultLanguage() {
  return (await loadManifest()).default;
}

/**
 * Switches the page to `code` (one of `languages()`): loads its messages,
 * sets the page's lang and dir, and translates every marked element.
 */
export async function setLanguage(code) {
  const list = await loadManifest();
  const language = list.languages.find((l) => l.code === code);
  if (!language) throw new Error(`'${code}' is not one of the station's languages`);
  const mine = ++switches;
  english = await bundleOf(SOURCE_LANGUAGE, list.files);
  const chosen = await bundleOf(language.code, list.files);
  if (mine !== switches) return;
  bundle = chosen;
  current = language;
  document.documentElement.lang = language.code;
  document.documentElement.dir = language.dir;
  translate(document);
  for (const listener of listeners) listener(language);
}

function bundleOf(code, files) {
  if (!loaded.has(code)) {
    const loading = loadBundle(code, files);
    // A failed load is tried again next time.
    loading.catch(() => loaded.delete(code));
    loaded.set(code, loading);
  }
  return loaded.get(code);
}

/** Calls `listener(language)` after every change of language. */
export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The bundle that has message `id`: the language's, else English. */
function bundleFor(id) {
  if (bundle?.hasMessage(id)) return bundle;
  if (english?.hasMessage(id)) return english;
  return null;
}

function format(id, args, attribute) {
  const from = bundleFor(id);
  const message = from?.getMessage(id);
  const pattern = attribute ? message?.attributes?.[attribute] : message?.value;
  if (!pattern) return null;
  const errors = [];
  const text = from.formatPattern(pattern, args, errors);
  if (errors.length) console.warn(`${id}: ${errors.join("; ")}`);
  return text;
}

/** One message as a string; `fallback` (or the id) when it is missing. */
export function t(id, args = {}, fallback = id) {
  return format(id, args, null) ?? fallback;
}

/** Whether message `id` exists (in the language on show or in English). */
export function has(id) {
  return bundleFor(id) !== null;
}

/** The message id the page uses for a station error code (`photo.no_face` → `error-photo-no_face`). */
export function errorId(code) {
  return `error-${String(code).replaceAll(".", "-")}`;
}

/** A station error `{code, message}` in the page's language, or its English message for a code without words here. */
export function errorMessage(error) {
  if (error?.code && has(errorId(error.code))) return t(errorId(error.code));
  return error?.message ? error.message : String(error);
}

/** A time (milliseconds since the epoch) as the page's language writes it; `options` as Intl.DateTimeFormat takes them. */
export function formatDate(ms, options) {
  return new Intl.DateTimeFormat(currentLanguage(), options).format(new Date(ms));
}

function translateElement(element) {
  const id = element.dataset.l10nId;
  let args = {};
  if (element.dataset.l10nArgs) {
    try {
      args = JSON.parse(element.dataset.l10nArgs);
    } catch {
      console.warn(`${id}: data-l10n-args is not JSON`);
    }
  }
  const message = bundleFor(id)?.getMessage(id);
  if (!message) return;
  const value = format(id, args, null);
  if (value !== null) element.textContent = value;
  for (const name of Object.keys(message.attributes ?? {})) {
    const text = format(id, args, name);
    if (text !== null) element.setAttribute(name, text);
  }
}

/** Translates `root` and every marked element inside it. */
export function translate(root) {
  if (root.dataset?.l10nId) translateElement(root);
  for (const element of root.querySelectorAll("[data-l10n-id]")) translateElement(element);
}

/** Marks `element` with a message (and its args) and translates it now. */
export function localize(element, id, args) {
  element.dataset.l10nId = id;
  if (args && Object.keys(args).length) element.dataset.l10nArgs = JSON.stringify(args);
  else delete element.dataset.l10nArgs;
  translateElement(element);
}
