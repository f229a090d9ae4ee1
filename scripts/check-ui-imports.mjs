#!/usr/bin/env node
// Keeps the UI's module graph one way: main.js wires the screens, screens
// use only the small modules below them, and only bridge.js reaches Tauri,
// through @tauri-apps/api. Also keeps api.js the one list of command names.
// Dependency-free (Node 18+): run as `node scripts/check-ui-imports.mjs`.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ui = fileURLToPath(new URL("../ui/", import.meta.url));
const js = join(ui, "js");
const entry = "main.js";
const bridge = "bridge.js";
const commandList = "api.js";
const words = "i18n.js";
const below = new Set(["navigation.js", "station-info.js", commandList, "dom.js", bridge, words, "language-picker.js"]);
const tauriApi = "../node_modules/@tauri-apps/api/";
const fluent = "../node_modules/@fluent/bundle/";

const problems = [];
const modules = readdirSync(js).filter((name) => name.endsWith(".js")).sort();
const sources = new Map(modules.map((name) => [name, readFileSync(join(js, name), "utf8")]));
const screens = modules.filter((name) => name !== entry && !below.has(name));

// Static imports and re-exports only: the clause before `from` is names,
// braces, commas and `*`, so a string "from" in code never reads as one.
const importPattern = /^\s*(?:import|export)\s+(?:([\w$*{},\s]+?)\s+from\s+)?["']([^"']+)["']/gm;

function importsOf(name) {
  const local = [];
  for (const [, clause = "", specifier] of sources.get(name).matchAll(importPattern)) {
    if (specifier.startsWith(tauriApi)) {
      if (name !== bridge) problems.push(`${name} imports ${specifier}: only ${bridge} reaches Tauri`);
    } else if (specifier.startsWith(fluent)) {
      if (name !== words) problems.push(`${name} imports ${specifier}: only ${words} reads Fluent files`);
    } else if (specifier.startsWith("./") && !specifier.slice(2).includes("/")) {
      const target = specifier.slice(2);
      if (!sources.has(target)) problems.push(`${name} imports ${specifier}, which is not a module in ui/js`);
      else local.push(target);
      // Commands go through api.js, so its list is the whole set the UI uses.
      if (target === bridge && name !== commandList && /\bcall\b|\*/.test(clause)) {
        problems.push(`${name} imports call from ${bridge}: call commands through ${commandList}`);
      }
    } else {
      problems.push(`${name} imports ${specifier}: only ./<module>.js, ${tauriApi}* and ${fluent}* are served without a bundler`);
    }
  }
  return local;
}

const graph = new Map(modules.map((name) => [name, importsOf(name)]));
// A dynamic import would be an edge this check cannot see.
for (const [name, source] of sources) {
  if (/\bimport\s*\(/.test(source)) problems.push(`${name} uses import(): import statically so the graph can be checked`);
}

for (const [name, targets] of graph) {
  for (const target of targets) {
    if (target === entry) problems.push(`${name} imports ${entry}, which only wires the others up`);
    else if (screens.includes(name) && !below.has(target)) {
      problems.push(`screen ${name} imports screen ${target}: let ${entry} connect them`);
    } else if (below.has(name) && !below.has(target)) {
      problems.push(`${name} is below the screens but imports screen ${target}`);
    } else if (name === bridge) {
      problems.push(`${bridge} imports ${target}: it sits under every other module`);
    }
  }
}
if (/^\s*export\b/m.test(sources.get(entry) ?? "")) problems.push(`${entry} exports something; nothing may import it`);

// Depth-first search; a module met again while still on the path closes a cycle.
const done = new Set();
function visit(name, path) {
  const seen = path.indexOf(name);
  if (seen >= 0) return problems.push(`import cycle: ${[...path.slice(seen), name].join(" → ")}`);
  if (done.has(name)) return;
  for (const target of graph.get(name)) visit(target, [...path, name]);
  done.add(name);
}
for (const name of modules) visit(name, []);

function filesUnder(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (name === "node_modules") return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
for (const path of filesUnder(ui)) {
  if (readFileSync(path, "latin1").includes("__TAURI_INTERNALS__")) {
    problems.push(`ui/${relative(ui, path)} uses __TAURI_INTERNALS__: go through ${bridge} and @tauri-apps/api`);
  }
}

const commands = [...(sources.get(commandList) ?? "").matchAll(/command\("([a-z_]+)"\)/g)].map((match) => match[1]);
for (const name of new Set(commands.filter((command, index) => commands.indexOf(command) !== index))) {
  problems.push(`${commandList} declares the command ${name} more than once`);
}
// A screen is named like a command ("history"): a name that is also a
// screen's data-screen means the screen.
const screenNames = new Set([...readFileSync(join(ui, "index.html"), "utf8").matchAll(/data-screen="([^"]+)"/g)].map((match) => match[1]));
for (const [module, source] of sources) {
  if (module === commandList) continue;
  for (const name of new Set(commands)) {
    if (screenNames.has(name)) continue;
    if (new RegExp(`["'\`]${name}["'\`]`).test(source)) problems.push(`${module} names the command "${name}": call it through ${commandList}`);
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check-ui-imports: ${problem}`);
  process.exit(1);
}
console.log(`UI imports: ${modules.length} modules (${screens.length} screens), one way, no cycle; ${commands.length} commands, named only in ${commandList}`);
