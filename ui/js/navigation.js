// Which screen is on show. Screens are registered by name rather than
// imported, so any screen can send the user to another without depending on it.

const screens = {};
let current = null;
// The screen "home" stands for: the attract screen on a kiosk.
let homeScreen = "home";

// The steps of one issuance or check, all under the nav bar's "Issue".
const issueSteps = ["recipient", "photo", "flow", "result"];

/** Makes screens reachable by `go`: name → `{show?(args), leave?(next)}`. */
export function register(named) {
  Object.assign(screens, named);
}

/** Makes `go("home")` (Done, Cancel, a result's reset) show `name` instead. */
export function setHomeScreen(name) {
  homeScreen = name;
}

/** Shows one screen; `args` go to its `show`. Moves focus to its heading. */
export function go(name, args = {}) {
  if (name === "home") name = homeScreen;
  if (current && current !== name && screens[current]?.leave) screens[current].leave(name);
  for (const section of document.querySelectorAll("[data-screen]")) {
    section.hidden = section.dataset.screen !== name;
  }
  for (const button of document.querySelectorAll("nav [data-go]")) {
    const here = button.dataset.go === name || (button.dataset.go === "home" && issueSteps.includes(name));
    if (here) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  current = name;
  screens[name]?.show?.(args);
  document.querySelector(`[data-screen="${name}"] h2`)?.focus({ preventScroll: true });
}
