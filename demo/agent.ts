/**
 * The agent side of the demo: lists the emulator's customers and chats (polled every second, with
 * what the customer is typing) and acts on them through its agent API.
 */
import { demoSettings, element } from './settings';

interface AgentViewEvent {
  id: string;
  type: string;
  text?: string;
  author_id: string;
  template_id?: string;
  form_type?: string;
  name?: string;
}
interface AgentViewChat {
  id: string;
  customer_id: string;
  active: boolean;
  threads: Array<{ id: string; events: AgentViewEvent[] }>;
  sneak_peek: { text: string } | null;
}
interface AgentViewCustomer {
  id: string;
  name?: string;
  email?: string;
  online: boolean;
  connections: number;
  banned: boolean;
  page: { url: string; title?: string } | null;
}

const { server, organizationId } = demoSettings();
element('#organization').textContent = organizationId;
element('#server').textContent = server;
const customersList = element('#customers');
const container = element('#chats');
/** Shown while the organization has no chats (again after a reset). */
const noChats = container.querySelector<HTMLElement>('.empty')!;
const errorLine = element('#error');
const UNREACHABLE = 'Emulator unreachable';
/** What the customer was last told per chat: tell only changes, not every keystroke. */
const typing = new Map<string, boolean>();

function setTyping(chatId: string, isTyping: boolean): void {
  if ((typing.get(chatId) ?? false) === isTyping) return;
  typing.set(chatId, isTyping);
  void call('/__emulator/agent/typing', { chat_id: chatId, is_typing: isTyping }).catch(() => undefined);
}

/** Samples behind the buttons: what a real agent would pick from canned responses. */
const QUICK_REPLIES = {
  type: 'rich_message',
  template_id: 'quick_replies',
  elements: [{ title: 'Can I help with your order?', buttons: [{ type: 'message', text: 'Yes, please', value: 'yes' }, { type: 'message', text: 'No, thanks', value: 'no' }] }],
};
const EMAIL_FORM = {
  type: 'form',
  form_id: 'demo-ask-for-email',
  form_type: 'ask_for_email',
  fields: [{ type: 'email', id: '0', label: 'Your e-mail, so we can write back:', required: true }],
};

async function call(path: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ organization_id: organizationId, ...body }),
  });
  if (!response.ok) {
    const answer = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(answer.error?.message ?? `HTTP ${response.status}`);
  }
}

/** A button that runs `action` and shows its failure, then refreshes. */
function button(label: string, action: () => Promise<void>): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', () => {
    action().then(
      () => void refresh(),
      (error: Error) => (errorLine.textContent = error.message),
    );
  });
  return b;
}

function describe(event: AgentViewEvent): string {
  switch (event.type) {
    case 'message':
    case 'system_message':
      return event.text ?? '';
    case 'rich_message':
      return `[rich message: ${event.template_id ?? ''}]`;
    case 'form':
    case 'filled_form':
      return `[${event.type}: ${event.form_type ?? ''}]`;
    case 'file':
      return `[file: ${event.name ?? ''}]`;
    default:
      return `[${event.type}]`;
  }
}

/**
 * Puts `nodes` into `parent` in this order, moving only the ones out of place: a node that stays
 * (an input being typed in, a button being pressed) is never taken out of the page.
 */
