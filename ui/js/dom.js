// Small DOM helpers: build elements without innerHTML for anything that
// carries user or service text.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

export const byId = (id) => document.getElementById(id);

export function showError(target, error) {
  target.textContent = error && error.message ? error.message : String(error);
  target.hidden = false;
}
