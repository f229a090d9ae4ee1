// An independent peer for the sandbox's Verified Orchestration emulation:
// subscribes to `issuanceEvent` with graphql-ws, the graphql-transport-ws
// protocol's reference implementation, over the `ws` package, and prints
// each event as one JSON line. It exits after a final status
// (issuance_successful or issuance_error).
//
// Usage: node graphql-ws-client.mjs <ws-url> <token> <requestId>
// Run by crates/station-sandbox/tests/orchestration_interop.rs.

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, requestId] = process.argv.slice(2);
if (!url || !token || !requestId) {
  console.error('usage: node graphql-ws-client.mjs <ws-url> <token> <requestId>');
  process.exit(2);
}

const FINAL = new Set(['issuance_successful', 'issuance_error']);
const query = `subscription IssuanceEvent($requestId: UUID!) {
  issuanceEvent(where: { requestId: $requestId }) {
    event { requestId requestStatus state error { code message } }
    issuance { id contractId identityId issuedAt }
  }
}`;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  retryAttempts: 0,
});

// The test drives the wallet; give up rather than hang if it never does.
const watchdog = setTimeout(() => {
  console.error('no final status within 60 s');
  process.exit(3);
}, 60_000);

try {
  for await (const result of client.iterate({ query, variables: { requestId } })) {
    if (result.errors) {
      console.error(JSON.stringify(result.errors));
      process.exitCode = 1;
      break;
    }
    const data = result.data.issuanceEvent;
    console.log(JSON.stringify(data));
    if (FINAL.has(data.event.requestStatus)) break;
  }
} catch (error) {
  // graphql-ws rejects with the CloseEvent or an error array.
  console.error(error instanceof Error ? error.message : JSON.stringify(error, ['code', 'reason', 'message']));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await client.dispose();
}
