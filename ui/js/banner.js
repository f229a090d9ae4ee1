// The offline banner, on every screen: which service cannot be reached,
// how many issuances wait for it, and who is ready to be called to the
// desk. Follows the station's `connection-changed` events (sent whenever
// a service comes or goes and whenever the queue changes); a slow timer
// catches anything missed.

import * as api from "./api.js";
import { connected, listen } from "./bridge.js";
import { byId, el } from "./dom.js";
import { t } from "./i18n.js";

const REFRESH_MS = 30000;

// Answers to an older refresh than the newest (or than an event) are dropped.
let refreshes = 0;

export function init() {
  if (!connected) return;
  listen("connection-changed", (status) => {
    // Newer than any refresh still on its way.
    refreshes++;
    render(status);
  }).catch(() => {});
  setInterval(refresh, REFRESH_MS);
  refresh();
}

async function refresh() {
  const refresh = ++refreshes;
  try {
    const status = await api.connectionStatus();
    if (refresh === refreshes) render(status);
  } catch {
    // The station is restarting or not started: Home says why.
  }
}

/** `status`: the station's connection status (api.connectionStatus). */
function render(status) {
  const lines = [];
  const down = status.unreachable;
  // Each line follows the page's language by itself (its words are marked).
  if (down.length > 0) {
    // The title keeps the station's own words about each service.
    lines.push(el("p", {
      id: "banner-offline",
      title: down.map((s) => `${s.service}: ${s.detail}`).join("\n"),
      l10n: ["desk-banner-offline", { services: down.length, queued: status.queued }],
    }));
  } else if (status.queued > 0) {
    lines.push(el("p", { id: "banner-queued", l10n: ["desk-banner-queued", { queued: status.queued }] }));
  }
  if (status.ready > 0) {
    const names = status.call.map((job) => job.recipient || t("desk-banner-a-recipient")).join(t("desk-list-separator"));
    const more = status.ready > status.call.length;
    lines.push(el("p", { id: "banner-ready" },
      el("span", { l10n: [more ? "desk-banner-ready-more" : "desk-banner-ready", { ready: status.ready, names }] }),
      " ",
      el("button", { type: "button", "data-go": "queue", l10n: ["desk-banner-open-queue"] })));
  }
  // Replaced only when the words change, so the live region does not
  // repeat itself every refresh.
  const banner = byId("offline-banner");
  const words = lines.map((line) => line.textContent).join("\n");
  if (banner.dataset.words === words) return;
  banner.dataset.words = words;
  banner.replaceChildren(...lines);
}
