// The offline banner, on every screen: which service cannot be reached,
// how many issuances wait for it, and who is ready to be called to the
// desk. Follows the station's `connection-changed` events (sent whenever
// a service comes or goes and whenever the queue changes); a slow timer
// catches anything missed.

import * as api from "./api.js";
import { connected, listen } from "./bridge.js";
import { byId, el } from "./dom.js";

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
  if (down.length > 0) {
    const which = down.length === 1 ? "the credential service cannot" : `${down.length} credential services cannot`;
    const queued = status.queued === 1
      ? " 1 issuance queued; it goes out by itself when the network returns."
      : status.queued > 1
        ? ` ${status.queued} issuances queued; they go out by themselves when the network returns.`
        : " Issuances started now are queued and go out by themselves when the network returns.";
    lines.push(el("p", { id: "banner-offline", title: down.map((s) => `${s.service}: ${s.detail}`).join("\n") }, `Offline — ${which} be reached.${queued}`));
  } else if (status.queued > 0) {
    lines.push(el("p", { id: "banner-queued" }, status.queued === 1 ? "1 issuance waiting to go out." : `${status.queued} issuances waiting to go out.`));
  }
  if (status.ready > 0) {
    const names = status.call.map((job) => job.recipient || "a recipient");
    const more = status.ready > names.length ? ", …" : "";
    lines.push(el("p", { id: "banner-ready" },
      `${status.ready} ready: call ${names.join(", ")}${more} `,
      el("button", { type: "button", "data-go": "queue" }, "Open the queue")));
  }
  // Replaced only when the words change, so the live region does not
  // repeat itself every refresh.
  const banner = byId("offline-banner");
  const words = lines.map((line) => line.textContent).join("\n");
  if (banner.dataset.words === words) return;
  banner.dataset.words = words;
  banner.replaceChildren(...lines);
}
