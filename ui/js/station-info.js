// What the station says about itself (sandbox or not, its templates, how
// long a result stays): read at start-up and again after settings are saved.

let info = { sandbox: false, templates: [], resultResetSecs: 15, openInWallet: false, rosterPeople: 0 };
const subscribers = [];

export function stationInfo() {
  return info;
}

/** Calls `subscriber(info)` whenever new station info arrives. */
export function onInfo(subscriber) {
  subscribers.push(subscriber);
}

export function applyInfo(next) {
  info = next;
  for (const subscriber of subscribers) subscriber(info);
}
