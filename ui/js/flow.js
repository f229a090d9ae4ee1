// The request on screen: QR code with a countdown, the PIN once the wallet
// has opened the request, then the result. Driven only by the engine's
// `flow://<id>/state` events.

import * as api from "./api.js";
import { listen } from "./bridge.js";
import { byId, el, setText, showError } from "./dom.js";
import { errorId, errorMessage, has, localize, t } from "./i18n.js";
import { go } from "./navigation.js";
import { stationInfo } from "./station-info.js";

let flowId = null;
let stopListening = null;
let shownUrl = null;
let expiresAtMs = 0;
let countdownTimer = null;
let resetTimer = null;
let lastStart = null;
// Counts visits to the request screen, so answers that arrive after the
// visit ended (a slow create, a late listener) are dropped.
let visits = 0;
const forgottenListeners = [];
const issuedListeners = [];

export function init() {
  byId("cancel-flow").addEventListener("click", () => flowId && api.cancelFlow({ flowId }).catch(() => {}));
  for (const button of document.querySelectorAll("[data-wallet]")) {
    button.addEventListener("click", () => walletAction(button.dataset.wallet));
  }
  byId("result-done").addEventListener("click", () => finish());
  byId("result-verify").addEventListener("click", () => {
    const check = verificationFor(lastStart?.template);
    finish();
    if (check) go("flow", { template: check });
  });
  byId("result-retry").addEventListener("click", () => {
    const again = lastStart;
    finish();
    // A photo is used once: a new request takes a new one (a queued job
    // keeps the photo it was queued with).
    if (again) go(again.template.photo && !again.jobId ? "photo" : "flow", again);
  });
}

/** Calls `listener(flowId, template)` when an issuance on screen succeeds (its badge prints then). */
export function onIssued(listener) {
  issuedListeners.push(listener);
}

/** Calls `listener()` whenever a result is done with, so what led to it can be forgotten too. */
export function onResultForgotten(listener) {
  forgottenListeners.push(listener);
}

/**
 * `args`: `{template, claims, personId?, overrideReason?}` to issue (a
 * roster person's id, and why they are issued it again), `{template,
 * jobId, recipient}` to issue a queued job, or `{template}` of a
 * presentation.
 */
export async function show(args) {
  if (!args.template) return;
  const visit = ++visits;
  lastStart = args;
  clearScreen();
  byId("wallet-panel").hidden = !stationInfo().sandbox;
  localize(byId("status-line"), "desk-flow-creating");
  try {
    const started = await start(args);
    // Left while the request was being created: it is no longer wanted.
    if (visit !== visits) return forget(started.flowId);
    flowId = started.flowId;
    const unlisten = await listen(`flow://${flowId}/state`, render);
    if (visit !== visits) return unlisten();
    stopListening = unlisten;
    await api.followFlow({ flowId });
  } catch (error) {
    if (visit === visits) showResult({ state: "failed", error, kind: args.template.kind });
  }
}

/**
 * Leaving the request screen (the nav bar, Back, a new issuance) ends the
 * flow: a request nobody watches must not keep renewing, and its end must
 * not pull the next recipient's screen away. Only its own result follows.
 */
export function leave(next) {
  clearInterval(countdownTimer);
  if (next === "result") return;
  abandon();
}

/** Forgets the flow on screen (the engine cancels it) and its recipient. */
function abandon() {
  visits++;
  clearTimeout(resetTimer);
  stopListening?.();
  stopListening = null;
  if (flowId) forget(flowId);
  flowId = null;
  lastStart = null;
  clearScreen();
}

function start({ template, claims, personId, overrideReason, jobId }) {
  if (template.kind === "presentation") return api.startVerification({ template: template.name });
  if (jobId) return api.queueStart({ jobId });
  return api.startIssuance({ template: template.name, claims, personId: personId ?? null, overrideReason: overrideReason ?? null });
}

function forget(id) {
  api.forgetFlow({ flowId: id }).catch(() => {});
}

