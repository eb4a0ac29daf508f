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
const noChats = container.querySelector('.empty')!;
const errorLine = element('#error');
const UNREACHABLE = 'Emulator unreachable';
const drafts = new Map<string, string>();
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

function renderCustomers(customers: AgentViewCustomer[]): void {
  customersList.replaceChildren(
    ...customers.map((customer) => {
      const item = document.createElement('li');
      const label = document.createElement('span');
      const who = customer.name ?? customer.email ?? customer.id.slice(0, 8);
      const where = customer.page ? ` on ${customer.page.title ?? customer.page.url}` : '';
      label.textContent = `${who} · ${customer.online ? `online (${customer.connections} socket${customer.connections === 1 ? '' : 's'})${where}` : 'offline'}${customer.banned ? ' · banned' : ''}`;
      item.append(
        label,
        button('Greet', () => call('/__emulator/agent/greeting', { customer_id: customer.id, text: 'Hi! Anything I can help you with?' })),
        button('Ban', () => call('/__emulator/ban', { customer_id: customer.id })),
      );
      return item;
    }),
  );
}

function renderChats(chats: AgentViewChat[]): void {
  if (chats.length === 0) {
    drafts.clear();
    container.replaceChildren(noChats);
    return;
  }
  // Keep what the agent is typing across refreshes.
  container.querySelectorAll<HTMLInputElement>('input[data-chat]').forEach((input) => drafts.set(input.dataset.chat!, input.value));
  const focused = (document.activeElement as HTMLInputElement | null)?.dataset?.chat;
  container.replaceChildren(
    ...chats.map((chat) => {
      const article = document.createElement('article');
      article.className = 'chat';
      const title = document.createElement('h2');
      title.textContent = `${chat.id} · customer ${chat.customer_id.slice(0, 8)} · ${chat.active ? 'active' : 'inactive'}`;
      const list = document.createElement('ol');
      list.className = 'messages';
      for (const event of chat.threads.flatMap((thread) => thread.events)) {
        const item = document.createElement('li');
        item.className = event.author_id === chat.customer_id ? 'theirs' : 'mine';
        item.textContent = describe(event);
        list.append(item);
      }
      if (chat.sneak_peek?.text) {
        const peek = document.createElement('li');
        peek.className = 'theirs peek';
        peek.textContent = `typing: ${chat.sneak_peek.text}`;
        list.append(peek);
      }
      const form = document.createElement('form');
      form.className = 'composer';
      const input = document.createElement('input');
      input.dataset.chat = chat.id;
      input.placeholder = 'Reply as agent…';
      input.value = drafts.get(chat.id) ?? '';
      // The customer sees "agent is typing" while the agent has something in the box.
      input.addEventListener('input', () => setTyping(chat.id, input.value !== ''));
      const send = document.createElement('button');
      send.textContent = 'Send';
      form.append(input, send);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        call('/__emulator/agent/send_event', { chat_id: chat.id, text }).then(
          () => {
            drafts.delete(chat.id);
            input.value = '';
            setTyping(chat.id, false);
            void refresh();
          },
          (error: Error) => (errorLine.textContent = error.message),
        );
      });
      const actions = document.createElement('div');
      actions.className = 'actions';
      if (chat.active) {
        actions.append(
          button('Quick replies', () => call('/__emulator/agent/send_event', { chat_id: chat.id, event: QUICK_REPLIES })),
          button('Ask for e-mail', () => call('/__emulator/agent/send_event', { chat_id: chat.id, event: EMAIL_FORM })),
          button('Transfer to group 1', () => call('/__emulator/agent/transfer', { chat_id: chat.id, group_id: 1 })),
          button('Close chat', () => call('/__emulator/agent/deactivate_chat', { chat_id: chat.id })),
        );
      }
      article.append(title, list, ...(chat.active ? [form] : []), actions);
      return article;
    }),
  );
  if (focused) container.querySelector<HTMLInputElement>(`input[data-chat="${focused}"]`)?.focus();
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
