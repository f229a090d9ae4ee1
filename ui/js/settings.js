// Settings: the credential service and station options. A service's secret
// (client secret or API key) goes straight to the keyring and is never
// shown back; the screen only says whether one is stored.

import * as api from "./api.js";
import { byId, el, showError, showMessage } from "./dom.js";
import { localize } from "./i18n.js";
import { applyInfo } from "./station-info.js";

// The real services, each with its form fields: settings key → input name.
const services = {
  entra: {
    text: { tenant: "entraTenant", clientId: "entraClientId", authority: "entraAuthority", manifest: "entraManifest" },
    numbers: {},
  },
  orchestration: {
    text: {
      apiUrl: "orchestrationApiUrl",
      wsUrl: "orchestrationWsUrl",
      tokenUrl: "orchestrationTokenUrl",
      clientId: "orchestrationClientId",
      scope: "orchestrationScope",
      events: "orchestrationEvents",
      contractId: "orchestrationContractId",
    },
    numbers: {},
  },
  oid4vci: {
    text: {
      apiBase: "oid4vciApiBase",
      urlScheme: "oid4vciUrlScheme",
      credentialDefinitionId: "oid4vciCredentialDefinitionId",
      issuanceMode: "oid4vciIssuanceMode",
    },
    numbers: { pollIntervalMs: "oid4vciPollIntervalMs", offerLifetimeSecs: "oid4vciOfferLifetimeSecs" },
  },
};

// What a choice left empty in the file means.
const defaults = { orchestrationEvents: "subscription", oid4vciIssuanceMode: "in_time", oid4vciUrlScheme: "openid-credential-offer://" };

// The real service the file's templates use, kept while the sandbox is chosen.
let savedService = "entra";

export function init() {
  const form = byId("settings-form");
  form.addEventListener("change", updateServiceFields);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await save();
  });
  byId("test-connection").addEventListener("click", testConnection);
}

/** `words`: a station error `{code, message}`, or `[message id, args]`. */
function message(words, isError = false) {
  const box = byId("settings-message");
  box.className = isError ? "notice error" : "notice";
  if (Array.isArray(words)) showMessage(box, ...words);
  else showError(box, words);
}

export async function show() {
  byId("settings-message").hidden = true;
  byId("checks").replaceChildren();
  const form = byId("settings-form");
  try {
    const view = await api.getSettings();
    const s = view.settings;
    savedService = s.service;
    form.service.value = s.useSandbox ? "sandbox" : s.service;
    for (const [service, fields] of Object.entries(services)) {
      for (const [key, name] of Object.entries(fields.text)) form[name].value = s[service][key] || defaults[name] || "";
      for (const [key, name] of Object.entries(fields.numbers)) form[name].value = s[service][key] ?? "";
      const secret = form[`${service}Secret`];
      secret.value = "";
      localize(secret, view.secretsStored[service] ? "settings-secret-stored" : "settings-secret-missing");
    }
    form.credentialType.value = s.credentialType || "";
    form.callbackPublicUrl.value = s.callbackPublicUrl || "";
    await showCameras(form, s.cameraDevice);
    const resolution = `${s.cameraWidth}x${s.cameraHeight}`;
    if (![...form.cameraResolution.options].some((o) => o.value === resolution)) {
      form.cameraResolution.append(el("option", { value: resolution, dir: "ltr" }, `${s.cameraWidth} × ${s.cameraHeight}`));
    }
    form.cameraResolution.value = resolution;
    form.kiosk.checked = s.kiosk;
    form.resultResetSecs.value = s.resultResetSecs;
    localize(byId("settings-path"), "settings-saved-to", { path: view.configPath });
    updateServiceFields();
  } catch (error) {
    message(error, true);
  }
}

