// The one place the UI touches Tauri. Every other module imports from here,
// so the same files also load in a plain browser (accessibility checks, a
// second screen), where `connected` is false and calls fail with a clear error.
// The API is imported by path: the window serves ui/ as it is, with no bundler
// to resolve package names.

import { Channel, invoke, isTauri } from "../node_modules/@tauri-apps/api/core.js";
import { listen as listenToEvent } from "../node_modules/@tauri-apps/api/event.js";

export const connected = isTauri();

const notConnected = {
  code: "bridge.not_connected",
  message: "This page is not running inside Issuance Station, so it cannot reach the station.",
};

/** Calls a station command; rejects with `{code, message}`. */
export function call(command, args = {}) {
  if (!connected) return Promise.reject(notConnected);
  return invoke(command, args).catch((error) => {
    throw typeof error === "object" && error && "code" in error
      ? error
      : { code: "bridge.error", message: String(error) };
  });
}

/**
 * A channel the station streams messages into, delivered in order (Tauri's
 * Channel reorders by message index); pass it as a command argument. The
 * station ends it.
 */
export function channel(onMessage) {
  if (!connected) throw notConnected;
  return new Channel(onMessage);
}

/** Listens to a station event; resolves to a function that stops listening. */
export async function listen(event, onPayload) {
  if (!connected) throw notConnected;
  const unlisten = await listenToEvent(event, (message) => onPayload(message.payload));
  // Stopping is fire and forget: a listener the station already dropped is gone either way.
  return () => {
    unlisten().catch(() => {});
  };
}
