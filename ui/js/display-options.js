// Display options a person can change wherever they stand: large text. The
// choice is an attribute on the page's root (data-large-text), from which
// app.css scales every rem-based size to 150%. Any button marked
// data-large-text-toggle switches it and shows the state in aria-pressed.
// A desk station remembers the choice across starts (localStorage); a kiosk
// calls resetDisplayOptions() when it returns to its attract screen, so the
// next visitor starts from the normal size.

const storageKey = "station.display.largeText";
const toggleSelector = "[data-large-text-toggle]";
let listening = false;

function stored() {
  try {
    return localStorage.getItem(storageKey) === "on";
  } catch {
    // Storage can be off (a private window): the choice then lasts the page.
    return false;
  }
}

function remember(on) {
  try {
    if (on) localStorage.setItem(storageKey, "on");
    else localStorage.removeItem(storageKey);
  } catch {
    // As above: nothing to remember it in.
  }
}

function apply(on) {
  document.documentElement.toggleAttribute("data-large-text", on);
  for (const button of document.querySelectorAll(toggleSelector)) button.setAttribute("aria-pressed", String(on));
}

/** Whether large text is on. */
export function largeText() {
  return document.documentElement.hasAttribute("data-large-text");
}

/** Turns large text on or off, and remembers the choice. */
export function setLargeText(on) {
  apply(on);
  remember(on);
}

/**
 * Applies the remembered choice and makes every large-text toggle work,
 * including those added to the page later. Call it again after adding one
 * so its aria-pressed is right from the start.
 */
export function initDisplayOptions() {
  apply(stored());
  if (listening) return;
  listening = true;
  document.addEventListener("click", (event) => {
    if (event.target.closest(toggleSelector)) setLargeText(!largeText());
  });
}

/** Back to the normal size, forgotten: for a kiosk's next visitor. */
export function resetDisplayOptions() {
  setLargeText(false);
}
