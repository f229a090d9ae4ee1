// The one place the UI touches Tauri. Every other module imports from here,
// so the same files also load in a plain browser (accessibility checks, a
// second screen), where `connected` is false and calls fail with a clear error.

const internals = window.__TAURI_INTERNALS__;

export const connected = Boolean(internals);

const notConnected = {
  code: "bridge.not_connected",
  message: "This page is not running inside Issuance Station, so it cannot reach the station.",
};

/** Calls a station command; rejects with `{code, message}`. */
export function call(command, args = {}) {
  if (!connected) return Promise.reject(notConnected);
  return internals.invoke(command, args).catch((error) => {
    throw typeof error === "object" && error && "code" in error
      ? error
      : { code: "bridge.error", message: String(error) };
  });
}

/**
 * A channel the station streams messages into, delivered in order; pass it
 * as a command argument. The station ends it.
 */
export function channel(onMessage) {
  if (!connected) throw notConnected;
  const early = new Map();
  let next = 0;
  const id = internals.transformCallback((raw) => {
    if ("end" in raw) return internals.unregisterCallback(id);
    early.set(raw.index, raw.message);
    while (early.has(next)) {
      const message = early.get(next);
      early.delete(next);
      next += 1;
      onMessage(message);
    }
  });
  const reference = `__CHANNEL__:${id}`;
  return { toJSON: () => reference, __TAURI_TO_IPC_KEY__: () => reference };
}

/** Listens to a station event; resolves to a function that stops listening. */
export async function listen(event, onPayload) {
  if (!connected) throw notConnected;
  const handler = internals.transformCallback((message) => onPayload(message.payload));
  const eventId = await internals.invoke("plugin:event|listen", {
    event,
    target: { kind: "Any" },
    handler,
  });
  return () => {
    window.__TAURI_EVENT_PLUGIN_INTERNALS__?.unregisterListener(event, eventId);
    internals.invoke("plugin:event|unlisten", { event, eventId }).catch(() => {});
  };
}
