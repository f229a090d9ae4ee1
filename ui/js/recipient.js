// Recipient: a form built from the template's claim fields, checked by the
// engine as the user types, with each problem next to its field; above it,
// a search of the imported roster that fills the form with the person
// picked. A person who already has this credential is issued it again only
// with a reason, which the station keeps in its audit log.

import * as api from "./api.js";
import { byId, el, setText, showError, showMessage } from "./dom.js";
import { localize } from "./i18n.js";
import { go } from "./navigation.js";
import { stationInfo } from "./station-info.js";

const SEARCH_DELAY_MS = 100;
const SEARCH_LIMIT = 8;

let template = null;
let checkTimer = null;
let searchTimer = null;
// Answers to an older search than the newest are dropped.
let searches = 0;
let found = [];
let active = -1;
// The roster person picked: `{personId, name, alreadyIssued}`.
let picked = null;

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
    const person = pickedPerson();
    if (!person) return;
    go(template.photo ? "photo" : "flow", { template, claims: values(), ...person });
  });
  initRosterSearch();
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
  clearRoster();
  const roster = stationInfo().rosterPeople > 0;
  byId("roster").hidden = !roster;
  (roster ? byId("roster-search") : byId("claim-fields").querySelector("input"))?.focus();
}

export function leave() {
  clearTimeout(checkTimer);
  clearTimeout(searchTimer);
  closeResults();
}

/** Wipes what was typed: the recipient's data does not outlive the flow. */
export function reset() {
  byId("claim-fields").replaceChildren();
  clearRoster();
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
    if (show) describeProblem(message, input.labels[0].firstChild.textContent, problem.problem);
    else setText(message, "");
  }
  return problems;
}

/**
 * A missing field in the page's language; any other problem in the
 * station's words (its detail in brackets is for the log, not the desk).
 */
function describeProblem(target, label, problem) {
  if (problem.startsWith("is required")) localize(target, "desk-claim-required", { field: label });
  else setText(target, `${label} ${problem.replace(/ \(.*\)$/, "")}`);
}

// Roster search, as an ARIA combobox: typing searches (debounced, newest
// query wins), ↓/↑ move through the people found, Enter picks, Escape closes.

function initRosterSearch() {
  const search = byId("roster-search");
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    const text = search.value.trim();
    if (!text) {
      searches++;
      closeResults();
      setText(byId("roster-status"), "");
      return;
    }
    searchTimer = setTimeout(() => runSearch(text), SEARCH_DELAY_MS);
  });
  search.addEventListener("keydown", (event) => {
    const open = !byId("roster-results").hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open || found.length === 0) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((active + step + found.length) % found.length);
    } else if (event.key === "Enter") {
      // Enter in the search box picks; it never submits the form.
      event.preventDefault();
      if (open && active >= 0) pick(found[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      closeResults();
    }
  });
  search.addEventListener("blur", () => setTimeout(closeResults, 150));
  byId("roster-results").addEventListener("mousedown", (event) => event.preventDefault());
  byId("roster-clear").addEventListener("click", () => {
    clearRoster();
    byId("roster-search").focus();
  });
  byId("override-reason").addEventListener("input", () => {
    byId("override-reason-error").hidden = true;
  });
  byId("override-issue").addEventListener("change", (event) => {
    byId("override-reason").disabled = !event.target.checked;
    byId("override-reason-error").hidden = true;
    if (event.target.checked) byId("override-reason").focus();
  });
}

async function runSearch(text) {
  const search = ++searches;
  let people;
  try {
    people = await api.rosterSearch({ text, limit: SEARCH_LIMIT });
  } catch (error) {
    if (search === searches) showError(byId("recipient-error"), error);
    return;
  }
  if (search !== searches || !template) return;
  byId("recipient-error").hidden = true;
  found = people;
  showResults();
}

/** What a roster person is called on screen: the template's claims, in order. */
function nameOf(person) {
  const values = template.claims.map((claim) => person.claims[claim.name]).filter(Boolean);
  return values.join(" ") || person.externalId || `#${person.personId}`;
}

