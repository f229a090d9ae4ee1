// Home: pick what to issue (or which credential to check).

import { byId, el, showError } from "./dom.js";
import { go } from "./navigation.js";

export function render(info) {
  const error = byId("startup-error");
  error.hidden = true;
  if (info.startupError) {
    showError(error, { message: `${info.startupError.message} Fix it in Settings or in the config file.` });
  }
  const notice = byId("store-notice");
  notice.hidden = !info.storeNotice;
  notice.textContent = info.storeNotice ?? "";
  const issue = info.templates.filter((t) => t.kind === "issuance");
  const verify = info.templates.filter((t) => t.kind === "presentation");
  byId("issue-templates").replaceChildren(
    ...issue.map((template) =>
      el("li", {}, el("button", { type: "button", "data-template": template.name, onclick: () => go("recipient", { template }) },
        template.displayName,
        el("small", { text: `${template.service} · ${template.claims.length} field${template.claims.length === 1 ? "" : "s"}` }))),
    ),
  );
  byId("verify-title").hidden = verify.length === 0;
  byId("verify-templates").replaceChildren(
    ...verify.map((template) =>
      el("li", {}, el("button", { type: "button", "data-template": template.name, onclick: () => go("flow", { template }) },
        template.displayName, el("small", { text: `${template.service} · ask a wallet to present it` }))),
    ),
  );
}
