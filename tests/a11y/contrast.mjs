// The palette's contrast, read from ui/css/app.css: the colour custom
// properties (the :root set and every variant that redefines some: a media
// query such as prefers-contrast or prefers-color-scheme, or a selector such
// as :root[data-theme]) and the foreground/background pairs the rules use.
// WCAG 2.2: text 4.5:1, large text (24px, or 18.66px bold) 3:1 (1.4.3);
// borders of controls and focus rings 3:1 against what is around them (1.4.11).
//
// A rule's background is found the way the page inherits it: its own, else
// that of the rule for a shorter selector (`.bar nav button` → `.bar`);
// text with no such rule is checked on both of the page's surfaces, the
// root's background and --paper.

import { readFileSync } from "node:fs";
import { join } from "node:path";

const defaultCss = join(import.meta.dirname, "..", "..", "ui", "css", "app.css");
const rootFontPx = 18;
// Surfaces that hold a picture and no text of their own.
// Boxes that hold no text and take no focus (the camera's picture, the
// chart legend's colour swatches): no text or focus ring sits on them.
const pictureOnly = new Set([".camera", ".attendant-legend .swatch.issued", ".attendant-legend .swatch.failed"]);
const controls = /^(button|input|select|textarea)\b|^\.button\b|^\[role="?(button|checkbox|switch|tab|combobox)/;

/** `[{media, selector, decls: Map}]`, one per selector of each rule. */
function parse(css) {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const rules = [];
  const walk = (source, media) => {
    let i = 0;
    while (i < source.length) {
      const open = source.indexOf("{", i);
      if (open < 0) break;
      const prelude = source.slice(i, open).trim();
      let depth = 1;
      let j = open + 1;
      for (; j < source.length && depth; j += 1) {
        if (source[j] === "{") depth += 1;
        else if (source[j] === "}") depth -= 1;
      }
      const body = source.slice(open + 1, j - 1);
      if (prelude.startsWith("@")) walk(body, prelude);
      else {
        const decls = new Map();
        for (const part of body.split(";")) {
          const colon = part.indexOf(":");
          if (colon > 0) decls.set(part.slice(0, colon).trim().toLowerCase(), part.slice(colon + 1).replace(/!important/, "").trim());
        }
        for (const selector of splitSelectors(prelude)) rules.push({ media, selector, decls });
      }
      i = j;
    }
  };
  walk(text, null);
  return rules;
}

function splitSelectors(prelude) {
  const out = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < prelude.length; i += 1) {
    if ("([".includes(prelude[i])) depth += 1;
    else if (")]".includes(prelude[i])) depth -= 1;
    else if (prelude[i] === "," && depth === 0) {
      out.push(prelude.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(prelude.slice(start).trim());
  return out.map((s) => s.replace(/\s*([>+~])\s*/g, " $1 ").replace(/\s+/g, " "));
}

const named = { white: [255, 255, 255, 1], black: [0, 0, 0, 1], transparent: [0, 0, 0, 0] };

/** The first colour in a value, `[r, g, b, a]`, or null. */
function colour(value) {
  if (!value) return null;
  const hex = value.match(/#([0-9a-f]{3,8})\b/i);
  if (hex) {
    let h = hex[1];
    if (h.length <= 4) h = [...h].map((c) => c + c).join("");
    const n = (k) => parseInt(h.slice(k, k + 2), 16);
    return [n(0), n(2), n(4), h.length === 8 ? n(6) / 255 : 1];
  }
  const fn = value.match(/rgba?\(([^)]*)\)/i);
  if (fn) {
    const parts = fn[1].split(/[\s,/]+/).filter(Boolean).map((p) => (p.endsWith("%") ? parseFloat(p) / 100 : parseFloat(p)));
    return [parts[0], parts[1], parts[2], parts[3] ?? 1];
  }
  for (const word of value.toLowerCase().split(/\s+/)) if (named[word]) return named[word];
  return null;
}

/** Replaces var(--x[, fallback]) with the variant's values. */
function resolve(value, props, depth = 0) {
  if (!value || depth > 8) return value;
  return value.replace(/var\(\s*(--[\w-]+)\s*(?:,\s*([^)]*))?\)/g, (_, name, fallback) =>
    resolve(props.get(name) ?? fallback ?? "", props, depth + 1),
  );
}

const channel = (c) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const over = (top, under) => {
  const a = top[3];
  return [0, 1, 2].map((k) => top[k] * a + under[k] * (1 - a)).concat(1);
};
export function ratio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
const show = (c) => `#${c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

/** The compounds of a selector, without combinators. */
const compounds = (selector) => selector.split(" ").filter((part) => !">+~".includes(part));
const bare = (compound) => compound.replace(/\[[^\]]*\]|:{1,2}[\w-]+(\([^)]*\))?/g, "");
const tag = (compound) => compound.match(/^[a-z][\w-]*/i)?.[0] ?? null;

/**
 * A colour set for one variant: `props` are the custom properties; `rules`
 * the rules in force. `lookup(selector, property)` finds the value a
 * selector gets, from itself or the shorter selectors it sits in.
 */
function variantModel(rules, props) {
  const bySelector = new Map();
  for (const rule of rules) {
    const entry = bySelector.get(rule.selector) ?? new Map();
    for (const [k, v] of rule.decls) entry.set(k, resolve(v, props));
    bySelector.set(rule.selector, entry);
  }
  const get = (selector, names) => {
    const decls = bySelector.get(selector);
    if (!decls) return undefined;
    for (const name of names) if (decls.has(name)) return decls.get(name);
    return undefined;
  };
  // The candidates for one level of nesting: the selector, without its
  // states, its last compound alone, and that compound's element.
  const candidates = (parts) => {
    const last = parts[parts.length - 1];
    const prefix = parts.slice(0, -1);
    return [...new Set([parts.join(" "), [...prefix, bare(last)].join(" "), last, bare(last), tag(last)].filter(Boolean))];
  };
  const rootBackground = colour(get(":root", ["background-color", "background"])) ?? named.white;
  const rootColour = colour(get(":root", ["color"])) ?? named.black;

  /** The opaque background a selector sits on, or null when no rule says. */
  const background = (selector, fromParent = false) => {
    const parts = compounds(selector);
    for (let level = fromParent ? parts.length - 1 : parts.length; level > 0; level -= 1) {
      for (const candidate of candidates(parts.slice(0, level))) {
        const value = get(candidate, ["background-color", "background"]);
        if (value === undefined) continue;
        const c = colour(value);
        if (!c || c[3] === 0) break; // see-through: the next level out decides
        if (c[3] === 1) return c;
        const under = background(parts.slice(0, level).join(" "), true) ?? rootBackground;
        return over(c, under);
      }
    }
    return null;
  };
  const property = (selector, names, fallback) => {
    const parts = compounds(selector);
    for (let level = parts.length; level > 0; level -= 1) {
      for (const candidate of candidates(parts.slice(0, level))) {
        const value = get(candidate, names);
        if (value !== undefined) return value;
      }
    }
    return fallback;
  };
  const fontPx = (selector) => {
    const value = property(selector, ["font-size"], `${rootFontPx}px`);
    // clamp(min, …, max) and the like: the smallest size is the one to judge.
    const sizes = [...value.matchAll(/([\d.]+)(rem|em|px)/g)].map(([, n, unit]) => (unit === "px" ? +n : n * rootFontPx));
    return sizes.length ? Math.min(...sizes) : rootFontPx;
  };
  const bold = (selector) => {
    const weight = property(selector, ["font-weight"], /^h[1-6]$/.test(tag(compounds(selector).at(-1)) ?? "") ? "700" : "400");
    return weight === "bold" || parseInt(weight, 10) >= 700;
  };
  return { bySelector, background, property, fontPx, bold, rootBackground, rootColour, get };
}

/** Every pair one variant's rules make; `[{kind, selector, fg, bg, ratio, need}]`. */
function pairs(model) {
  const { bySelector, background, property, fontPx, bold, rootBackground } = model;
  const paper = model.paper;
  const surfaces = (c) => (c ? [c] : [rootBackground, paper].filter(Boolean));
  const out = [];
  const add = (kind, selector, fgValue, bgs, need) => {
    const fg = colour(fgValue);
    if (!fg || fg[3] === 0) return;
    for (const bg of bgs) {
      const solid = fg[3] < 1 ? over(fg, bg) : fg;
      out.push({ kind, selector, fg: solid, bg, ratio: ratio(solid, bg), need });
    }
  };
  const allSurfaces = [];
  for (const [selector, decls] of bySelector) {
    if (selector.startsWith(":root") || selector === "*") continue;
    const last = compounds(selector).at(-1) ?? "";
    const ownBackground = decls.has("background") || decls.has("background-color");
    if (decls.has("color") || (ownBackground && !pictureOnly.has(selector))) {
      const bg = background(selector);
      const large = fontPx(selector) >= 24 || (fontPx(selector) >= 18.66 && bold(selector));
      const text = decls.get("color") ?? property(selector, ["color"], null);
      add("text", selector, text ?? `${show(model.rootColour)}`, surfaces(bg), large ? 3 : 4.5);
    }
    if (ownBackground && !controls.test(last) && !pictureOnly.has(selector)) {
      const bg = background(selector);
      if (bg) allSurfaces.push(bg);
    }
    if (controls.test(bare(last)) && !selector.includes(":disabled")) {
      for (const [name, value] of decls) {
        if (/^border(-(top|right|bottom|left))?(-color)?$/.test(name) && !/\bnone\b|\b0\b/.test(value)) {
          add("control border", selector, value, surfaces(background(selector, true)), 3);
        }
      }
    }
  }
  for (const [selector, decls] of bySelector) {
    if (!selector.includes(":focus")) continue;
    for (const name of ["outline", "outline-color", "box-shadow"]) {
      if (decls.has(name)) add("focus ring", selector, decls.get(name), [...new Set([rootBackground, paper, ...allSurfaces].filter(Boolean).map(show))].map(colour), 3);
    }
  }
  return out;
}

/** The variants: the base palette, and each set of rules that redefines colour properties. */
function variants(rules) {
  const isColourProp = (name, value) => name.startsWith("--") && colour(value);
  const base = rules.filter((r) => !r.media);
  const baseProps = new Map();
  for (const rule of base) if (rule.selector === ":root") for (const [k, v] of rule.decls) if (k.startsWith("--")) baseProps.set(k, v);
  const out = [{ name: "default", rules: base, props: baseProps }];
  const groups = new Map();
  for (const rule of rules) {
    const redefines = [...rule.decls].some(([k, v]) => isColourProp(k, v));
    if (!redefines || (!rule.media && rule.selector === ":root")) continue;
    const name = rule.media ? rule.media : rule.selector;
    const group = groups.get(name) ?? { media: rule.media, props: new Map(baseProps) };
    for (const [k, v] of rule.decls) if (k.startsWith("--")) group.props.set(k, v);
    groups.set(name, group);
  }
  for (const [name, group] of groups) {
    const inForce = group.media ? rules.filter((r) => !r.media || r.media === group.media) : base;
    out.push({ name, rules: inForce, props: group.props });
  }
  return out;
}

/** Checks every variant of the stylesheet `css`; one check each. Resolves to `{passed, failed}`. */
export async function check({ css = defaultCss } = {}) {
  const rules = parse(readFileSync(css, "utf8"));
  let passed = 0;
  let failed = 0;
  for (const variant of variants(rules)) {
    const model = variantModel(variant.rules, variant.props);
    model.paper = colour(resolve("var(--paper)", variant.props));
    const all = pairs(model);
    const low = all.filter((p) => p.ratio < p.need);
    console.log(`${low.length ? "FAIL" : "ok  "} contrast, palette ${variant.name}: ${all.length} pairs, ${low.length} under the minimum`);
    for (const p of low) {
      console.log(`    ${p.kind} ${p.selector}: ${show(p.fg)} on ${show(p.bg)} is ${p.ratio.toFixed(2)}:1, needs ${p.need}:1`);
    }
    if (low.length) failed += 1;
    else passed += 1;
  }
  return { passed, failed };
}