function alreadyIssued(person) {
  return person.issuedTemplates.includes(template.name);
}

function showResults() {
  const list = byId("roster-results");
  list.replaceChildren(...found.map((person, index) =>
    el("li", { id: `roster-option-${index}`, role: "option", "aria-selected": "false", onclick: () => pick(person) },
      el("span", { text: nameOf(person) }),
      el("span", {},
        person.externalId ? el("span", { class: "hint", text: `${person.externalId} ` }) : null,
        alreadyIssued(person) ? el("span", { class: "issued", l10n: ["desk-roster-already-issued"] }) : null))));
  list.hidden = found.length === 0;
  byId("roster-search").setAttribute("aria-expanded", String(found.length > 0));
  active = -1;
  byId("roster-search").removeAttribute("aria-activedescendant");
  if (found.length === 0) localize(byId("roster-status"), "desk-roster-none");
  else localize(byId("roster-status"), "desk-roster-found", { count: found.length });
}

function setActive(index) {
  active = index;
  for (const [at, option] of [...byId("roster-results").children].entries()) {
    option.setAttribute("aria-selected", String(at === index));
    if (at === index) option.scrollIntoView({ block: "nearest" });
  }
  byId("roster-search").setAttribute("aria-activedescendant", `roster-option-${index}`);
}

function closeResults() {
  found = [];
  active = -1;
  byId("roster-results").hidden = true;
  byId("roster-results").replaceChildren();
  byId("roster-search").setAttribute("aria-expanded", "false");
  byId("roster-search").removeAttribute("aria-activedescendant");
}

/** Fills the form with the person's claims and remembers who they are. */
function pick(person) {
  for (const input of byId("claim-fields").querySelectorAll("input")) {
    input.value = person.claims[input.name] || "";
    input.dataset.touched = "yes";
  }
  picked = { personId: person.personId, name: nameOf(person), alreadyIssued: alreadyIssued(person) };
  closeResults();
  byId("roster-search").value = "";
  localize(byId("roster-status"), "desk-roster-picked-status", { name: picked.name });
  localize(byId("roster-picked-name"), "desk-roster-picked", { name: picked.name });
  byId("roster-picked").hidden = false;
  byId("roster-override").hidden = !picked.alreadyIssued;
  if (picked.alreadyIssued) localize(byId("roster-issued-note"), "desk-roster-issued-note", { name: picked.name, credential: template.displayName });
  else setText(byId("roster-issued-note"), "");
  resetOverride();
  check(false);
  byId(picked.alreadyIssued ? "override-issue" : "create-request").focus();
}

function clearRoster() {
  searches++;
  clearTimeout(searchTimer);
  closeResults();
  picked = null;
  byId("roster-search").value = "";
  setText(byId("roster-status"), "");
  setText(byId("roster-picked-name"), "");
  setText(byId("roster-issued-note"), "");
  byId("roster-picked").hidden = true;
  byId("roster-override").hidden = true;
  resetOverride();
}

/** "Issue it again" unticked, with no reason and no complaint. */
function resetOverride() {
  byId("override-issue").checked = false;
  byId("override-reason").value = "";
  byId("override-reason").disabled = true;
  byId("override-reason-error").hidden = true;
}

/**
 * The roster person for the issuance: `{personId, overrideReason?}`, `{}`
 * for someone typed in, or null (with the reason shown) while issuing again
 * lacks its reason.
 */
function pickedPerson() {
  if (!picked) return {};
  if (!picked.alreadyIssued) return { personId: picked.personId };
  const problem = byId("override-reason-error");
  const reason = byId("override-reason").value.trim();
  if (!byId("override-issue").checked) {
    showMessage(problem, "desk-override-needed", { name: picked.name });
    byId("override-issue").focus();
    return null;
  }
  if (!reason) {
    showMessage(problem, "desk-override-reason-missing");
    byId("override-reason").focus();
    return null;
  }
  problem.hidden = true;
  return { personId: picked.personId, overrideReason: reason };
}
