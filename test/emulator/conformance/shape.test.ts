// The shape comparison the conformance test relies on: it must report what is wrong, with the path.
import { describe, expect, it } from 'vitest';
import { compareShape, describeProblems, jsonType } from './shape';

const doc = {
  chat_id: 'PJ0MRSHTDG',
  event: { id: 'Q20163UAHO_2', created_at: '2019-12-05T07:27:08.820000Z', properties: {}, text: 'Hello' },
  users: [
    { id: 'b7ef', type: 'customer', present: true },
    { id: 'b565', type: 'agent', present: true, job_title: 'Support Agent' },
  ],
  user_ids: [],
};

describe('compareShape', () => {
  it('accepts other values of the same types, and reports keys beyond the sample as extra', () => {
    const sent = {
      chat_id: 'X',
      event: { id: 'X_1', created_at: 'now', properties: { ns: { a: 1 } }, text: '', author_id: 'a' },
      users: [
        { id: 'a', type: 'agent', present: false, job_title: '' },
        { id: 'c', type: 'customer', present: true, events_seen_up_to: 't' },
      ],
      user_ids: ['c'],
    };
    expect(compareShape(doc, sent)).toEqual({ problems: [], extra: ['event.author_id', 'users[].events_seen_up_to'] });
  });

  it('reports a missing key with its path, unless the path is optional', () => {
    const sent = { chat_id: 'X', event: { id: 'X_1', properties: {}, text: '' }, users: structuredClone(doc.users), user_ids: [] };
    expect(compareShape(doc, sent).problems).toEqual([{ kind: 'missing', path: 'event.created_at' }]);
    expect(compareShape(doc, sent, { optional: ['event.created_at'] }).problems).toEqual([]);
  });

  it('reports a wrong type with its path and both types', () => {
    const sent = { ...structuredClone(doc), chat_id: 42, event: { ...doc.event, properties: [] } };
    expect(describeProblems(compareShape(doc, sent).problems)).toEqual(['chat_id: number instead of string', 'event.properties: array instead of object']);
  });

  it('needs an actual element for every documented element shape, and reports the closest one', () => {
    const onlyCustomer = { ...structuredClone(doc), users: [{ id: 'c', type: 'customer', present: true }] };
    expect(compareShape(doc, onlyCustomer).problems).toEqual([{ kind: 'missing', path: 'users[].job_title' }]);
    const noUsers = { ...structuredClone(doc), users: [] };
    expect(compareShape(doc, noUsers).problems).toEqual([{ kind: 'empty', path: 'users[]' }]);
    const wrongElement = { ...structuredClone(doc), user_ids: [1] };
    expect(compareShape({ user_ids: ['a'] }, wrongElement).problems).toEqual([{ kind: 'type', path: 'user_ids[]', expected: 'string', actual: 'number' }]);
  });

  it('compares map values, whatever their keys', () => {
    const sample = { groups_status: { 1: 'online', 2: 'offline' } };
    expect(compareShape(sample, { groups_status: { 0: 'online' } }, { maps: ['groups_status'] })).toEqual({ problems: [], extra: [] });
    expect(compareShape(sample, { groups_status: { 0: true } }, { maps: ['groups_status'] }).problems).toEqual([
      { kind: 'type', path: 'groups_status.*', expected: 'string', actual: 'boolean' },
      { kind: 'type', path: 'groups_status.*', expected: 'string', actual: 'boolean' },
    ]);
    // Without the map rule the keys are compared as keys.
    expect(compareShape(sample, { groups_status: { 0: 'online' } }).problems.map((p) => p.path)).toEqual(['groups_status.1', 'groups_status.2']);
  });

  it('tells JSON types apart', () => {
    expect([null, [], {}, '', 0, false].map(jsonType)).toEqual(['null', 'array', 'object', 'string', 'number', 'boolean']);
    expect(compareShape({ a: null }, { a: 'x' }).problems).toEqual([{ kind: 'type', path: 'a', expected: 'null', actual: 'string' }]);
  });
});
