// The self-service kiosk. On a kiosk (station info `kiosk`), the page opens
// on the attract screen, where the camera looks for a ticket's QR code all
// day; a visitor holds their ticket up (or types its registration code),
// confirms their name, and goes on through the desk's own photo, request
// and result screens, then back here. The staff nav is hidden: staff reach
// the desk screens through the staff gate.
//
// Every step of a visitor has an idle timeout: the last seconds count down
// on screen, any touch or key starts it again, and when it runs out the
// page returns to the attract screen. Leaving a step ends it (the flow is
// cancelled and forgotten, the photo discarded, the result forgotten), and
// this module wipes every field and text that held the visitor's name or
// code. A request's progress (the wallet opened it) counts as activity,
// since the visitor is busy with their phone then.

import * as api from "./api.js";
import { channel } from "./bridge.js";
import { byId } from "./dom.js";
import { localize } from "./i18n.js";
import { go, setHomeScreen } from "./navigation.js";
import { stationInfo } from "./station-info.js";

// The last seconds of the idle time are shown as a countdown.
const COUNTDOWN_SECS = 10;
// The screens a visitor goes through between two attract screens.
const VISITOR_STEPS = new Set(["kiosk-code", "kiosk-confirm", "kiosk-message", "photo", "flow", "result"]);

let idleSecs = 45;
let visitor = null;
let looking = false;
// Counts scanner starts: messages of an earlier scanner are dropped.
let scans = 0;
// Counts visitors: an answer that arrives after its visitor left is dropped.
let visits = 0;
let inSession = false;
let idleTimer = null;
let countdownTimer = null;
let deadline = 0;
const goneListeners = [];

export function init() {
  byId("kiosk-scan").addEventListener("click", () => localize(byId("kiosk-scan-status"), "kiosk-scan-hint"));
  byId("kiosk-type").addEventListener("click", () => go("kiosk-code"));
  byId("kiosk-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = byId("kiosk-code-input").value.trim();
    if (!code) return showCodeNote("kiosk-code-empty");
    showCodeNote("kiosk-code-finding");
    lookup(code);
  });
  byId("kiosk-yes").addEventListener("click", confirmed);
  byId("kiosk-no").addEventListener("click", () =>
    go("kiosk-message", { title: "kiosk-not-you-title", detail: "kiosk-not-you-detail" }));
  for (const button of document.querySelectorAll("[data-kiosk-start]")) {
    button.addEventListener("click", () => go("attract"));
  }
  for (const type of ["pointerdown", "keydown", "input"]) {
    document.addEventListener(type, restartIdle, { capture: true, passive: true });
  }
  new MutationObserver(restartIdle).observe(byId("status-line"), { childList: true, characterData: true, subtree: true });
}

/** Calls `listener()` whenever a visitor is gone, so their language and display choices go too. */
export function onVisitorGone(listener) {
  goneListeners.push(listener);
}

/** Station info arrived: on a kiosk, "home" is the attract screen and the staff nav is hidden. */
export function applyInfo(info) {
  const kiosk = Boolean(info.kiosk);
  document.body.classList.toggle("kiosk-mode", kiosk);
  document.querySelector("header.bar nav").hidden = kiosk;
  setHomeScreen(kiosk ? "attract" : "home");
  if (kiosk && !document.querySelector('[data-screen="home"]').hidden) go("attract");
}

export const attract = {
  show() {
    endVisit();
    startScanner();
  },
  leave(next) {
    stopScanner();
    if (VISITOR_STEPS.has(next)) beginVisit();
  },
};

export const code = {
  show() {
    byId("kiosk-code-input").value = "";
    showCodeNote(null);
    // After the heading takes focus: the visitor types at once.
    queueMicrotask(() => byId("kiosk-code-input").focus());
  },
};

export const confirm = {
  show() {
    if (!visitor) return go("attract");
    byId("kiosk-confirm-name").textContent = visitor.name;
    byId("kiosk-confirm-queued").hidden = !visitor.jobId;
  },
};

export const message = {
  show({ title = "kiosk-trouble-title", detail = "kiosk-trouble-detail" } = {}) {
    visitor = null;
    localize(byId("kiosk-message-title"), title);
    localize(byId("kiosk-message-detail"), detail);
  },
};

async function startScanner() {
  const mine = ++scans;
  const status = byId("kiosk-scan-status");
  localize(status, "kiosk-scan-looking");
  try {
    const events = channel((update) => mine === scans && scanned(update));
    const view = await api.kioskScanStart({ events });
    // The station's idle time holds even when the visitor left this screen
    // before the answer came (they touched "Type my code" at once).
    idleSecs = view.idleSecs;
    if (mine !== scans) return;
    byId("kiosk-camera").hidden = !view.preview;
    describeCamera(view.camera);
  } catch {
    if (mine === scans) localize(status, "kiosk-camera-trouble");
  }
}

