// The language switcher: every `[data-language-picker]` container becomes
// a group of buttons, one per language of ui/locales/index.json, each
// named in its own language (with its `lang`, so a screen reader says it
// right), the current one pressed. A kiosk calls `resetLanguage()` when a
// visitor leaves, so the next one starts in the station's language.

import { currentLanguage, defaultLanguage, languages, localize, onLanguageChange, setLanguage } from "./i18n.js";
import { el } from "./dom.js";

let following = false;

/**
 * Builds the buttons in every picker under `root` and keeps them pressed
 * right; call it again for a picker added later.
 */
export async function initLanguagePickers(root = document) {
  const list = await languages();
  for (const picker of root.querySelectorAll("[data-language-picker]")) {
    picker.setAttribute("role", "group");
    if (!picker.hasAttribute("aria-labelledby")) localize(picker, "desk-language-picker");
    picker.replaceChildren(...list.map((language) =>
      el("button", {
        type: "button",
        lang: language.code,
        dir: language.dir,
        "data-language": language.code,
        "aria-pressed": String(language.code === currentLanguage()),
        onclick: () => choose(language.code),
      }, language.name)));
  }
  if (!following) onLanguageChange(showPressed);
  following = true;
}

async function choose(code) {
  if (code === currentLanguage()) return;
  try {
    await setLanguage(code);
  } catch (error) {
    // The language list and its files ship with the app: a failure here is a broken install.
    console.error(`the language ${code} could not be loaded: ${error.message ?? error}`);
  }
}

function showPressed(language) {
  for (const button of document.querySelectorAll("[data-language-picker] [data-language]")) {
    button.setAttribute("aria-pressed", String(button.dataset.language === language.code));
  }
}

/** Back to the station's own language (a kiosk, when its visitor leaves). */
export async function resetLanguage() {
  const code = await defaultLanguage();
  if (code !== currentLanguage()) await setLanguage(code);
}
