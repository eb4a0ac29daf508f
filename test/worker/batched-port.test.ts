/**
 * `batchedPort` (src/worker/host.ts): what a tab receives on its event port when the runtime posts
 * while the port holds (an attach's replay) and after, closes it while holding, or posts a message
 * that cannot be cloned.
 */
import { describe, expect, it } from 'vitest';
import type { RuntimeMessage } from '../../src/shared/contract';
import { batchedPort } from '../../src/worker/host';

function received(port: MessagePort): unknown[] {
  const data: unknown[] = [];
  port.onmessage = (event: MessageEvent) => data.push(event.data);
  return data;
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const notifier = (n: number) => ({ kind: 'notifier', tabId: `tab-${n}` }) as RuntimeMessage;

describe('batchedPort', () => {
  it('delivers what was posted during a hold as one batch, in order, a lone held message as itself, and the rest at once', async () => {
    const { port1, port2 } = new MessageChannel();
    const data = received(port1);
    const outgoing = batchedPort(port2, () => undefined);
    outgoing.hold();
    outgoing.post(notifier(1));
    outgoing.post(notifier(2));
    outgoing.post(notifier(3));
    await settle();
    expect(data).toEqual([]);
    outgoing.flush();
    outgoing.post(notifier(4));
    outgoing.post(notifier(5));
    outgoing.hold();
    outgoing.post(notifier(6));
    outgoing.flush();
    await settle();
    expect(data).toEqual([[notifier(1), notifier(2), notifier(3)], notifier(4), notifier(5), notifier(6)]);
    port1.close();
    port2.close();
  });

  it('close() sends what is held before the port closes', async () => {
    const { port1, port2 } = new MessageChannel();
    const data = received(port1);
    const outgoing = batchedPort(port2, () => undefined);
    outgoing.hold();
    outgoing.post({ kind: 'evicted' });
    outgoing.close();
    await settle();
    expect(data).toEqual([{ kind: 'evicted' }]);
    port1.close();
  });

  it('a message that cannot be cloned is reported and costs the others nothing', async () => {
    const { port1, port2 } = new MessageChannel();
    const data = received(port1);
    const logged: string[] = [];
    const outgoing = batchedPort(port2, (level, message) => logged.push(`${level}: ${message}`));
    outgoing.hold();
    outgoing.post(notifier(1));
    outgoing.post({ kind: 'log', level: 'info', message: 'x', detail: () => undefined } as unknown as RuntimeMessage);
    outgoing.post(notifier(2));
    outgoing.flush();
    await settle();
    expect(data).toEqual([notifier(1), notifier(2)]);
    expect(logged).toEqual(['warn: Could not deliver a "log" message to a tab']);
    port1.close();
    port2.close();
  });
});