function placeChildren(parent: Element, nodes: Element[]): void {
  nodes.forEach((node, index) => {
    const current = parent.children[index];
    if (current !== node) parent.insertBefore(node, current ?? null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild!.remove();
}

/** Writes text only when it changed, so an unchanged line keeps its selection. */
function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** The rows on screen, by customer id; built once, then only their label changes. */
const customerRows = new Map<string, { item: HTMLLIElement; label: HTMLSpanElement }>();

function renderCustomers(customers: AgentViewCustomer[]): void {
  const rows = customers.map((customer) => {
    let row = customerRows.get(customer.id);
    if (row === undefined) {
      const item = document.createElement('li');
      const label = document.createElement('span');
      item.append(
        label,
        button('Greet', () => call('/__emulator/agent/greeting', { customer_id: customer.id, text: 'Hi! Anything I can help you with?' })),
        button('Ban', () => call('/__emulator/ban', { customer_id: customer.id })),
      );
      row = { item, label };
      customerRows.set(customer.id, row);
    }
    const who = customer.name ?? customer.email ?? customer.id.slice(0, 8);
    const where = customer.page ? ` on ${customer.page.title ?? customer.page.url}` : '';
    setText(row.label, `${who} · ${customer.online ? `online (${customer.connections} socket${customer.connections === 1 ? '' : 's'})${where}` : 'offline'}${customer.banned ? ' · banned' : ''}`);
    return row;
  });
  for (const id of customerRows.keys()) if (!customers.some((customer) => customer.id === id)) customerRows.delete(id);
  placeChildren(customersList, rows.map((row) => row.item));
}

/**
 * A chat on screen. The composer is made once and never rebuilt, so what the agent is typing (the
 * caret, an IME composition) survives every poll; the messages and the buttons are redrawn only
 * when what they show changed.
 */
interface ChatView {
  article: HTMLElement;
  title: HTMLHeadingElement;
  list: HTMLOListElement;
  form: HTMLFormElement;
  actions: HTMLDivElement;
  /** What `list` and `actions` were last drawn from. */
  drawn: { messages: string; active: boolean | undefined };
}

const chatViews = new Map<string, ChatView>();

function chatView(chatId: string): ChatView {
  const known = chatViews.get(chatId);
  if (known !== undefined) return known;
  const article = document.createElement('article');
  article.className = 'chat';
  const title = document.createElement('h2');
  const list = document.createElement('ol');
  list.className = 'messages';
  const form = document.createElement('form');
  form.className = 'composer';
  const input = document.createElement('input');
  input.dataset.chat = chatId;
  input.placeholder = 'Reply as agent…';
  // The customer sees "agent is typing" while the agent has something in the box.
  input.addEventListener('input', () => setTyping(chatId, input.value !== ''));
  const send = document.createElement('button');
  send.textContent = 'Send';
  form.append(input, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    call('/__emulator/agent/send_event', { chat_id: chatId, text }).then(
      () => {
        input.value = '';
        setTyping(chatId, false);
        void refresh();
      },
      (error: Error) => (errorLine.textContent = error.message),
    );
  });
  const actions = document.createElement('div');
  actions.className = 'actions';
  const view: ChatView = { article, title, list, form, actions, drawn: { messages: '', active: undefined } };
  chatViews.set(chatId, view);
  return view;
}

/** The chat's lines as the console shows them: every message, then what the customer is typing. */
function messageLines(chat: AgentViewChat): Array<{ className: string; text: string }> {
  const lines = chat.threads
    .flatMap((thread) => thread.events)
    .map((event) => ({ className: event.author_id === chat.customer_id ? 'theirs' : 'mine', text: describe(event) }));
  if (chat.sneak_peek?.text) lines.push({ className: 'theirs peek', text: `typing: ${chat.sneak_peek.text}` });
  return lines;
}

function drawMessages(list: HTMLOListElement, lines: Array<{ className: string; text: string }>): void {
  list.replaceChildren(
    ...lines.map(({ className, text }) => {
      const item = document.createElement('li');
      item.className = className;
      item.textContent = text;
      return item;
    }),
  );
}

function drawActions(actions: HTMLDivElement, chat: AgentViewChat): void {
  actions.replaceChildren(
    ...(chat.active
      ? [
          button('Quick replies', () => call('/__emulator/agent/send_event', { chat_id: chat.id, event: QUICK_REPLIES })),
          button('Ask for e-mail', () => call('/__emulator/agent/send_event', { chat_id: chat.id, event: EMAIL_FORM })),
          button('Transfer to group 1', () => call('/__emulator/agent/transfer', { chat_id: chat.id, group_id: 1 })),
          button('Close chat', () => call('/__emulator/agent/deactivate_chat', { chat_id: chat.id })),
        ]
      : []),
  );
}

function renderChats(chats: AgentViewChat[]): void {
  const views = chats.map((chat) => {
    const view = chatView(chat.id);
    setText(view.title, `${chat.id} · customer ${chat.customer_id.slice(0, 8)} · ${chat.active ? 'active' : 'inactive'}`);
    const lines = messageLines(chat);
    const messages = JSON.stringify(lines);
    if (messages !== view.drawn.messages) drawMessages(view.list, lines);
    if (chat.active !== view.drawn.active) drawActions(view.actions, chat);
    view.drawn = { messages, active: chat.active };
    // An inactive chat takes no replies; a resumed one gets its composer back, draft and all.
    placeChildren(view.article, [view.title, view.list, ...(chat.active ? [view.form] : []), view.actions]);
    return view;
  });
  for (const id of chatViews.keys()) if (!chats.some((chat) => chat.id === id)) chatViews.delete(id);
  placeChildren(container, views.length === 0 ? [noChats] : views.map((view) => view.article));
}

async function refresh(): Promise<void> {
  try {
    const query = `organization_id=${encodeURIComponent(organizationId)}`;
    const [customers, chats] = await Promise.all([
      fetch(`${server}/__emulator/customers?${query}`).then((r) => r.json() as Promise<{ customers: AgentViewCustomer[] }>),
      fetch(`${server}/__emulator/chats?${query}`).then((r) => r.json() as Promise<{ chats: AgentViewChat[] }>),
    ]);
    renderCustomers(customers.customers);
    renderChats(chats.chats);
    // Clear only the poll's own complaint: an action's error stays until the next action.
    if (errorLine.textContent?.startsWith(UNREACHABLE)) errorLine.textContent = '';
  } catch (error) {
    errorLine.textContent = `${UNREACHABLE} at ${server}: ${String(error)}`;
  }
}

void refresh();
setInterval(() => void refresh(), 1000);
