/**
 * A small chat widget on the SDK. It exposes its instance as `window.sdk` and an event log as
 * `window.sdkEvents`, so the e2e tests drive real tabs the way a widget does.
 */
import * as CustomerSDK from '../src/client/index';
import type { ChatEvent, SdkEventName } from '../src/client/index';
import { SDK_EVENT_NAMES } from '../src/shared/events';
import { demoSettings, element } from './settings';

declare global {
  interface Window {
    CustomerSDK: typeof CustomerSDK;
    sdk: CustomerSDK.CustomerSDK;
    sdkEvents: Array<{ name: SdkEventName; payload: unknown; at: number }>;
    /** Ids of the events this tab chimed for (only the tab `shouldNotify()` names does). */
    sdkNotifications: string[];
  }
}

const settings = demoSettings();
// `?outbox=1`: messages typed while offline wait in the outbox instead of failing.
const outbox = new URLSearchParams(location.search).get('outbox') === '1';
const sdk = CustomerSDK.init({
  organizationId: settings.organizationId,
  clientId: 'demo-client',
  groupId: settings.groupId,
  server: settings.server,
  page: { url: location.href, title: document.title },
  referrer: document.referrer,
  extendedLifetime: settings.extendedLifetime,
  debug: settings.debug,
  ...(settings.mode ? { mode: settings.mode } : {}),
  ...(outbox ? { outbox: true } : {}),
});
window.CustomerSDK = CustomerSDK;
window.sdk = sdk;
window.sdkEvents = [];
window.sdkNotifications = [];

// Every event the SDK emits, for the event log the tests read.
for (const name of SDK_EVENT_NAMES) sdk.on(name, (payload: unknown) => window.sdkEvents.push({ name, payload, at: performance.now() }));

const state = element('#state');
const messages = element<HTMLOListElement>('#messages');
const errorLine = element('#error');
const input = element<HTMLInputElement>('#text');
let chatId: string | undefined;
let chatActive = false;
const shown = new Set<string>();

function setState(text: string): void {
  state.textContent = text;
  state.dataset.state = text;
}

/** `source` says where the message came from: the cache (painted before the login) or the server. */
function show(event: ChatEvent, source: 'cache' | 'live' = 'live'): void {
  if (event.type !== 'message' || shown.has(event.id)) return;
  shown.add(event.id);
  const item = document.createElement('li');
  item.className = event.authorId === customerId ? 'mine' : 'theirs';
  item.dataset.source = source;
  item.textContent = event.text;
  messages.append(item);
  messages.scrollTop = messages.scrollHeight;
}

let customerId: string | undefined;
sdk.on('customer_id', (id) => {
  customerId = id;
  element('#customer-id').textContent = id;
});
// Before the login completes, a runtime that starts with a cache offers what it held: paint it.
sdk.on('cached_state', ({ customer, chats }) => {
  if (state.dataset.state === 'connected') return;
  setState('cached');
  if (customer && !customerId) customerId = customer.id;
  const chat = chats[0];
  if (!chat) return;
  chatId = chat.id;
  chatActive = chat.thread?.active ?? false;
  chat.thread?.events.forEach((event) => show(event, 'cache'));
});
sdk.on('connected', async () => {
  setState('connected');
  // Both answered by the runtime's cache when another tab already asked in this login.
  const { chatsSummary } = await sdk.listChats();
  const summary = chatsSummary[0];
  if (!summary) return;
  chatId = summary.id;
  chatActive = summary.active;
  const chat = await sdk.getChat({ chatId: summary.id });
  chat.thread?.events.forEach((event) => show(event));
});
sdk.on('disconnected', ({ reason }) => setState(`disconnected: ${reason}`));
sdk.on('incoming_chat', ({ chat }) => {
  chatId = chat.id;
  chatActive = true;
  chat.thread?.events.forEach((event) => show(event));
});
let unread = 0;
const title = document.title;
sdk.on('incoming_event', ({ chatId: id, event }) => {
  if (id === chatId) show(event);
  // One chime per browser, not one per tab: only the tab the runtime names plays it.
  if (event.authorId !== customerId && sdk.shouldNotify()) {
    window.sdkNotifications.push(event.id);
    if (document.visibilityState === 'hidden') document.title = `(${++unread}) ${title}`;
  }
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    unread = 0;
    document.title = title;
  }
});
sdk.on('chat_deactivated', ({ chatId: id }) => {
  if (id === chatId) chatActive = false;
});

void sdk.getTabId().then((tabId) => (element('#tab-id').textContent = tabId));
const showStatus = (status: CustomerSDK.RuntimeStatus) => {
  element('#runtime').textContent = `${status.mode}, ${status.tabs} tab(s), ${status.connection}`;
};
sdk.onRuntimeStatus(showStatus);
void sdk.getRuntimeStatus().then(showStatus);

element<HTMLFormElement>('#composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  errorLine.textContent = '';
  try {
    if (!chatId || !chatActive) {
      const { chat } = await sdk.startChat({ chat: { thread: { events: [{ type: 'message', text }] } } });
      chatId = chat.id;
      chatActive = true;
      chat.thread?.events.forEach((event) => show(event));
    } else {
      show(await sdk.sendEvent({ chatId, event: { type: 'message', text } }));
    }
    input.value = '';
  } catch (error) {
    errorLine.textContent = error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : String(error);
  }
});
