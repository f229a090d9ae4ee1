// Start-up and navigation between screens.

import { call, connected } from "./bridge.js";
import { byId, showError } from "./dom.js";
import * as home from "./home.js";
import * as recipient from "./recipient.js";
import * as flow from "./flow.js";
import * as photo from "./photo.js";
import * as history from "./history.js";
import * as settings from "./settings.js";

const screens = { home, recipient, photo, flow, history, settings };
let current = null;
let info = { sandbox: false, templates: [], resultResetSecs: 15, openInWallet: false };

/** Shows one screen; `args` go to its `show`. Moves focus to its heading. */
export function go(name, args = {}) {
  if (current && current !== name && screens[current]?.leave) screens[current].leave(name);
  for (const section of document.querySelectorAll("[data-screen]")) {
    section.hidden = section.dataset.screen !== name;
  }
  for (const button of document.querySelectorAll("nav [data-go]")) {
    const here = button.dataset.go === name || (button.dataset.go === "home" && ["recipient", "photo", "flow", "result"].includes(name));
    if (here) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  current = name;
  screens[name]?.show?.(args);
  document.querySelector(`[data-screen="${name}"] h2`)?.focus({ preventScroll: true });
}

export function stationInfo() {
  return info;
}

export function applyInfo(next) {
  info = next;
  byId("sandbox-badge").hidden = !info.sandbox;
  home.render(info);
}

screens.result = flow.result;

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-go]");
  if (target) go(target.dataset.go);
});

async function start() {
  home.init();
  recipient.init();
  flow.init();
  photo.init();
  history.init();
  settings.init();
  go("home");
  if (!connected) {
    showError(byId("startup-error"), { message: "Open this page in Issuance Station: it is not connected to a station here." });
    return;
  }
  try {
    applyInfo(await call("station_info"));
    performance.mark("station:home-ready");
  } catch (error) {
    showError(byId("startup-error"), error);
  }
}

start();
