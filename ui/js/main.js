// Start-up: registers the screens, connects what one screen does to another,
// and loads the station's info. Nothing imports this module.

import { connected } from "./bridge.js";
import { initDisplayOptions, resetDisplayOptions } from "./display-options.js";
import * as api from "./api.js";
import { byId, showError, showMessage } from "./dom.js";
import { defaultLanguage, onLanguageChange, setLanguage } from "./i18n.js";
import { initLanguagePickers, resetLanguage } from "./language-picker.js";
import { go, register } from "./navigation.js";
import { applyInfo, onInfo } from "./station-info.js";
import * as home from "./home.js";
import * as recipient from "./recipient.js";
import * as flow from "./flow.js";
import * as photo from "./photo.js";
import * as history from "./history.js";
import * as settings from "./settings.js";
import * as queue from "./queue.js";
import * as attendant from "./attendant.js";
import * as banner from "./banner.js";
import * as staff from "./staff.js";
import * as kiosk from "./kiosk.js";
import * as badge from "./badge.js";

register({ home, recipient, photo, flow, result: flow.result, queue, history, settings });
register({ attendant });
register({ attract: kiosk.attract, "kiosk-code": kiosk.code, "kiosk-confirm": kiosk.confirm, "kiosk-message": kiosk.message });

onInfo((info) => {
  byId("sandbox-badge").hidden = !info.sandbox;
});
onInfo(home.render);
onInfo(kiosk.applyInfo);
// A visitor's language and display choices leave with them.
kiosk.onVisitorGone(resetLanguage);
kiosk.onVisitorGone(resetDisplayOptions);
// The recipient's data does not outlive the flow's result.
flow.onResultForgotten(recipient.reset);
flow.onIssued(badge.print);
flow.onResultForgotten(badge.reset);

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-go]");
  if (target) go(target.dataset.go);
});

// The station's own words (the ready notification) follow the page's language.
onLanguageChange((language) => {
  if (connected) api.setLanguage({ code: language.code }).catch((error) => console.warn(`the station keeps its language: ${error.message}`));
});

/** The station's language before the first screen shows; the inline English if its files cannot be read. */
async function startLanguage() {
  try {
    await setLanguage(await defaultLanguage());
    await initLanguagePickers();
  } catch (error) {
    console.error(`the page stays in English: ${error.message ?? error}`);
  }
}

async function start() {
  await startLanguage();
  recipient.init();
  flow.init();
  badge.init();
  photo.init();
  settings.init();
  queue.init();
  attendant.init();
  banner.init();
  staff.init();
  kiosk.init();
  initDisplayOptions();
  go("home");
  if (!connected) {
    showMessage(byId("startup-error"), "desk-not-connected");
    return;
  }
  try {
    applyInfo(await api.stationInfo());
    performance.mark("station:home-ready");
  } catch (error) {
    showError(byId("startup-error"), error);
  }
}

start();
