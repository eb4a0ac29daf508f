// GET /__emulator/sockets: every customer socket of an organization, open or closed, with what the
// server received on it; tests use it to prove that a client never wrote to an old socket again.
import { describe, expect, it } from 'vitest';
import { MAX_SOCKET_LOGS, State } from '../../emulator/state';
import { useEmulator } from '../support/emulator';
import { RtmClient, connect, eventually, getJson, newCustomer, postJson, randomOrg, sleep, trackClients, wsUrl } from './helpers';

const env = useEmulator();
const track = trackClients();

interface SocketEntry {
  id: number;
  organization_id?: string;
  open: boolean;
  customer_id: string | null;
  opened_at: string;
  closed_at: string | null;
  frames_in: number;
  last_frame_in_at: string | null;
  last_action_in: string | null;
}

async function sockets(organizationId?: string): Promise<SocketEntry[]> {
  const query = organizationId === undefined ? '' : `?organization_id=${encodeURIComponent(organizationId)}`;
  const res = await getJson(env.emulator.url, `/__emulator/sockets${query}`);
  expect(res.status).toBe(200);
  return res.body.sockets as SocketEntry[];
}

describe('GET /__emulator/sockets', () => {
  it('lists each socket of the organization with the frames received on it, and keeps a closed one as it was', async () => {
    const org = randomOrg();
    const before = Date.now();
    const alice = await newCustomer(env.emulator.url, org);
    const { client: a } = track(await connect(env.emulator.url, alice));
    const { client: b } = track(await connect(env.emulator.url, alice));
    const anonymous = await RtmClient.open(wsUrl(env.emulator.url, org));
    await a.request('ping');
    await a.request('get_customer');
    anonymous.sendRaw('garbage');
    await anonymous.next((f) => f.success === false);
    // Another organization's sockets are not listed.
    track(await connect(env.emulator.url, await newCustomer(env.emulator.url, randomOrg())));

    const listed = await sockets(org);
    expect(listed).toEqual([
      {
        id: 1,
        open: true,
        customer_id: alice.customerId,
        opened_at: expect.any(String),
        closed_at: null,
        frames_in: 3,
        last_frame_in_at: expect.any(String),
        last_action_in: 'get_customer',
      },
      { id: 2, open: true, customer_id: alice.customerId, opened_at: expect.any(String), closed_at: null, frames_in: 1, last_frame_in_at: expect.any(String), last_action_in: 'login' },
      // Garbage is a frame received all the same; it names no action.
      { id: 3, open: true, customer_id: null, opened_at: expect.any(String), closed_at: null, frames_in: 1, last_frame_in_at: expect.any(String), last_action_in: null },
    ]);
    for (const entry of listed) {
      expect(Date.parse(entry.opened_at)).toBeGreaterThanOrEqual(before - 1);
      expect(Date.parse(entry.last_frame_in_at!)).toBeGreaterThanOrEqual(Date.parse(entry.opened_at));
    }

    a.close();
    anonymous.ws.terminate();
    const closed = await eventually(async () => {
      const now = await sockets(org);
      expect(now.map((s) => s.open)).toEqual([false, true, false]);
      return now;
    });
    expect(closed[0]).toMatchObject({ frames_in: 3, last_action_in: 'get_customer', last_frame_in_at: listed[0]!.last_frame_in_at });
    expect(Date.parse(closed[0]!.closed_at!)).toBeGreaterThanOrEqual(Date.parse(closed[0]!.opened_at));

    await b.request('ping');
    const later = await sockets(org);
    expect(later.map((s) => s.frames_in)).toEqual([3, 2, 1]);
    expect(later[1]!.last_action_in).toBe('ping');
    // The stats count the same sockets.
    expect(env.emulator.stats(org)).toMatchObject({ openConnections: 1, totalConnections: 3 });
  });

  it('counts a frame that arrives on a socket the server is closing, and names the organization when none is asked for', async () => {
    const org = randomOrg();
    const customer = await newCustomer(env.emulator.url, org);
    const { client } = track(await connect(env.emulator.url, customer));
    // The server decides to close (held by a pause, so the client does not know yet): the frames
    // after that are ignored, but they did arrive.
    await postJson(env.emulator.url, '/__emulator/pause', { organization_id: org });
    const disconnected = await postJson(env.emulator.url, '/__emulator/disconnect', { organization_id: org, reason: 'internal_error' });
    expect(disconnected.body).toEqual({ disconnected: 1 });
    client.send('ping');
    await eventually(async () => expect((await sockets(org))[0]).toMatchObject({ open: true, frames_in: 2 }));
    await postJson(env.emulator.url, '/__emulator/resume', { organization_id: org });
    await client.next((f) => f.action === 'customer_disconnected');
    await client.closed;
    await eventually(async () => expect((await sockets(org))[0]).toMatchObject({ open: false, frames_in: 2 }));

    const all = await sockets();
    expect(all.filter((s) => s.organization_id === org)).toEqual(await sockets(org).then((mine) => mine.map((s) => ({ ...s, organization_id: org }))));
  });

  it('lists nothing for an unknown organization, and nothing after a reset', async () => {
    expect(await sockets(randomOrg())).toEqual([]);
    const org = randomOrg();
    track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org)));
    expect(await sockets(org)).toHaveLength(1);
    expect((await postJson(env.emulator.url, '/__emulator/reset', {})).status).toBe(200);
    await sleep(10);
    expect(await sockets(org)).toEqual([]);
  });

  it('keeps the newest logs of an organization: the oldest closed ones go first, open ones stay', () => {
    const state = new State();
    const first = state.logSocket('org');
    for (let i = 0; i < MAX_SOCKET_LOGS; i++) state.logSocket('org').closedAt = i;
    const logs = state.org('org').sockets;
    // One past the cap: the oldest closed log went, the older open one stayed.
    expect(logs).toHaveLength(MAX_SOCKET_LOGS);
    expect(logs[0]).toBe(first);
    expect(logs.map((l) => l.id).slice(0, 3)).toEqual([1, 3, 4]);
    expect(logs.at(-1)!.id).toBe(MAX_SOCKET_LOGS + 1);

    // Open sockets are never forgotten, whatever their number.
    const busy = new State();
    for (let i = 0; i <= MAX_SOCKET_LOGS; i++) busy.logSocket('org');
    expect(busy.org('org').sockets).toHaveLength(MAX_SOCKET_LOGS + 1);
  });
});
