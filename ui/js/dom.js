// Small DOM helpers: build elements without innerHTML for anything that
// carries user or service text.

import { errorId, errorMessage, has, localize } from "./i18n.js";

/**
 * `attributes.text` is the element's text as it is (a name, a service's
 * words); `attributes.l10n` (`[id, args]`) its text and attributes from a
 * message, following the page's language.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name === "l10n") continue;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  if (attributes.l10n) localize(node, ...attributes.l10n);
  return node;
}

export const byId = (id) => document.getElementById(id);

/** Shows `text` as it is: the element no longer follows a message. */
export function setText(target, text) {
  delete target.dataset.l10nId;
  delete target.dataset.l10nArgs;
  target.textContent = text;
}

/**
 * Shows a station error `{code, message}`: in the page's language where
 * its code has words here (the station's own message, with its details,
 * stays in the title), else the station's message as it is.
 */
export function showError(target, error) {
  if (error?.code && has(errorId(error.code))) {
    localize(target, errorId(error.code));
    target.title = error.message || "";
  } else {
    setText(target, errorMessage(error));
    target.removeAttribute("title");
  }
  target.hidden = false;
}

/** Shows message `id` (with `args`) in `target`, following the page's language. */
export function showMessage(target, id, args) {
  target.removeAttribute("title");
  localize(target, id, args);
  target.hidden = false;
}