/** The attached cameras, plus the saved one if it is unplugged now. */
async function showCameras(form, saved) {
  const cameras = await api.listCameras();
  const names = cameras.map((camera) => camera.name);
  const options = [el("option", { value: "", l10n: ["settings-camera-default"] })];
  for (const name of names) options.push(el("option", { value: name }, name));
  if (saved && !names.includes(saved)) options.push(el("option", { value: saved, l10n: ["settings-camera-unplugged", { camera: saved }] }));
  form.cameraDevice.replaceChildren(...options);
  form.cameraDevice.value = saved || "";
}

/** Shows the chosen service's fields only. */
function updateServiceFields() {
  const form = byId("settings-form");
  const chosen = form.service.value;
  for (const fieldset of form.querySelectorAll("fieldset[data-service]")) {
    fieldset.hidden = fieldset.dataset.service !== chosen;
  }
  byId("credential-fields").hidden = !(chosen in services);
  // Only Entra, and Verified Orchestration told to call back, call this station.
  byId("callback-fields").hidden = !(chosen === "entra" || (chosen === "orchestration" && form.orchestrationEvents.value === "callback"));
}

/** The form as settings, and the first number field of the chosen service that is not a whole number. */
function readSettings(form) {
  const chosen = form.service.value;
  const useSandbox = chosen === "sandbox";
  const settings = {
    useSandbox,
    // Choosing the sandbox leaves the templates on the service they use.
    service: useSandbox ? savedService : chosen,
    credentialType: form.credentialType.value.trim(),
    callbackPublicUrl: form.callbackPublicUrl.value.trim(),
    kiosk: form.kiosk.checked,
    resultResetSecs: Number(form.resultResetSecs.value) || 15,
    cameraDevice: form.cameraDevice.value,
  };
  [settings.cameraWidth, settings.cameraHeight] = form.cameraResolution.value.split("x").map(Number);
  let notWhole = null;
  for (const [service, fields] of Object.entries(services)) {
    settings[service] = {};
    for (const [key, name] of Object.entries(fields.text)) settings[service][key] = form[name].value.trim();
    for (const [key, name] of Object.entries(fields.numbers)) {
      const text = form[name].value.trim();
      const number = Number(text);
      const whole = text !== "" && Number.isSafeInteger(number) && number >= 0;
      // A number input holding letters reads as empty, but says so in badInput.
      const typedWrong = form[name].validity.badInput || (text !== "" && !whole);
      if (typedWrong && service === chosen) notWhole ??= form[name];
      // Empty: the service's default.
      settings[service][key] = whole ? number : null;
    }
  }
  const secret = useSandbox ? "" : form[`${chosen}Secret`].value;
  return { change: { settings, secret: secret || null }, notWhole };
}

async function save() {
  const form = byId("settings-form");
  if (!form.service.value) {
    message(["settings-choose-service"], true);
    return;
  }
  const { change, notWhole } = readSettings(form);
  if (notWhole) {
    message(["settings-not-whole", { field: notWhole.labels[0].textContent.trim() }], true);
    notWhole.focus();
    return;
  }
  const button = form.querySelector("button[type=submit]");
  // One save at a time: a double click must not start a second restart.
  button.disabled = true;
  try {
    const info = await api.saveSettings({ change });
    for (const service of Object.keys(services)) form[`${service}Secret`].value = "";
    applyInfo(info);
    message(["settings-saved"]);
    await show();
    message(["settings-saved"]);
  } catch (error) {
    message(error, true);
  } finally {
    button.disabled = false;
  }
}

async function testConnection() {
  byId("checks").replaceChildren(el("li", { l10n: ["settings-checking"] }));
  try {
    const checks = await api.testConnection();
    byId("checks").replaceChildren(...checks.map((check) =>
      el("li", { class: check.ok ? "passed" : "failed", l10n: [check.ok ? "settings-check-passed" : "settings-check-failed", { name: check.name, detail: check.detail }] })));
  } catch (error) {
    byId("checks").replaceChildren();
    showError(byId("settings-message"), error);
  }
}
