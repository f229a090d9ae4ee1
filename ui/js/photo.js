// The photo step: a live, mirrored preview; "Take photo" (or Space) has the
// engine check the frame on screen; the accepted portrait is shown for
// Retake / Use. The photo stays in the station's memory, never in the page
// after this screen. Where the template's service offers it, the recipient
// can take the photo on their own phone instead: a QR code opens the
// service's photo page, and "Use" appears once the service has the photo.
//
// The station pushes one preview frame at a time and sends the next when
// this screen says it showed the last, so a busy screen skips frames
// instead of queueing them. `data-frames` on the image counts frames shown
// (the preview benchmark reads it).

import * as api from "./api.js";
import { channel } from "./bridge.js";
import { byId, setText, showError } from "./dom.js";
import { localize } from "./i18n.js";
import { go } from "./navigation.js";
import { stationInfo } from "./station-info.js";

let pending = null;
let streaming = false;
let captured = false;
let framesShown = 0;
let checking = false;
let source = "camera";
// Counts phone page requests: an answer to an earlier one (the person
// switched source, or the step was left) is ignored.
let phoneStart = 0;

const PHONE_STEPS = {
  not_started: "desk-photo-phone-not-started",
  started: "desk-photo-phone-started",
  complete: "desk-photo-phone-complete",
};

/** The photo step's status line: message `id`, or nothing. */
function status(id, args) {
  if (id) localize(byId("photo-status"), id, args);
  else setText(byId("photo-status"), "");
}

export function init() {
  const preview = byId("preview");
  preview.addEventListener("load", () => {
    if (!streaming || captured) return;
    framesShown += 1;
    preview.dataset.frames = String(framesShown);
    api.cameraFrameShown().catch(() => {});
  });
  byId("photo-source-camera").addEventListener("click", () => choose("camera"));
  byId("photo-source-phone").addEventListener("click", () => choose("phone"));
  byId("take-photo").addEventListener("click", take);
  byId("phone-simulate").addEventListener("click", () =>
    api.sandboxPhonePhoto().catch((error) => showError(byId("photo-error"), error)));
  byId("retake-photo").addEventListener("click", retake);
  byId("use-photo").addEventListener("click", () => {
    const next = pending;
    pending = null;
    stopCamera();
    go("flow", next);
  });
  document.addEventListener("keydown", (event) => {
    const onScreen = !byId("photo-title").closest("[data-screen]").hidden;
    if (onScreen && source === "camera" && event.code === "Space" && !captured && event.target.tagName !== "BUTTON") {
      event.preventDefault();
      take();
    }
  });
}

export async function show(args) {
  pending = args;
  byId("photo-sources").hidden = !args.template.phonePhoto;
  await choose("camera");
}

/** Switches who takes the photo; any photo taken so far is forgotten. */
async function choose(chosen) {
  source = chosen;
  phoneStart += 1;
  for (const [name, button] of [["camera", "photo-source-camera"], ["phone", "photo-source-phone"]]) {
    byId(button).setAttribute("aria-pressed", String(name === chosen));
  }
  byId("camera-panel").hidden = chosen !== "camera";
  byId("phone-panel").hidden = chosen !== "phone";
  stopCamera();
  // Awaited: a late discard would stop the phone capture started next.
  await api.discardPhoto().catch(() => {});
  captured = false;
  setButtons();
  byId("photo-error").hidden = true;
  if (chosen === "phone") return startPhone();
  await startCamera();
}

async function startPhone() {
  const mine = ++phoneStart;
  const current = () => mine === phoneStart && source === "phone";
  byId("phone-qr").replaceChildren();
  setText(byId("phone-link"), "");
  byId("phone-simulator").hidden = true;
  status("desk-photo-preparing");
  try {
    const progress = channel((update) => current() && showPhoneProgress(update));
    const page = await api.phonePhotoStart({ template: pending.template.name, claims: pending.claims, progress });
    if (!current()) return;
    const svg = new DOMParser().parseFromString(page.qrSvg, "image/svg+xml").documentElement;
    byId("phone-qr").replaceChildren(document.importNode(svg, true));
    byId("phone-qr").dataset.url = page.url;
    setText(byId("phone-link"), page.url);
    byId("phone-simulator").hidden = !stationInfo().sandbox;
  } catch (error) {
    if (!current()) return;
    status(null);
    showError(byId("photo-error"), error);
  }
}

function showPhoneProgress(progress) {
  if (PHONE_STEPS[progress.status]) status(PHONE_STEPS[progress.status]);
  else setText(byId("photo-status"), progress.status);
  if (progress.problem) showError(byId("photo-error"), progress.problem);
  else byId("photo-error").hidden = true;
  captured = progress.status === "complete";
  setButtons();
}

async function startCamera() {
  framesShown = 0;
  status("desk-photo-starting");
  byId("preview").classList.add("mirrored");
  byId("preview").parentElement.classList.remove("captured");
  try {
    streaming = true;
    const preview = channel(showPreview);
    describe(await api.cameraStart({ preview }));
  } catch (error) {
    status(null);
    showError(byId("photo-error"), error);
  }
}

/** Leaving without "Use": the camera stops and the photo is forgotten. */
export function leave() {
  phoneStart += 1;
  stopCamera();
  if (pending) api.discardPhoto().catch(() => {});
  pending = null;
}

function stopCamera() {
  streaming = false;
  const shown = byId("preview").src;
  if (shown.startsWith("blob:")) URL.revokeObjectURL(shown);
  byId("preview").removeAttribute("src");
  api.cameraStop().catch(() => {});
}

/**
 * A frame, or news of the camera (unplugged, busy, back again). While a
 * captured photo is on screen frames are not acknowledged, which slows the
 * station's preview to one a second.
 */
function showPreview(message) {
  if (!streaming) return;
  if (!(message instanceof ArrayBuffer)) return describe(message);
  if (captured) return;
  const preview = byId("preview");
  const shown = preview.src;
  preview.src = URL.createObjectURL(new Blob([message], { type: "image/jpeg" }));
  if (shown.startsWith("blob:")) URL.revokeObjectURL(shown);
}

function describe(camera) {
  // The answer to camera_start can arrive after the first frames, even
  // after a capture: it must not cover what the capture said.
  if (checking || captured || source !== "camera") return;
  if (camera.problem) {
    showError(byId("photo-error"), camera.problem);
    status(null);
  } else {
    byId("photo-error").hidden = true;
    if (camera.name) status("desk-photo-camera-ready", { camera: camera.name });
    else status("desk-photo-starting");
  }
}

async function take() {
  if (!streaming) return;
  byId("photo-error").hidden = true;
  status("desk-photo-checking");
  checking = true;
  try {
    const photo = await api.capturePhoto();
    captured = true;
    const preview = byId("preview");
    preview.parentElement.classList.add("captured");
    preview.classList.remove("mirrored");
    preview.src = photo.dataUrl;
    status("desk-photo-accepted", { width: String(photo.width), height: String(photo.height), kilobytes: Math.round(photo.bytes / 1024) });
  } catch (error) {
    status(null);
    showError(byId("photo-error"), error);
  }
  checking = false;
  setButtons();
}

function retake() {
  captured = false;
  api.discardPhoto().catch(() => {});
  const preview = byId("preview");
  preview.parentElement.classList.remove("captured");
  preview.classList.add("mirrored");
  status("desk-photo-look-here");
  setButtons();
  api.cameraFrameShown().catch(() => {});
}

function setButtons() {
  const camera = source === "camera";
  byId("take-photo").hidden = !camera || captured;
  byId("retake-photo").hidden = !camera || !captured;
  byId("use-photo").hidden = !captured;
}
