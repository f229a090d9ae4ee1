// Queue: the issuances waiting for the credential service, ready for their
// recipient, or needing a decision. Refreshed by the station's
// `queue-changed` events, and slowly by a timer in case one was missed.

import * as api from "./api.js";
import { connected, listen } from "./bridge.js";
import { byId, el, showError } from "./dom.js";
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

// Said in words, so the status never depends on its colour.
const statusWords = {
  queued: "Queued: waits for the network",
  sending: "Sending…",
  sent: "Sent: waits for the recipient",
  ready: "Ready: call the recipient",
  at_desk: "At the desk",
  uncertain: "Uncertain: check with the service, then retry or cancel",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

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
    byId("queue-filters").querySelector(`[data-count="${name}"]`).textContent = `(${count(statuses)})`;
  }
  byId("queue-filters").querySelector('[data-count="all"]').textContent = `(${count(Object.values(groups).flat())})`;
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

function when(ms) {
  return ms ? new Date(ms).toLocaleTimeString() : "";
}

function row(job) {
  // A purged job no longer knows whom it was for.
  const who = job.recipient || "(details deleted)";
  const what = credentialName(job);
  const actions = [];
  if (canStart.has(job.status) && job.route === "desk") {
    actions.push(button("Start", `Start ${what} for ${who}`, () => start(job), "primary"));
  }
  if (canRetry.has(job.status)) actions.push(button("Retry", `Retry ${what} for ${who}`, () => act(api.queueRetry, job, "is queued again")));
  if (canCancel.has(job.status)) actions.push(button("Cancel", `Cancel ${what} for ${who}`, () => act(api.queueCancel, job, "is cancelled")));
  return el("tr", { "data-job": job.jobId, "data-status": job.status },
    el("td", { text: who }),
    el("td", { text: what }),
    el("td", {}, el("span", { class: `status-text ${job.status}`, text: statusWords[job.status] || job.status })),
    el("td", { text: String(job.attempts) }),
    el("td", { text: job.status === "queued" ? when(job.nextAttemptAtMs) : "" }),
    el("td", { text: job.lastError ? job.lastError.message : "" }),
    el("td", {}, el("div", { class: "row-actions" }, ...actions)),
  );
}

function button(text, label, onclick, kind = "secondary") {
  return el("button", { type: "button", class: kind, "aria-label": label, "data-action": text.toLowerCase(), onclick }, text);
}

async function act(command, job, done) {
  byId("queue-error").hidden = true;
  try {
    await command({ jobId: job.jobId });
    const message = byId("queue-message");
    message.textContent = `${credentialName(job)} for ${job.recipient || "the recipient"} ${done}.`;
    message.hidden = false;
    refresh();
  } catch (error) {
    showError(byId("queue-error"), error);
  }
}

/** Opens the request screen on the job: its QR code, then its PIN. */
function start(job) {
  const template = stationInfo().templates.find((t) => t.name === job.template);
  if (!template) {
    showError(byId("queue-error"), { message: `This station no longer has the template “${job.template}”; cancel the job.` });
    return;
  }
  go("flow", { template, jobId: job.jobId, recipient: job.recipient });
}