function render(view) {
  if (view.flowId !== flowId) return;
  switch (view.state) {
    case "creating":
      localize(byId("status-line"), "desk-flow-creating");
      break;
    case "awaiting_scan":
      showRequest(view.request);
      localize(byId("status-line"), view.reconnecting ? reconnectingNote : view.renewing ? "desk-flow-renewing" : "desk-flow-scan");
      break;
    case "retrieved":
      showRequest(view.request);
      byId("qr").classList.add("dimmed");
      showPin(view.pin);
      localize(byId("status-line"), view.reconnecting ? reconnectingNote : view.pin ? "desk-flow-enter-pin" : "desk-flow-finish");
      break;
    default:
      showResult(view);
  }
}

const reconnectingNote = "desk-flow-reconnecting";

function showRequest(request) {
  if (!request) return;
  if (request.url !== shownUrl) {
    // Swap in place: the old code stays until the new one is parsed, so a
    // renewal never flashes an empty square.
    const svg = new DOMParser().parseFromString(request.qrSvg, "image/svg+xml").documentElement;
    svg.setAttribute("aria-hidden", "true");
    byId("qr").replaceChildren(document.importNode(svg, true));
    byId("qr").dataset.url = request.url;
    shownUrl = request.url;
    const link = byId("open-in-wallet");
    link.href = request.url;
    link.hidden = !(stationInfo().openInWallet || window.matchMedia("(max-width: 800px)").matches);
  }
  expiresAtMs = request.expiresAtMs;
  tick();
  clearInterval(countdownTimer);
  countdownTimer = setInterval(tick, 1000);
}

