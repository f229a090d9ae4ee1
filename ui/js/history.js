// History: the last flows from the engine's SQLite history, each with its
// timeline of requests and events.

import * as api from "./api.js";
import { byId, el, showError } from "./dom.js";

export async function show() {
  byId("history-error").hidden = true;
  byId("timeline").replaceChildren();
  try {
    const flows = await api.history({ limit: 50 });
    byId("history-rows").replaceChildren(...flows.map(row));
  } catch (error) {
    showError(byId("history-error"), error);
  }
}

function recipientOf(claims) {
  try {
    return Object.values(JSON.parse(claims)).join(" ");
  } catch {
    return "";
  }
}

function row(flow) {
  const when = new Date(flow.startedAtMs).toLocaleString();
  const outcome = flow.outcome ? flow.outcome + (flow.outcomeCode ? ` (${flow.outcomeCode})` : "") : "running";
  return el("tr", {},
    el("td", {}, el("button", { type: "button", onclick: () => timeline(flow), "aria-label": `Timeline of ${flow.template} at ${when}` }, when)),
    el("td", { text: flow.template }),
    el("td", { text: recipientOf(flow.claims) }),
    el("td", { text: outcome }),
  );
}

async function timeline(flow) {
  try {
    const entries = await api.historyTimeline({ flowId: flow.flowId });
    byId("timeline").replaceChildren(
      el("h3", { text: `Timeline: ${flow.template}` }),
      el("ol", {}, ...entries.map((entry) => el("li", {
        text: `${new Date(entry.atMs).toLocaleTimeString()} — ${entry.what}${entry.code ? ` (${entry.code})` : ""}${entry.ignored ? " — ignored: request was replaced" : ""}`,
      }))),
    );
  } catch (error) {
    showError(byId("history-error"), error);
  }
}
