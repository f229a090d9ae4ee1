// The photo step: a live, mirrored preview; "Take photo" (or Space) has the
// engine check the frame on screen; the accepted portrait is shown for
// Retake / Use. The photo stays in the station's memory, never in the page
// after this screen.
//
// The preview pulls frames: each shown frame asks for the next, so a busy
// screen skips frames instead of queueing them. `data-frames` on the image
// counts frames shown (the preview benchmark reads it).

import { call, stationUrl } from "./bridge.js";
import { byId, showError } from "./dom.js";
import { go } from "./app.js";

const LOOK_HERE = "Look at the camera, inside the oval. Press Space or Take photo.";
const RETRY_MS = 1000;

let pending = null;
let streaming = false;
let captured = false;
let framesShown = 0;
let retryTimer = null;

export function init() {
  const preview = byId("preview");
  preview.addEventListener("load", () => {
    if (!streaming || captured) return;
    framesShown += 1;
    preview.dataset.frames = String(framesShown);
    byId("photo-error").hidden = true;
    requestFrame();
  });
  preview.addEventListener("error", () => {
    if (streaming && !captured) cameraTrouble();
  });
  byId("take-photo").addEventListener("click", take);
  byId("retake-photo").addEventListener("click", retake);
  byId("use-photo").addEventListener("click", () => {
    const next = pending;
    pending = null;
    stopCamera();
    go("flow", next);
  });
  document.addEventListener("keydown", (event) => {
    const onScreen = !byId("photo-title").closest("[data-screen]").hidden;
    if (onScreen && event.code === "Space" && !captured && event.target.tagName !== "BUTTON") {
      event.preventDefault();
      take();
    }
  });
}

export async function show(args) {
  pending = args;
  captured = false;
  framesShown = 0;
  setButtons();
  byId("photo-error").hidden = true;
  byId("photo-status").textContent = "Starting the camera…";
  const preview = byId("preview");
  preview.classList.add("mirrored");
  preview.parentElement.classList.remove("captured");
  try {
    const camera = await call("camera_start");
    streaming = true;
    describe(camera);
    requestFrame();
  } catch (error) {
    byId("photo-status").textContent = "";
    showError(byId("photo-error"), error);
  }
}

/** Leaving without "Use": the camera stops and the photo is forgotten. */
export function leave() {
  stopCamera();
  if (pending) call("discard_photo").catch(() => {});
  pending = null;
}

function stopCamera() {
  streaming = false;
  clearTimeout(retryTimer);
  byId("preview").removeAttribute("src");
  call("camera_stop").catch(() => {});
}

function requestFrame() {
  if (!streaming || captured) return;
  byId("preview").src = `${stationUrl("camera", "preview")}?n=${framesShown}`;
}

/** No frame came: show why (unplugged, busy, …) and try again shortly. */
async function cameraTrouble() {
  try {
    describe(await call("camera_status"));
  } catch (error) {
    showError(byId("photo-error"), error);
  }
  clearTimeout(retryTimer);
  retryTimer = setTimeout(requestFrame, RETRY_MS);
}

function describe(camera) {
  if (camera.problem) {
    showError(byId("photo-error"), camera.problem);
    byId("photo-status").textContent = "";
  } else {
    byId("photo-error").hidden = true;
    byId("photo-status").textContent = camera.name ? `${camera.name}. ${LOOK_HERE}` : "Starting the camera…";
  }
}

async function take() {
  if (!streaming) return;
  byId("photo-error").hidden = true;
  byId("photo-status").textContent = "Checking the photo…";
  try {
    const photo = await call("capture_photo");
    captured = true;
    const preview = byId("preview");
    preview.parentElement.classList.add("captured");
    preview.classList.remove("mirrored");
    preview.src = photo.dataUrl;
    byId("photo-status").textContent =
      `Photo accepted (${photo.width}×${photo.height}, ${Math.round(photo.bytes / 1024)} KB).`;
  } catch (error) {
    byId("photo-status").textContent = "";
    showError(byId("photo-error"), error);
  }
  setButtons();
}

function retake() {
  captured = false;
  call("discard_photo").catch(() => {});
  const preview = byId("preview");
  preview.parentElement.classList.remove("captured");
  preview.classList.add("mirrored");
  byId("photo-status").textContent = LOOK_HERE;
  setButtons();
  requestFrame();
}

function setButtons() {
  byId("take-photo").hidden = captured;
  byId("retake-photo").hidden = !captured;
  byId("use-photo").hidden = !captured;
}
