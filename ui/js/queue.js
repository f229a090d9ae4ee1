// Queue: the issuances waiting for the credential service, ready for their
// recipient, or needing a decision. Refreshed by the station's
// `queue-changed` events, and slowly by a timer in case one was missed.

import * as api from "./api.js";
import { connected, listen } from "./bridge.js";
import { byId, el, showError, showMessage } from "./dom.js";
import { errorMessage, localize, t } from "./i18n.js";
import { go } from "./navigation.js";
import { stationInfo } from "./station-info.js";

const REFRESH_MS = 15000;
const LIST_LIMIT = 200;

// Which statuses each filter shows; every status is in exactly one group
// besides "all".
const groups = {
  waiting: ["queued", "sending", "sent"],
  ready: ["ready", "at_desk"],
  uncertain: ["uncertain"],
  failed: ["failed"],
  done: ["done", "cancelled"],
};

// Said in words (`desk-queue-status-<status>`), so the status never
// depends on its colour.
const statuses = new Set(["queued", "sending", "sent", "ready", "at_desk", "uncertain", "done", "failed", "cancelled"]);

const canRetry = new Set(["failed", "uncertain"]);
const canCancel = new Set(["queued", "ready"]);
const canStart = new Set(["queued", "ready"]);

let filter = "all";
let jobs = [];
// Jobs by status, keyed in camelCase (`atDesk`), as api.queueCounts answers.
let counts = {};
let onScreen = false;
let refreshTimer = null;
// Answers to an older refresh than the newest are dropped.
let refreshes = 0;

export function init() {
  for (const button of byId("queue-filters").querySelectorAll("[data-filter]")) {
    button.addEventListener("click", () => choose(button.dataset.filter));
  }
  if (connected) listen("queue-changed", () => onScreen && refresh()).catch(() => {});
}

export function show() {
  onScreen = true;
  byId("queue-message").hidden = true;
  refresh();
  clearInterval(refreshTimer);
  refreshTimer = setInterval(refresh, REFRESH_MS);
}

export function leave() {
  onScreen = false;
  clearInterval(refreshTimer);
  jobs = [];
  // The recipients' names do not stay in the page once the screen is left.
  byId("queue-rows").replaceChildren();
}

function choose(name) {
  filter = name;
  for (const button of byId("queue-filters").querySelectorAll("[data-filter]")) {
    button.setAttribute("aria-pressed", String(button.dataset.filter === name));
  }
  render();
}

async function refresh() {
  const refresh = ++refreshes;
  try {
    const [listed, counted] = await Promise.all([api.queueList({ limit: LIST_LIMIT }), api.queueCounts()]);
    if (refresh !== refreshes || !onScreen) return;
    jobs = listed;
    counts = counted;
    byId("queue-error").hidden = true;
    render();
  } catch (error) {
    if (refresh === refreshes) showError(byId("queue-error"), error);
  }
}

function render() {
  // The counts are the whole queue's; the list, the newest jobs of it.
  const count = (statuses) => statuses.reduce((sum, status) => sum + (counts[countKey(status)] || 0), 0);
  for (const [name, statuses] of Object.entries(groups)) {
    localize(byId("queue-filters").querySelector(`[data-count="${name}"]`), "desk-queue-count", { count: count(statuses) });
  }
  localize(byId("queue-filters").querySelector('[data-count="all"]'), "desk-queue-count", { count: count(Object.values(groups).flat()) });
  const shown = filter === "all" ? jobs : jobs.filter((job) => groups[filter].includes(job.status));
  byId("queue-rows").replaceChildren(...shown.map(row));
  byId("queue-empty").hidden = shown.length > 0;
}

/** `at_desk` → `atDesk`: the counts' keys are camelCase. */
function countKey(status) {
  return status.replace(/_(\w)/g, (_, letter) => letter.toUpperCase());
}

/** The template's name on screen, as Home shows it. */
function credentialName(job) {
  return stationInfo().templates.find((t) => t.name === job.template)?.displayName || job.template;
}

function row(job) {
  // A purged job no longer knows whom it was for.
  const who = job.recipient || t("desk-queue-details-deleted");
  const what = credentialName(job);
  const named = { credential: what, recipient: who };
  const actions = [];
  if (canStart.has(job.status) && job.route === "desk") {
    actions.push(button("start", named, () => start(job), "primary"));
  }
  if (canRetry.has(job.status)) actions.push(button("retry", named, () => act(api.queueRetry, job, "desk-queue-retried")));
  if (canCancel.has(job.status)) actions.push(button("cancel", named, () => act(api.queueCancel, job, "desk-queue-cancelled")));
  const status = statuses.has(job.status) ? { l10n: [`desk-queue-status-${job.status}`] } : { text: job.status };
  const next = job.status === "queued" && job.nextAttemptAtMs ? { l10n: ["desk-queue-next-attempt", { at: job.nextAttemptAtMs }] } : {};
  return el("tr", { "data-job": job.jobId, "data-status": job.status },
    el("td", { text: who }),
    el("td", { text: what }),
    el("td", {}, el("span", { class: `status-text ${job.status}`, ...status })),
    el("td", { l10n: ["desk-queue-attempts", { count: job.attempts }] }),
    el("td", next),
    el("td", { text: job.lastError ? errorMessage(job.lastError) : "" }),
    el("td", {}, el("div", { class: "row-actions" }, ...actions)),
  );
}

/** `action`: start, retry or cancel; its label names the job. */
function button(action, named, onclick, kind = "secondary") {
  return el("button", { type: "button", class: kind, "data-action": action, onclick, l10n: [`desk-queue-${action}`, named] });
}

async function act(command, job, done) {
  byId("queue-error").hidden = true;
  try {
    await command({ jobId: job.jobId });
    showMessage(byId("queue-message"), done, { credential: credentialName(job), recipient: job.recipient || t("desk-the-recipient") });
    refresh();
  } catch (error) {
    showError(byId("queue-error"), error);
  }
}

/** Opens the request screen on the job: its QR code, then its PIN. */
function start(job) {
  const template = stationInfo().templates.find((t) => t.name === job.template);
  if (!template) {
    showMessage(byId("queue-error"), "desk-queue-no-template", { template: job.template });
    return;
  }
  go("flow", { template, jobId: job.jobId, recipient: job.recipient });
}
