// The staff gate in the page: Queue, History, the attendant view and
// Settings ask for the staff PIN first (the station's commands refuse
// without it anyway, with `staff.locked`); while unlocked, a Lock button
// shows, keys and pointer keep the session open (told to the station at
// most every ACTIVITY_EVERY_MS), and when the session locks — by Lock, by
// itself after the idle time, or because a command said so — the page
// leaves the staff screen for home and empties what it showed. Settings'
// "Change staff PIN" form is here too.

import * as api from "./api.js";
import { byId, showError, showMessage } from "./dom.js";
import { go } from "./navigation.js";

const GATED = new Set(["queue", "history", "attendant", "settings"]);
// Where a kiosk's Staff button leads once unlocked.
const KIOSK_STAFF_SCREEN = "attendant";
const ACTIVITY_EVERY_MS = 15000;

// The station's last word: `{state: open|no_pin|locked|unlocked, kiosk, locksInMs, triesLeft, waitMs, lockedOutMs}`.
let status = null;
// The screen to open once the PIN is right.
let wanted = null;
let lastActivity = 0;
let lockTimer = null;
let countdown = null;

const isOpen = () => status?.state === "open" || status?.state === "unlocked";

export function init() {
  // Before main.js's own click handler: a gated screen waits for the PIN.
  document.addEventListener("click", onNavigate, { capture: true });
  for (const type of ["keydown", "pointerdown"]) {
    document.addEventListener(type, onActivity, { capture: true, passive: true });
  }
  document.addEventListener("staff:locked", () => {
    const screen = currentScreen();
    locked();
    ask(GATED.has(screen) ? screen : null);
  });
  byId("staff-open").addEventListener("click", () => ask(KIOSK_STAFF_SCREEN));
  byId("staff-lock").addEventListener("click", lock);
  byId("staff-form").addEventListener("submit", (event) => {
    event.preventDefault();
    unlock();
  });
  byId("staff-cancel").addEventListener("click", closeDialog);
  byId("staff-dialog").addEventListener("close", () => {
    byId("staff-pin").value = "";
    clearInterval(countdown);
  });
  byId("staff-pin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    changePin();
  });
  refresh().catch(() => {});
}

function currentScreen() {
  return document.querySelector("[data-screen]:not([hidden])")?.dataset.screen ?? null;
}

function onNavigate(event) {
  const target = event.target.closest("[data-go]");
  if (!target || !GATED.has(target.dataset.go) || isOpen()) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  ask(target.dataset.go);
}

function onActivity() {
  if (status?.state !== "unlocked") return;
  const now = Date.now();
  if (now - lastActivity < ACTIVITY_EVERY_MS) return;
  lastActivity = now;
  api.staffActivity().catch(() => {});
}

async function refresh() {
  apply(await api.staffStatus());
}

function apply(next) {
  const wasOpen = isOpen();
  status = next;
  const open = isOpen();
  byId("staff-lock").hidden = status.state !== "unlocked";
  byId("staff-open").hidden = !status.kiosk || open;
  if (status.kiosk) document.querySelector("header.bar nav").hidden = !open;
  clearTimeout(lockTimer);
  if (status.state === "unlocked" && status.locksInMs !== null) {
    // Ask again just after the idle lock is due; activity in between moved it.
    lockTimer = setTimeout(() => refresh().catch(() => {}), status.locksInMs + 250);
  }
  if (wasOpen && !open) leaveStaffScreens();
}

/** The session ended: no staff screen stays on show. */
function locked() {
  apply({ ...(status ?? { kiosk: false, triesLeft: 0, waitMs: 0, lockedOutMs: 0 }), state: "locked", locksInMs: null });
}

function leaveStaffScreens() {
  for (const section of document.querySelectorAll("[data-screen]")) {
    if (!GATED.has(section.dataset.screen)) continue;
    for (const shown of section.querySelectorAll("tbody, ol, ul.checks, .timeline")) shown.replaceChildren();
    for (const form of section.querySelectorAll("form")) form.reset();
    for (const notice of section.querySelectorAll(".notice")) notice.hidden = true;
  }
  if (GATED.has(currentScreen())) go("home");
}

async function lock() {
  try {
    await api.staffLock();
  } finally {
    locked();
    byId("staff-open").focus?.();
  }
}

/** Opens the PIN dialog; `screen` opens once unlocked. */
async function ask(screen) {
  wanted = screen;
  const dialog = byId("staff-dialog");
  if (!dialog.open) dialog.showModal();
  byId("staff-unlock-message").hidden = true;
  try {
    await refresh();
  } catch (error) {
    showError(byId("staff-unlock-message"), error);
  }
  if (isOpen()) return finish();
  explain();
  byId("staff-pin").focus();
}

function closeDialog() {
  byId("staff-dialog").close();
}

function finish() {
  closeDialog();
  const screen = wanted;
  wanted = null;
  if (screen) go(screen);
}

async function unlock() {
  const input = byId("staff-pin");
  const pin = input.value;
  input.value = "";
  if (!/^[0-9]{4,12}$/.test(pin)) {
    showMessage(byId("staff-unlock-message"), "staff-pin-rules");
    input.focus();
    return;
  }
  byId("staff-submit").disabled = true;
  try {
    apply(await api.staffUnlock({ pin }));
    finish();
  } catch (error) {
    await refresh().catch(() => {});
    if (error?.code === "staff.wrong_pin" || error?.code === "staff.wait" || error?.code === "staff.locked_out") explain(error.code);
    else showError(byId("staff-unlock-message"), error);
    input.focus();
  } finally {
    byId("staff-submit").disabled = Boolean(status && (status.waitMs > 0 || status.lockedOutMs > 0 || status.state === "no_pin"));
  }
}

/** What the dialog says: no PIN set, the lockout or the wait (counting down), or what the last wrong PIN left. */
function explain(code) {
  clearInterval(countdown);
  const message = byId("staff-unlock-message");
  const submit = byId("staff-submit");
  if (status?.state === "no_pin") {
    showMessage(message, "staff-no-pin");
    submit.disabled = true;
    byId("staff-pin").disabled = true;
    return;
  }
  byId("staff-pin").disabled = false;
  const until = Date.now() + Math.max(status?.waitMs ?? 0, status?.lockedOutMs ?? 0);
  const lockedOut = (status?.lockedOutMs ?? 0) > 0;
  const tick = () => {
    const seconds = Math.ceil((until - Date.now()) / 1000);
    if (seconds <= 0) {
      clearInterval(countdown);
      submit.disabled = false;
      if (code === "staff.wrong_pin") showMessage(message, "staff-wrong-pin", { triesLeft: status.triesLeft });
      else message.hidden = true;
      return;
    }
    submit.disabled = true;
    if (lockedOut) showMessage(message, "staff-locked-out", { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
    else showMessage(message, "staff-wait", { seconds, triesLeft: status.triesLeft });
  };
  tick();
  if (until > Date.now()) countdown = setInterval(tick, 1000);
}

async function changePin() {
  const pin = byId("staff-new-pin");
  const repeat = byId("staff-repeat-pin");
  const message = byId("staff-change-message");
  const values = { pin: pin.value, repeat: repeat.value };
  pin.value = "";
  repeat.value = "";
  if (!/^[0-9]{4,12}$/.test(values.pin)) return showMessage(message, "staff-pin-rules");
  if (values.pin !== values.repeat) return showMessage(message, "staff-pin-mismatch");
  try {
    apply(await api.staffSetPin(values));
    showMessage(message, "staff-pin-changed");
  } catch (error) {
    showError(message, error);
  }
}
