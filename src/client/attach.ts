/**
 * The one way a tab attaches to a runtime: a fresh channel for the runtime's messages, the tab's
 * hooks as a proxy, the channel's far port transferred, all under a deadline. Used by a tab on a
 * SharedWorker (first attach, after an eviction, on a replacement or a newer generation), by a
 * dedicated-mode leader on its own worker (follower.ts) and by the leader for each follower (leader-relay.ts).
 */
import * as Comlink from 'comlink';
import type { AttachInfo, RuntimeBatch, RuntimeMessage, TabHello, TabHooks, TabPortApi } from '../shared/contract';
import type { Envelope, SdkErrorCode } from '../shared/errors';
import { TIMED_OUT, withDeadline, type Timers } from './deadline';

export function failure<T>(code: SdkErrorCode, message: string): Extract<Envelope<T>, { ok: false }> {
  return { ok: false, error: { code, message } };
}

export interface Attached {
  /** The runtime's answer; RUNTIME_UNAVAILABLE when it threw or did not answer in time. */
  envelope: Envelope<AttachInfo>;
  /** Where the runtime's messages arrive (already handed to `onMessage`); closed unless the attach held. */
  events: MessagePort;
}

export async function attachTo(
  api: Comlink.Remote<TabPortApi>,
  hello: TabHello,
  hooks: TabHooks,
  onMessage: (message: RuntimeMessage) => void,
  ms: number,
  timers?: Timers,
): Promise<Attached> {
  const channel = new MessageChannel();
  // Listening before asking: the runtime replays its state on the port before it answers.
  channel.port1.onmessage = (event: MessageEvent<RuntimeBatch>) => {
    const { data } = event;
    if (Array.isArray(data)) for (const message of data) onMessage(message);
    else onMessage(data);
  };
  let envelope: Envelope<AttachInfo>;
  try {
    const answer = await withDeadline(
      api.attach(hello, Comlink.proxy(hooks), Comlink.transfer(channel.port2, [channel.port2])) as Promise<Envelope<AttachInfo>>,
      ms,
      timers,
    );
    envelope = answer === TIMED_OUT ? failure('RUNTIME_UNAVAILABLE', `The runtime did not answer attach within ${ms} ms.`) : answer;
  } catch (error) {
    envelope = failure('RUNTIME_UNAVAILABLE', `The runtime failed to attach: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!envelope.ok) channel.port1.close();
  return { envelope, events: channel.port1 };
}