function stopScanner() {
  scans++;
  api.kioskScanStop().catch(() => {});
  const preview = byId("kiosk-preview");
  if (preview.src.startsWith("blob:")) URL.revokeObjectURL(preview.src);
  preview.removeAttribute("src");
}

/** A preview frame (JPEG bytes), news of the camera, or the ticket read. */
function scanned(update) {
  if (update instanceof ArrayBuffer) {
    const preview = byId("kiosk-preview");
    const shown = preview.src;
    preview.src = URL.createObjectURL(new Blob([update], { type: "image/jpeg" }));
    if (shown.startsWith("blob:")) URL.revokeObjectURL(shown);
    return;
  }
  if (update.camera) return describeCamera(update.camera);
  if (update.ticket) {
    localize(byId("kiosk-scan-status"), "kiosk-scan-reading");
    lookup(update.ticket);
  }
}

function describeCamera(camera) {
  const status = byId("kiosk-scan-status");
  if (camera.problem) localize(status, "kiosk-camera-trouble");
  else if (status.dataset.l10nId === "kiosk-camera-trouble") localize(status, "kiosk-scan-looking");
}

// Each refusal's words; the message screen adds "Please ask at the staff desk".
const refusals = {
  "kiosk.not_in_roster": ["kiosk-not-found-title", "kiosk-not-found-detail"],
  "kiosk.no_code": ["kiosk-not-found-title", "kiosk-not-found-detail"],
  "kiosk.code_too_long": ["kiosk-not-found-title", "kiosk-not-found-detail"],
  "kiosk.already_issued": ["kiosk-already-title", "kiosk-already-detail"],
  "kiosk.slow_down": ["kiosk-slow-down-title", "kiosk-slow-down-detail"],
};

async function lookup(code) {
  if (looking) return;
  looking = true;
  const mine = visits;
  try {
    const found = await api.kioskLookup({ code });
    if (mine !== visits) return;
    visitor = found;
    go("kiosk-confirm");
  } catch (error) {
    if (mine !== visits) return;
    const [title, detail] = refusals[error?.code] || ["kiosk-trouble-title", "kiosk-trouble-detail"];
    go("kiosk-message", { title, detail });
  } finally {
    looking = false;
  }
}

/** "Yes, that's me": their queued issuance, or the photo (if needed) and the request. */
function confirmed() {
  const found = visitor;
  if (!found) return go("attract");
  const template = stationInfo().templates.find((t) => t.name === found.template && t.kind === "issuance");
  if (!template) return go("kiosk-message", {});
  if (found.jobId) return go("flow", { template, jobId: found.jobId, recipient: found.name });
  const args = { template, claims: found.claims, personId: found.personId };
  go(template.photo ? "photo" : "flow", args);
}

function showCodeNote(id) {
  const note = byId("kiosk-code-note");
  note.hidden = !id;
  if (id) localize(note, id);
  else note.textContent = "";
}

function beginVisit() {
  inSession = true;
  restartIdle();
}

/** Back at the attract screen: the visitor is forgotten, here and in the station. */
function endVisit() {
  const hadVisitor = inSession;
  visits++;
  inSession = false;
  stopIdle();
  visitor = null;
  looking = false;
  api.discardPhoto().catch(() => {});
  byId("kiosk-code-input").value = "";
  showCodeNote(null);
  byId("kiosk-confirm-name").textContent = "";
  for (const id of ["kiosk-message-title", "kiosk-message-detail"]) {
    const text = byId(id);
    text.textContent = "";
    delete text.dataset.l10nId;
  }
  if (!hadVisitor) return;
  for (const listener of goneListeners) {
    Promise.resolve().then(listener).catch((error) => console.warn(`a visitor's choice stays: ${error?.message ?? error}`));
  }
}

function restartIdle() {
  if (!inSession) return;
  stopIdle();
  deadline = Date.now() + idleSecs * 1000;
  idleTimer = setTimeout(startCountdown, Math.max(0, idleSecs - COUNTDOWN_SECS) * 1000);
}

function startCountdown() {
  byId("kiosk-idle").hidden = false;
  // Said once, not every second.
  localize(byId("kiosk-idle-note"), "kiosk-idle-note");
  countdown();
  countdownTimer = setInterval(countdown, 250);
}

function countdown() {
  const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  localize(byId("kiosk-idle-count"), "kiosk-idle-count", { seconds });
  // Leaving the step cancels and forgets its flow, photo and result; the attract screen forgets the rest.
  if (seconds === 0) go("attract");
}

function stopIdle() {
  clearTimeout(idleTimer);
  clearInterval(countdownTimer);
  byId("kiosk-idle").hidden = true;
  const note = byId("kiosk-idle-note");
  note.textContent = "";
  delete note.dataset.l10nId;
}
