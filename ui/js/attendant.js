// Attendant: for whoever looks after several kiosks, how the last 12 hours
// went at a glance — issuances per hour as a bar chart (drawn here as
// inline SVG, with a hidden table saying the same to a screen reader), the
// success rate, what the queue holds and why issuances failed. Refreshed
// every 10 s while on screen and on the station's `queue-changed` events.

import * as api from "./api.js";
import { connected, listen } from "./bridge.js";
import { byId, el, showError } from "./dom.js";
import { errorId, has, localize, onLanguageChange, t } from "./i18n.js";

const REFRESH_MS = 10000;
const HOUR_MS = 3600000;
const SVG = "http://www.w3.org/2000/svg";

// The chart's drawing units (the SVG scales to the page's width).
const WIDTH = 720;
const HEIGHT = 260;
const TOP = 36; // room for the count over the tallest bar
const BOTTOM = 32; // room for the hour labels
const SLOT = WIDTH / 12;
const BAR = SLOT * 0.6;

// The queue's open statuses, as the stats' `queue` keys them.
const OPEN = ["queued", "sending", "sent", "ready", "atDesk", "uncertain"];

let onScreen = false;
let refreshTimer = null;
// Answers to an older refresh than the newest are dropped.
let refreshes = 0;
let stats = null;

export function init() {
  if (connected) listen("queue-changed", () => onScreen && refresh()).catch(() => {});
  onLanguageChange(() => onScreen && stats && render());
}

export function show() {
  onScreen = true;
  refresh();
  clearInterval(refreshTimer);
  refreshTimer = setInterval(refresh, REFRESH_MS);
}

export function leave() {
  onScreen = false;
  clearInterval(refreshTimer);
  refreshTimer = null;
}

async function refresh() {
  const refresh = ++refreshes;
  try {
    const answer = await api.attendantStats();
    if (refresh !== refreshes || !onScreen) return;
    stats = answer;
    byId("attendant-error").hidden = true;
    render();
  } catch (error) {
    if (refresh === refreshes) showError(byId("attendant-error"), error);
  }
}

function render() {
  const issued = sum(stats.hours, "issued");
  const failed = sum(stats.hours, "failed");
  byId("attendant-issued").textContent = String(issued);
  byId("attendant-failed").textContent = String(failed);
  if (stats.successRate === null) localize(byId("attendant-rate"), "attendant-rate-none");
  else localize(byId("attendant-rate"), "attendant-rate", { rate: stats.successRate });
  byId("attendant-depth").textContent = String(stats.queueDepth);
  const open = Object.fromEntries(OPEN.map((status) => [status, stats.queue[status] ?? 0]));
  localize(byId("attendant-queue"), "attendant-queue-breakdown", open);
  byId("attendant-chart").replaceChildren(chart(stats.hours, issued, failed));
  byId("attendant-rows").replaceChildren(...stats.hours.map(tableRow));
  byId("attendant-reasons").replaceChildren(
    ...stats.failuresByReason.map(({ reasonCode, count }) => el("li", { "data-reason": reasonCode, l10n: reason(reasonCode, count) })),
  );
  byId("attendant-no-failures").hidden = stats.failuresByReason.length > 0;
  localize(byId("attendant-updated"), "attendant-updated", { at: stats.generatedAtMs });
}

/** A failure's code and count, with what the code means where the page has words for it. */
function reason(code, count) {
  if (has(errorId(code))) return ["attendant-reason-explained", { code, count, explanation: t(errorId(code)) }];
  return ["attendant-reason", { code, count }];
}

function sum(hours, key) {
  return hours.reduce((total, hour) => total + hour[key], 0);
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/**
 * Stacked bars, issued below and failed above; failed ones hatched and
 * counted with a ✕, so colour is never the only difference.
 */
function chart(hours, issued, failed) {
  const tallest = Math.max(1, ...hours.map((hour) => hour.issued + hour.failed));
  const plot = HEIGHT - TOP - BOTTOM;
  const scale = (count) => (count / tallest) * plot;
  const baseline = HEIGHT - BOTTOM;
  const figure = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "attendant-bars" },
    svg("defs", {},
      svg("pattern", { id: "attendant-hatch", width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        svg("rect", { width: 8, height: 8, class: "hatch-ground" }),
        svg("line", { x1: 0, y1: 0, x2: 0, y2: 8, class: "hatch-line" }),
      ),
    ),
    svg("line", { x1: 0, y1: baseline, x2: WIDTH, y2: baseline, class: "axis" }),
  );
  localize(figure, "attendant-chart", { issued, failed });
  hours.forEach((hour, index) => {
    const x = index * SLOT + (SLOT - BAR) / 2;
    const middle = index * SLOT + SLOT / 2;
    const issuedHeight = scale(hour.issued);
    const failedHeight = scale(hour.failed);
    const bar = svg("g", { "data-hour": hour.startMs, "data-issued": hour.issued, "data-failed": hour.failed });
    if (hour.issued) bar.append(svg("rect", { x, y: baseline - issuedHeight, width: BAR, height: issuedHeight, class: "issued" }));
    if (hour.failed) {
      bar.append(svg("rect", { x, y: baseline - issuedHeight - failedHeight, width: BAR, height: failedHeight, class: "failed", fill: "url(#attendant-hatch)" }));
    }
    const top = baseline - issuedHeight - failedHeight;
    const label = hour.failed ? `${hour.issued} ${t("attendant-bar-failed", { count: hour.failed })}` : String(hour.issued);
    bar.append(
      svg("text", { x: middle, y: top - 8, "text-anchor": "middle", class: "count" }, label),
      svg("text", { x: middle, y: HEIGHT - 8, "text-anchor": "middle", class: "hour" }, t("attendant-hour", { start: hour.startMs })),
    );
    figure.append(bar);
  });
  return figure;
}

function tableRow(hour) {
  const when = el("th", { scope: "row" });
  localize(when, "attendant-hour-range", { start: hour.startMs, end: hour.startMs + HOUR_MS });
  return el("tr", {}, when, el("td", { text: String(hour.issued) }), el("td", { text: String(hour.failed) }));
}
