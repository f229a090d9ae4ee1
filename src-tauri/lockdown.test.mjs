// Unit tests of the kiosk's key filter (lockdown.js), run against a
// stand-in window: `node --test src-tauri/lockdown.test.mjs`
// (scripts/test.sh runs it; the real window is tested by tests/e2e/lockdown.rs).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const script = readFileSync(new URL("./lockdown.js", import.meta.url), "utf8");

/** Runs lockdown.js on a fresh stand-in window; returns its dispatcher. */
function lockedWindow() {
  const listeners = new Map();
  const window = {
    addEventListener(type, listener, options) {
      assert.equal(options.capture, true, `${type} listens in the capture phase`);
      listeners.set(type, [...(listeners.get(type) || []), listener]);
    },
  };
  vm.runInNewContext(script, { window });
  const globals = Object.keys(window).filter((name) => name !== "addEventListener");
  assert.deepEqual(globals, [], "the script adds nothing to the page's globals");
  /** Whether dispatching `event` of `type` had its default action cancelled. */
  return (type, event) => {
    let cancelled = false;
    const dispatched = { ...event, preventDefault: () => { cancelled = true; } };
    for (const listener of listeners.get(type) || []) {
      listener(dispatched);
    }
    return cancelled;
  };
}

const page = { tagName: "MAIN", nodeType: 1 };
const field = { tagName: "INPUT", type: "text", nodeType: 1 };
const textarea = { tagName: "TEXTAREA", nodeType: 1 };
const checkbox = { tagName: "INPUT", type: "checkbox", nodeType: 1 };
const readOnly = { tagName: "INPUT", type: "text", readOnly: true, nodeType: 1 };

/** A keydown of `combo` ("Ctrl+Shift+I", "F5", "Alt+ArrowLeft") on `target`. */
function key(combo, target = page) {
  const parts = combo.split("+");
  // "Ctrl++": the last part is the key "+".
  const name = combo.endsWith("++") ? "+" : parts[parts.length - 1];
  const has = (modifier) => parts.slice(0, -1).includes(modifier);
  return {
    key: name,
    ctrlKey: has("Ctrl"),
    shiftKey: has("Shift"),
    altKey: has("Alt"),
    metaKey: has("Meta"),
    target,
  };
}

const BLOCKED = [
  "F5", "Ctrl+r", "Ctrl+Shift+R", "Ctrl+w", "Ctrl+q", "Ctrl+p", "Ctrl+f", "Ctrl+u",
  "Ctrl+Shift+I", "Ctrl+Shift+J", "Ctrl+Shift+C", "F7", "F11", "F12", "F1", "Ctrl++", "Ctrl+=",
  "Ctrl+-", "Ctrl+0", "Ctrl+Shift++", "Alt+ArrowLeft", "Alt+ArrowRight", "Meta+r",
  "BrowserBack", "BrowserRefresh", "Ctrl+n", "Ctrl+t", "Ctrl+s",
];

test("the browser's shortcuts are cancelled on the page", () => {
  const dispatch = lockedWindow();
  for (const combo of BLOCKED) {
    assert.equal(dispatch("keydown", key(combo)), true, combo);
  }
});

test("the browser's shortcuts are cancelled while typing in a field too", () => {
  const dispatch = lockedWindow();
  for (const combo of BLOCKED) {
    assert.equal(dispatch("keydown", key(combo, field)), true, combo);
  }
});

test("Backspace goes back nowhere outside a field, and deletes in one", () => {
  const dispatch = lockedWindow();
  assert.equal(dispatch("keydown", key("Backspace")), true);
  assert.equal(dispatch("keydown", key("Backspace", checkbox)), true, "a checkbox takes no typing");
  assert.equal(dispatch("keydown", key("Backspace", readOnly)), true, "nor does a read-only field");
  assert.equal(dispatch("keydown", key("Backspace", field)), false);
  assert.equal(dispatch("keydown", key("Backspace", textarea)), false);
  assert.equal(dispatch("keydown", key("Backspace", { tagName: "DIV", isContentEditable: true, nodeType: 1 })), false);
});

test("typing and editing keys are left alone", () => {
  const dispatch = lockedWindow();
  const editing = [
    "a", "R", "0", "+", " ", "Enter", "Tab", "Escape", "ArrowLeft", "ArrowDown", "Delete", "Home",
    "Ctrl+a", "Ctrl+c", "Ctrl+v", "Ctrl+x", "Ctrl+z", "Ctrl+Shift+Z", "Ctrl+y", "Ctrl+ArrowLeft",
    "Shift+ArrowRight", "Alt+a",
  ];
  for (const combo of editing) {
    assert.equal(dispatch("keydown", key(combo, field)), false, `${combo} in a field`);
    assert.equal(dispatch("keydown", key(combo)), false, `${combo} on the page`);
  }
  assert.equal(dispatch("keydown", key("Ctrl+Backspace", field)), false, "deletes a word");
  // AltGr arrives as Ctrl+Alt: AltGr+q is "@" on a German keyboard, AltGr+0 "}".
  assert.equal(dispatch("keydown", { ...key("Ctrl+Alt+q", field), key: "@" }), false);
  assert.equal(dispatch("keydown", { ...key("Ctrl+Alt+0", field), key: "}" }), false);
});

test("Ctrl+wheel does not zoom; the wheel alone still scrolls", () => {
  const dispatch = lockedWindow();
  assert.equal(dispatch("wheel", { ctrlKey: true, deltaY: -100 }), true);
  assert.equal(dispatch("wheel", { ctrlKey: false, deltaY: -100 }), false);
  assert.equal(dispatch("gesturestart", {}), true, "pinch zoom");
});

test("no context menu, no dragging, no dropped files", () => {
  const dispatch = lockedWindow();
  assert.equal(dispatch("contextmenu", { target: page }), true);
  assert.equal(dispatch("contextmenu", { target: field }), true);
  assert.equal(dispatch("dragstart", { target: page }), true);
  const dataTransfer = { dropEffect: "copy" };
  assert.equal(dispatch("dragover", { target: page, dataTransfer }), true);
  assert.equal(dataTransfer.dropEffect, "none", "the pointer shows no drop");
  assert.equal(dispatch("drop", { target: page }), true);
});

test("text is selectable in fields only", () => {
  const dispatch = lockedWindow();
  assert.equal(dispatch("selectstart", { target: page }), true);
  assert.equal(dispatch("selectstart", { target: { nodeType: 3, parentElement: page } }), true);
  assert.equal(dispatch("selectstart", { target: field }), false);
  assert.equal(dispatch("selectstart", { target: { nodeType: 3, parentElement: { tagName: "P", isContentEditable: true } } }), false);
});
