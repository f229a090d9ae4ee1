// Recipient: a form built from the template's claim fields, checked by the
// engine as the user types, with each problem next to its field.

import * as api from "./api.js";
import { byId, el, showError } from "./dom.js";
import { go } from "./navigation.js";

let template = null;
let checkTimer = null;

export function init() {
  byId("recipient-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    // After a submit attempt every field counts as visited, so a later
    // check while typing keeps showing what is still missing.
    clearTimeout(checkTimer);
    for (const input of byId("claim-fields").querySelectorAll("input")) input.dataset.touched = "yes";
    const problems = await check(true);
    if (problems.length > 0) {
      byId(`claim-${problems[0].claim}`)?.focus();
      return;
    }
    go(template.photo ? "photo" : "flow", { template, claims: values() });
  });
  byId("claim-fields").addEventListener("input", (event) => {
    event.target.dataset.touched = "yes";
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => check(false), 150);
  });
  byId("claim-fields").addEventListener("focusout", (event) => {
    if (event.target.matches("input")) {
      event.target.dataset.touched = "yes";
      check(false);
    }
  });
}

export function show({ template: chosen }) {
  if (chosen) template = chosen;
  if (!template) return go("home");
  byId("recipient-title").textContent = template.displayName;
  byId("recipient-error").hidden = true;
  byId("claim-fields").replaceChildren(...template.claims.map(field));
  byId("claim-fields").querySelector("input")?.focus();
}

/** Wipes what was typed: the recipient's data does not outlive the flow. */
export function leave() {
  clearTimeout(checkTimer);
}

export function reset() {
  byId("claim-fields").replaceChildren();
  template = null;
}

function field(claim) {
  const id = `claim-${claim.name}`;
  return el("div", { class: "field" },
    el("label", { for: id }, claim.label, claim.required ? el("span", { class: "required", "aria-hidden": "true", text: " *" }) : null),
    el("input", { id, name: claim.name, autocomplete: "off", required: claim.required, "aria-describedby": `${id}-error`, "aria-required": claim.required ? "true" : false }),
    el("p", { id: `${id}-error`, class: "field-error", hidden: true }),
  );
}

function values() {
  const claims = {};
  for (const input of byId("claim-fields").querySelectorAll("input")) claims[input.name] = input.value;
  return claims;
}

/** Asks the engine what is wrong; shows problems of touched fields (all of them with `showAll`). */
async function check(showAll) {
  let problems = [];
  try {
    problems = await api.checkClaims({ template: template.name, claims: values() });
  } catch (error) {
    showError(byId("recipient-error"), error);
    return [{ claim: "" }];
  }
  for (const input of byId("claim-fields").querySelectorAll("input")) {
    const problem = problems.find((p) => p.claim === input.name);
    const message = byId(`${input.id}-error`);
    // A field the user has not reached yet is not wrong yet.
    const show = Boolean(problem) && (showAll || input.dataset.touched === "yes");
    input.setAttribute("aria-invalid", show ? "true" : "false");
    message.hidden = !show;
    message.textContent = show ? `${input.labels[0].firstChild.textContent} ${problem.problem.replace(/ \(.*\)$/, "")}` : "";
  }
  return problems;
}
