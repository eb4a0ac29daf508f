/** The engines suite's view of its emulator (the control API in README, The emulator). */
import { randomUUID } from 'node:crypto';

export interface Stats {
  openConnections: number;
  totalConnections: number;
  logins: number;
  requests: Record<string, number>;
}

export interface SocketLog {
  id: number;
  open: boolean;
  customer_id: string | null;
  frames_in: number;
}

/** A fresh organization per scenario keeps scenarios apart on the one emulator. */
export const newOrganization = (engine: string): string => `engines-${engine}-${randomUUID()}`;

export class EmulatorClient {
  constructor(readonly url: string) {}

  private async get<T>(path: string, organizationId: string): Promise<T> {
    const response = await fetch(`${this.url}${path}?organization_id=${encodeURIComponent(organizationId)}`);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return (await response.json()) as T;
  }

  async post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  stats(organizationId: string): Promise<Stats> {
    return this.get('/__emulator/stats', organizationId);
  }

  async openConnections(organizationId: string): Promise<number> {
    return (await this.stats(organizationId)).openConnections;
  }

  async sockets(organizationId: string): Promise<SocketLog[]> {
    return (await this.get<{ sockets: SocketLog[] }>('/__emulator/sockets', organizationId)).sockets;
  }

  /** Texts of the messages the server holds in the organization's first chat, in order, every thread. */
  async serverTexts(organizationId: string): Promise<string[]> {
    type Chat = { threads: Array<{ events: Array<{ type: string; text?: string }> }> };
    const { chats } = await this.get<{ chats: Chat[] }>('/__emulator/chats', organizationId);
    return chats[0]!.threads.flatMap((thread) => thread.events).filter((event) => event.type === 'message').map((event) => event.text ?? '');
  }

  async agentSays(organizationId: string, chatId: string, text: string): Promise<void> {
    await this.post('/__emulator/agent/send_event', { organization_id: organizationId, chat_id: chatId, text });
  }

  /** The service goes down for the organization: its sockets are cut, new ones refused for `durationMs`. */
  async outage(organizationId: string, durationMs: number): Promise<void> {
    await this.post('/__emulator/outage', { organization_id: organizationId, duration_ms: durationMs });
  }

  /** Delays every response and push of this emulator (all organizations). */
  async latency(ms: number): Promise<void> {
    await this.post('/__emulator/latency', { latency_ms: ms });
  }
}