function tick() {
  const seconds = Math.max(0, Math.round((expiresAtMs - Date.now()) / 1000));
  localize(byId("countdown"), "desk-flow-expires", { time: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}` });
}

function showPin(pin) {
  if (!pin || byId("pin")) return;
  // Digits read left to right in every language.
  // The aria-label says the digits one by one.
  const shown = el("p", { id: "pin", class: "pin", dir: "ltr", text: pin, l10n: ["desk-flow-pin", { digits: pin.split("").join(" ") }] });
  shown.style.setProperty("--digits", pin.length);
  byId("pin-slot").replaceChildren(shown);
  byId("qr").closest(".flow").classList.add("revealed");
  performance.mark("station:pin-shown");
}

// Each outcome's words: `title` and `detail` are `[message id, args]`,
// or a station error for the detail.
const outcomes = {
  issued: () => ({ ok: true, title: ["desk-result-issued"], detail: ["desk-result-issued-detail"] }),
  verified: () => ({ ok: true, title: ["desk-result-verified"], detail: ["desk-result-verified-detail"] }),
  expired: () => ({ ok: false, retry: true, title: ["desk-result-expired"], detail: ["desk-result-expired-detail"] }),
  // Not a failure: the issuance waits in the station's queue.
  queued: (view) => {
    const recipient = recipientName(lastStart);
    return {
      tone: "queued",
      title: ["desk-result-queued"],
      detail: ["desk-result-queued-detail", {
        recipient,
        possessive: possessive(recipient),
        credential: lastStart?.template.displayName || t("desk-result-credential"),
      }],
      why: view.queued?.reason,
    };
  },
  failed: (view) => failure(view.error || {}),
};

/** Who the flow is for: the queued job's recipient, or the name typed in. */
function recipientName(args) {
  if (args?.recipient) return args.recipient;
  const claims = args?.claims || {};
  const named = [claims.given_name, claims.family_name].filter(Boolean);
  return (named.length > 0 ? named : Object.values(claims).filter(Boolean)).join(" ") || t("desk-the-recipient");
}

/** The English possessive the English message uses; other languages use the name as it is. */
function possessive(name) {
  return name.endsWith("s") ? `${name}'` : `${name}'s`;
}

function failure(error) {
  // The station words every failure, the service's own ones included
  // (`service.<code>`); the page says it in its language where it has words for the code.
  return { ok: false, retry: true, title: ["desk-result-failed"], detail: error.message || error.code ? error : ["desk-result-failed-detail"], code: error.code };
}

/** `words`: `[message id, args]`, or a station error `{code, message}`. */
function say(target, words) {
  if (Array.isArray(words)) localize(target, ...words);
  else if (words.code && has(errorId(words.code))) localize(target, errorId(words.code));
  else setText(target, errorMessage(words));
}

function showResult(view) {
  clearInterval(countdownTimer);
  stopListening?.();
  stopListening = null;
  if (view.state === "cancelled") return finish();
  const outcome = (outcomes[view.state] || outcomes.failed)(view);
  byId("result-card").className = `result ${outcome.tone || (outcome.ok ? "ok" : "bad")}`;
  say(byId("result-title"), outcome.title);
  say(byId("result-detail"), outcome.detail);
  if (outcome.why) localize(byId("result-code"), "desk-result-why", { why: errorMessage(outcome.why) });
  else if (outcome.code) localize(byId("result-code"), "desk-result-code", { code: outcome.code });
  else setText(byId("result-code"), "");
  byId("result-retry").hidden = !outcome.retry;
  byId("result-verify").hidden = !(view.state === "issued" && verificationFor(lastStart?.template));
  showClaims(view.presentation);
  clearScreen();
  go("result");
  if (view.state === "issued") for (const listener of issuedListeners) listener(view.flowId, lastStart?.template);
  const seconds = stationInfo().resultResetSecs;
  localize(byId("reset-note"), "desk-result-reset", { seconds });
  clearTimeout(resetTimer);
  resetTimer = setTimeout(finish, seconds * 1000);
}

function showClaims(presentation) {
  const list = byId("result-claims");
  list.replaceChildren();
  for (const credential of presentation?.credentials || []) {
    // The station's own rows are named in the page's language; a claim by its name in the credential.
    const rows = [[{ l10n: ["desk-result-issuer"] }, credential.issuer], [{ l10n: ["desk-result-revocation"] }, credential.revocationStatus]];
    if (credential.faceCheckScore !== null && credential.faceCheckScore !== undefined) rows.push([{ l10n: ["desk-result-face-check"] }, `${credential.faceCheckScore}`]);
    for (const [name, value] of Object.entries(credential.claims)) rows.push([{ text: name }, typeof value === "string" ? value : JSON.stringify(value)]);
    for (const [name, value] of rows) if (value) list.append(el("dt", name), el("dd", { text: value, dir: "auto" }));
  }
}

/** A check of the credential type just issued, for "Verify it now". */
function verificationFor(issued) {
  if (!issued) return null;
  return stationInfo().templates.find((t) => t.kind === "presentation" && t.credentialType === issued.credentialType) || null;
}

/** Back to the start, forgetting the recipient, the PIN and the flow. */
function finish() {
  forgetResult();
  go("home");
}

/** The result is done with: its flow, recipient and claims are forgotten. */
function forgetResult() {
  abandon();
  byId("result-claims").replaceChildren();
  // The result's words may name the recipient ("Megan Bowen's badge is queued").
  for (const id of ["result-title", "result-detail", "result-code"]) {
    const text = byId(id);
    text.textContent = "";
    delete text.dataset.l10nId;
    delete text.dataset.l10nArgs;
  }
  for (const listener of forgottenListeners) listener();
}

function clearScreen() {
  clearInterval(countdownTimer);
  byId("pin-slot").replaceChildren();
  byId("qr").replaceChildren();
  byId("qr").classList.remove("dimmed");
  byId("qr").closest(".flow").classList.remove("revealed");
  delete byId("qr").dataset.url;
  setText(byId("countdown"), "");
  byId("wallet-error").hidden = true;
  byId("wallet-pin").value = "";
  shownUrl = null;
}

async function walletAction(action) {
  byId("wallet-error").hidden = true;
  try {
    await api.walletAction({ flowId, action, pin: byId("wallet-pin").value || null });
  } catch (error) {
    showError(byId("wallet-error"), error);
  }
}

export const result = {
  show() {},
  // Leaving the result by the nav bar forgets it too, and stops its timer
  // from pulling whatever screen comes next back to Home.
  leave: forgetResult,
};
