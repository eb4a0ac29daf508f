/** The agent side of the demo: lists the emulator's chats and answers them through its agent API. */
import { demoSettings, element } from './settings';

interface AgentViewEvent {
  id: string;
  type: string;
  text?: string;
  author_id: string;
}
interface AgentViewChat {
  id: string;
  customer_id: string;
  active: boolean;
  threads: Array<{ id: string; events: AgentViewEvent[] }>;
}

const { server, organizationId } = demoSettings();
element('#organization').textContent = organizationId;
element('#server').textContent = server;
const container = element('#chats');
const errorLine = element('#error');
const drafts = new Map<string, string>();

async function send(chatId: string, text: string): Promise<void> {
  const response = await fetch(`${server}/__emulator/agent/send_event`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ organization_id: organizationId, chat_id: chatId, text }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(body.error?.message ?? `HTTP ${response.status}`);
  }
}

function render(chats: AgentViewChat[]): void {
  if (chats.length === 0) return;
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
        if (event.type !== 'message') continue;
        const item = document.createElement('li');
        item.className = event.author_id === chat.customer_id ? 'theirs' : 'mine';
        item.textContent = event.text ?? '';
        list.append(item);
      }
      const form = document.createElement('form');
      form.className = 'composer';
      const input = document.createElement('input');
      input.dataset.chat = chat.id;
      input.placeholder = 'Reply as agent…';
      input.value = drafts.get(chat.id) ?? '';
      const button = document.createElement('button');
      button.textContent = 'Send';
      form.append(input, button);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        send(chat.id, text).then(
          () => {
            drafts.delete(chat.id);
            input.value = '';
            void refresh();
          },
          (error: Error) => (errorLine.textContent = error.message),
        );
      });
      article.append(title, list, form);
      return article;
    }),
  );
  if (focused) container.querySelector<HTMLInputElement>(`input[data-chat="${focused}"]`)?.focus();
}

async function refresh(): Promise<void> {
  try {
    const response = await fetch(`${server}/__emulator/chats?organization_id=${encodeURIComponent(organizationId)}`);
    const body = (await response.json()) as { chats: AgentViewChat[] };
    render(body.chats);
    errorLine.textContent = '';
  } catch (error) {
    errorLine.textContent = `Emulator unreachable at ${server}: ${String(error)}`;
  }
}

void refresh();
setInterval(() => void refresh(), 1000);
