// Settings: the service and station options. The client secret goes
// straight to the keyring and is never shown back.

import { call } from "./bridge.js";
import { byId, el, showError } from "./dom.js";
import { applyInfo } from "./app.js";

const textFields = ["tenant", "clientId", "authority", "credentialType", "manifest", "callbackPublicUrl"];

export function init() {
  const form = byId("settings-form");
  form.addEventListener("change", updateEntraFields);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await save();
  });
  byId("test-connection").addEventListener("click", testConnection);
}

function message(text, isError = false) {
  const box = byId("settings-message");
  box.className = isError ? "notice error" : "notice";
  box.textContent = text;
  box.hidden = false;
}

export async function show() {
  byId("settings-message").hidden = true;
  byId("checks").replaceChildren();
  const form = byId("settings-form");
  try {
    const view = await call("get_settings");
    const s = view.settings;
    form.service.value = s.useSandbox ? "sandbox" : "entra";
    for (const name of textFields) form[name].value = s[name] || "";
    await showCameras(form, s.cameraDevice);
    const resolution = `${s.cameraWidth}x${s.cameraHeight}`;
    if (![...form.cameraResolution.options].some((o) => o.value === resolution)) {
      form.cameraResolution.append(el("option", { value: resolution }, `${s.cameraWidth} × ${s.cameraHeight}`));
    }
    form.cameraResolution.value = resolution;
    form.kiosk.checked = s.kiosk;
    form.resultResetSecs.value = s.resultResetSecs;
    form.clientSecret.value = "";
    form.clientSecret.placeholder = view.secretStored ? "•••••• stored — type to replace" : "not stored yet";
    byId("settings-path").textContent = `Saved to ${view.configPath}`;
    updateEntraFields();
  } catch (error) {
    message(error.message, true);
  }
}

/** The attached cameras, plus the saved one if it is unplugged now. */
async function showCameras(form, saved) {
  const cameras = await call("list_cameras");
  const names = cameras.map((camera) => camera.name);
  const options = [el("option", { value: "" }, "Default: the first camera found (or the config's pictures)")];
  for (const name of names) options.push(el("option", { value: name }, name));
  if (saved && !names.includes(saved)) options.push(el("option", { value: saved }, `${saved} (not connected)`));
  form.cameraDevice.replaceChildren(...options);
  form.cameraDevice.value = saved || "";
}

function updateEntraFields() {
  const form = byId("settings-form");
  byId("entra-fields").disabled = form.service.value !== "entra";
}

async function save() {
  const form = byId("settings-form");
  const settings = {
    useSandbox: form.service.value !== "entra",
    kiosk: form.kiosk.checked,
    resultResetSecs: Number(form.resultResetSecs.value) || 15,
    cameraDevice: form.cameraDevice.value,
  };
  [settings.cameraWidth, settings.cameraHeight] = form.cameraResolution.value.split("x").map(Number);
  for (const name of textFields) settings[name] = form[name].value.trim();
  try {
    const info = await call("save_settings", { change: { settings, clientSecret: form.clientSecret.value || null } });
    form.clientSecret.value = "";
    applyInfo(info);
    message("Saved. The station now uses these settings.");
    await show();
    message("Saved. The station now uses these settings.");
  } catch (error) {
    message(error.message, true);
  }
}

async function testConnection() {
  byId("checks").replaceChildren(el("li", { text: "Checking…" }));
  try {
    const checks = await call("test_connection");
    byId("checks").replaceChildren(...checks.map((check) =>
      el("li", { class: check.ok ? "passed" : "failed" }, `${check.ok ? "✔" : "✘"} ${check.name}: ${check.detail}`)));
  } catch (error) {
    byId("checks").replaceChildren();
    showError(byId("settings-message"), error);
  }
}
