// Home: pick what to issue (or which credential to check).

import { byId, el, setText, showMessage } from "./dom.js";
import { errorMessage } from "./i18n.js";
import { go } from "./navigation.js";

export function render(info) {
  const error = byId("startup-error");
  error.hidden = true;
  if (info.startupError) {
    showMessage(error, "desk-home-startup-error", { message: errorMessage(info.startupError) });
  }
  const notice = byId("store-notice");
  notice.hidden = !info.storeNotice;
  setText(notice, info.storeNotice ?? "");
  const issue = info.templates.filter((t) => t.kind === "issuance");
  const verify = info.templates.filter((t) => t.kind === "presentation");
  byId("issue-templates").replaceChildren(
    ...issue.map((template) =>
      el("li", {}, el("button", { type: "button", "data-template": template.name, onclick: () => go("recipient", { template }) },
        template.displayName,
        el("small", { l10n: ["desk-home-tile-issue", { service: template.service, count: template.claims.length }] }))),
    ),
  );
  byId("verify-title").hidden = verify.length === 0;
  byId("verify-templates").replaceChildren(
    ...verify.map((template) =>
      el("li", {}, el("button", { type: "button", "data-template": template.name, onclick: () => go("flow", { template }) },
        template.displayName, el("small", { l10n: ["desk-home-tile-verify", { service: template.service }] }))),
    ),
  );
}
