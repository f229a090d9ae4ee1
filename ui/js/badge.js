// The badge card on the result screen: once an issuance of a template with
// a badge succeeds, the station prints it (or saves it when no printer is
// set) and says so; if it could not, it says why and offers "Print again".
// The issuance stands either way.

import * as api from "./api.js";
import { byId } from "./dom.js";
import { errorMessage, localize } from "./i18n.js";

/** The issuance whose badge the result shows: `{flowId, template}`. */
let current = null;

export function init() {
  byId("result-badge-retry").addEventListener("click", () => {
    if (current) print(current.flowId, current.template);
  });
}

/** Prints the badge of the issued flow `flowId`, if `template` has one. */
export async function print(flowId, template) {
  if (!template?.badge) return;
  current = { flowId, template };
  const status = byId("result-badge");
  const retry = byId("result-badge-retry");
  status.hidden = false;
  retry.hidden = true;
  localize(status, "badge-printing");
  try {
    const outcome = await api.printBadge({ flowId });
    if (current?.flowId !== flowId) return;
    if (outcome.kind === "printed") localize(status, "badge-printed", { printer: outcome.printer });
    else localize(status, "badge-saved", { path: outcome.path });
  } catch (error) {
    if (current?.flowId !== flowId) return;
    localize(status, "badge-not-printed", { why: errorMessage(error) });
    retry.hidden = false;
  }
}

/** The result is done with: its badge line goes too. */
export function reset() {
  current = null;
  const status = byId("result-badge");
  status.hidden = true;
  status.textContent = "";
  delete status.dataset.l10nId;
  delete status.dataset.l10nArgs;
  byId("result-badge-retry").hidden = true;
}
