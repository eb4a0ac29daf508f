// Node 20 has neither indexedDB nor a global WebSocket; the browser has both.
// fake-indexeddb is the one mock here: IndexedDB cannot run in Node at all.
import 'fake-indexeddb/auto';
