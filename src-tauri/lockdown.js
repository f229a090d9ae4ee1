// The kiosk's page-side lockdown: the browser's own keys, context menu,
// text selection and drag and drop do nothing. The window injects this
// script before every page loads (src-tauri/lockdown.rs), so it listens
// first, in the capture phase, on whatever page is shown, the error page
// included. It only cancels the browser's default action: the app's own
// key handlers (Space takes a photo, arrows move through the roster)
// still hear every key. Typing in a field keeps working: Backspace, Ctrl+A,
// Ctrl+Z and the rest are left alone there. A classic script in a closure,
// so the page gets no new global (src-tauri/lockdown.test.mjs runs it
// against a stand-in window).
(function lockDown(win) {
  "use strict";

  // Ctrl (or Cmd) with these: reload, close, quit, print, find, view
  // source, save, open, new window or tab, history, downloads, address
  // bar, bookmark, and the zoom keys (+ = - _ 0, main row or keypad).
  const CTRL_KEYS = new Set(["r", "w", "q", "p", "f", "g", "u", "s", "o", "n", "t", "h", "j", "l", "d", "+", "=", "-", "_", "0"]);
  // Ctrl+Shift with these: the web inspector and its panels, hard reload,
  // clear browsing data.
  const CTRL_SHIFT_KEYS = new Set(["i", "j", "c", "k", "r", "delete"]);
  // Alt with these: back, forward, home page.
  const ALT_KEYS = new Set(["arrowleft", "arrowright", "home"]);
  // Keys that are browser commands by themselves (media keyboards).
  const BROWSER_KEYS = new Set(["browserback", "browserforward", "browserrefresh", "browserhome", "browsersearch", "browserstop", "browserfavorites", "zoomin", "zoomout"]);
  // Inputs that take no typing: Backspace there may act as "back".
  const NOT_TYPED = new Set(["button", "checkbox", "color", "file", "hidden", "image", "radio", "range", "reset", "submit"]);

  function typedInto(node) {
    // A selection starts on a text node: its element decides.
    const target = node && node.nodeType === 3 ? node.parentElement : node;
    if (!target || typeof target.tagName !== "string") {
      return false;
    }
    if (target.isContentEditable) {
      return true;
    }
    const tag = target.tagName.toLowerCase();
    if (tag === "textarea") {
      return !target.readOnly && !target.disabled;
    }
    if (tag === "input") {
      return !NOT_TYPED.has(String(target.type).toLowerCase()) && !target.readOnly && !target.disabled;
    }
    return false;
  }

  function isBrowserShortcut(event) {
    const key = String(event.key || "").toLowerCase();
    if (/^f\d{1,2}$/.test(key) || BROWSER_KEYS.has(key)) {
      return true;
    }
    const ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && event.shiftKey && CTRL_SHIFT_KEYS.has(key)) {
      return true;
    }
    if (ctrl && !event.altKey && CTRL_KEYS.has(key)) {
      return true;
    }
    if (event.altKey && !ctrl && ALT_KEYS.has(key)) {
      return true;
    }
    // Backspace outside a field is "back" in some engines; in a field it deletes.
    return key === "backspace" && !typedInto(event.target);
  }

  const cancel = (event) => event.preventDefault();
  const options = { capture: true, passive: false };
  win.addEventListener("keydown", (event) => {
    if (isBrowserShortcut(event)) {
      event.preventDefault();
    }
  }, options);
  // Ctrl+wheel and pinch zoom.
  win.addEventListener("wheel", (event) => {
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
    }
  }, options);
  win.addEventListener("gesturestart", cancel, options);
  win.addEventListener("contextmenu", cancel, options);
  win.addEventListener("selectstart", (event) => {
    if (!typedInto(event.target)) {
      event.preventDefault();
    }
  }, options);
  win.addEventListener("dragstart", cancel, options);
  // A file dropped on the page would otherwise be opened in its place.
  win.addEventListener("dragover", (event) => {
    event.preventDefault();
    if (event.dataTransfer) {
      event.dataTransfer.dropEffect = "none";
    }
  }, options);
  win.addEventListener("drop", cancel, options);
})(window);
