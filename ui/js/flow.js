// The request on screen: QR code with a countdown, the PIN once the wallet
// has opened the request, then the result. Driven only by the engine's
// `flow://<id>/state` events.

import * as api from "./api.js";
import { listen } from "./bridge.js";
import { byId, el, showError } from "./dom.js";
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
  byId("status-line").textContent = "Creating the request…";
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
      byId("status-line").textContent = "Creating the request…";
      break;
    case "awaiting_scan":
      showRequest(view.request);
      byId("status-line").textContent = view.reconnecting ? reconnectingNote : view.renewing ? "Renewing…" : "Scan with your wallet";
      break;
    case "retrieved":
      showRequest(view.request);
      byId("qr").classList.add("dimmed");
      showPin(view.pin);
      byId("status-line").textContent = view.reconnecting ? reconnectingNote : view.pin ? "Enter this PIN in your wallet" : "Finish in your wallet";
      break;
    default:
      showResult(view);
  }
}

const reconnectingNote = "Reconnecting to the service… the request stays valid";

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
  byId("countdown").textContent = `Expires in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function showPin(pin) {
  if (!pin || byId("pin")) return;
  const shown = el("p", { id: "pin", class: "pin", "aria-label": `PIN ${pin.split("").join(" ")}`, text: pin });
  shown.style.setProperty("--digits", pin.length);
  byId("pin-slot").replaceChildren(shown);
  byId("qr").closest(".flow").classList.add("revealed");
  performance.mark("station:pin-shown");
}

const outcomes = {
  issued: () => ({ ok: true, title: "Issued", detail: "The credential is in the wallet." }),
  verified: () => ({ ok: true, title: "Verified", detail: "The wallet presented a valid credential." }),
  expired: () => ({ ok: false, retry: true, title: "Expired", detail: "The request expired before the wallet finished. Start a new request." }),
  // Not a failure: the issuance waits in the station's queue.
  queued: (view) => ({
    tone: "queued",
    title: "Queued",
    detail: `No network — ${possessive(recipientName(lastStart))} ${lastStart?.template.displayName || "credential"} is queued; the station will send it when the network returns.`,
    why: view.queued?.reason.message,
  }),
  failed: (view) => failure(view.error || {}),
};

/** Who the flow is for: the queued job's recipient, or the name typed in. */
function recipientName(args) {
  if (args?.recipient) return args.recipient;
  const claims = args?.claims || {};
  const named = [claims.given_name, claims.family_name].filter(Boolean);
  return (named.length > 0 ? named : Object.values(claims).filter(Boolean)).join(" ") || "the recipient";
}

function possessive(name) {
  return name.endsWith("s") ? `${name}'` : `${name}'s`;
}

function failure(error) {
  // The station words every failure, the service's own ones included
  // (`service.<code>`), so the screen shows its message as it is.
  return { ok: false, retry: true, title: "Not completed", detail: error.message || "Something went wrong.", code: error.code };
}

function showResult(view) {
  clearInterval(countdownTimer);
  stopListening?.();
  stopListening = null;
  if (view.state === "cancelled") return finish();
  const outcome = (outcomes[view.state] || outcomes.failed)(view);
  byId("result-card").className = `result ${outcome.tone || (outcome.ok ? "ok" : "bad")}`;
  byId("result-title").textContent = outcome.title;
  byId("result-detail").textContent = outcome.detail;
  byId("result-code").textContent = outcome.why ? `Why: ${outcome.why}` : outcome.code ? `Code: ${outcome.code}` : "";
  byId("result-retry").hidden = !outcome.retry;
  byId("result-verify").hidden = !(view.state === "issued" && verificationFor(lastStart?.template));
  showClaims(view.presentation);
  clearScreen();
  go("result");
  const seconds = stationInfo().resultResetSecs;
  byId("reset-note").textContent = `Returns to the start in ${seconds} seconds.`;
  clearTimeout(resetTimer);
  resetTimer = setTimeout(finish, seconds * 1000);
}

function showClaims(presentation) {
  const list = byId("result-claims");
  list.replaceChildren();
  for (const credential of presentation?.credentials || []) {
    const rows = [["Issuer", credential.issuer], ["Revocation", credential.revocationStatus]];
    if (credential.faceCheckScore !== null && credential.faceCheckScore !== undefined) rows.push(["Face check", `${credential.faceCheckScore}`]);
    for (const [name, value] of Object.entries(credential.claims)) rows.push([name, typeof value === "string" ? value : JSON.stringify(value)]);
    for (const [name, value] of rows) if (value) list.append(el("dt", { text: name }), el("dd", { text: value }));
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
  for (const listener of forgottenListeners) listener();
}

function clearScreen() {
  clearInterval(countdownTimer);
  byId("pin-slot").replaceChildren();
  byId("qr").replaceChildren();
  byId("qr").classList.remove("dimmed");
  byId("qr").closest(".flow").classList.remove("revealed");
  delete byId("qr").dataset.url;
  byId("countdown").textContent = "";
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
