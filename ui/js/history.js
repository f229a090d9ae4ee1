// History: the last flows from the engine's SQLite history, each with its
// timeline of requests and events.

import * as api from "./api.js";
import { byId, el, showError } from "./dom.js";
import { formatDate, t } from "./i18n.js";

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

const WHEN = { dateStyle: "short", timeStyle: "medium" };

// Rows are built in the page's language; the screen is built again each time it shows.
function row(flow) {
  const when = formatDate(flow.startedAtMs, WHEN);
  const outcome = t("desk-history-outcome", { outcome: flow.outcome || "running" });
  return el("tr", {},
    el("td", {}, el("button", { type: "button", onclick: () => timeline(flow), "aria-label": t("desk-history-open", { credential: flow.template, when }) }, when)),
    el("td", { text: flow.template }),
    el("td", { text: recipientOf(flow.claims) }),
    el("td", { text: flow.outcomeCode ? t("desk-history-outcome-code", { outcome, code: flow.outcomeCode }) : outcome }),
  );
}

function entryText(entry) {
  const time = formatDate(entry.atMs, { timeStyle: "medium" });
  const text = entry.code
    ? t("desk-history-entry-code", { time, what: entry.what, code: entry.code })
    : t("desk-history-entry", { time, what: entry.what });
  return entry.ignored ? t("desk-history-ignored", { entry: text }) : text;
}

async function timeline(flow) {
  try {
    const entries = await api.historyTimeline({ flowId: flow.flowId });
    byId("timeline").replaceChildren(
      el("h3", { text: t("desk-history-timeline", { credential: flow.template }) }),
      el("ol", {}, ...entries.map((entry) => el("li", { text: entryText(entry) }))),
    );
  } catch (error) {
    showError(byId("history-error"), error);
  }
}
