import { describe, it, expect } from 'vitest';
import { validationError } from '../support/validation';
import { CUSTOMER_EVENT_TYPES, serializeChatStart, serializeEvent } from '../../src/protocol/serialize';

/** What actually goes on the socket: the JSON text of the value, parsed back. */
const onWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));


describe('serializeEvent', () => {
  it('lists exactly the customer event types', () => {
    expect([...CUSTOMER_EVENT_TYPES]).toEqual(['message', 'file', 'filled_form', 'system_message', 'custom']);
  });

  it('serializes a message with custom_id and properties', () => {
    expect(
      serializeEvent({ type: 'message', text: 'Hi', customId: 'c-1', properties: { ns: { key: 'value' } } }),
    ).toStrictEqual({ type: 'message', text: 'Hi', custom_id: 'c-1', properties: { ns: { key: 'value' } } });
  });

  it('serializes a bare message without optional keys', () => {
    expect(serializeEvent({ type: 'message', text: 'Hi' })).toStrictEqual({ type: 'message', text: 'Hi' });
  });

  it('serializes a message postback in snake_case', () => {
    const wire = serializeEvent({
      type: 'message',
      text: 'Yes',
      postback: { id: 'action_yes', threadId: 'T1', eventId: 'T1_2', type: 'message', value: 'yes' },
    });
    expect(onWire(wire)).toStrictEqual({
      type: 'message',
      text: 'Yes',
      postback: { id: 'action_yes', thread_id: 'T1', event_id: 'T1_2', type: 'message', value: 'yes' },
    });
  });

  it('omits postback type and value from the wire when not given', () => {
    const wire = serializeEvent({ type: 'message', text: 'Yes', postback: { id: 'p', threadId: 'T1', eventId: 'E1' } });
    expect(onWire(wire)).toStrictEqual({
      type: 'message',
      text: 'Yes',
      postback: { id: 'p', thread_id: 'T1', event_id: 'E1' },
    });
  });

  it('rejects a postback without threadId', () => {
    const error = validationError(() =>
      serializeEvent({ type: 'message', text: 'x', postback: { id: 'p', eventId: 'E1' } }),
    );
    expect(error.message).toContain('"event.postback.threadId"');
  });

  it('serializes a file with and without alternative text', () => {
    const url = 'https://cdn.livechat-files.com/api/file/lc/att/1/cat.png';
    expect(serializeEvent({ type: 'file', url, alternativeText: 'A cat', customId: 'f-1' })).toStrictEqual({
      type: 'file',
      url,
      alternative_text: 'A cat',
      custom_id: 'f-1',
    });
    expect(serializeEvent({ type: 'file', url })).toStrictEqual({ type: 'file', url });
  });

  it('serializes a filled_form, group_chooser answer groupId → group_id, without mutating the input', () => {
    const groupAnswer = { id: '0', groupId: 2, label: 'Sales' };
    const input = {
      type: 'filled_form',
      formId: '141',
      formType: 'prechat',
      fields: [
        { type: 'name', id: '170', label: 'Name:', answer: 'John' },
        { type: 'group_chooser', id: '172', label: 'Department', answer: groupAnswer },
        { type: 'checkbox', id: '173', label: 'Topics', answers: [{ id: '0', label: 'Billing' }] },
      ],
    };
    expect(serializeEvent(input)).toStrictEqual({
      type: 'filled_form',
      form_id: '141',
      form_type: 'prechat',
      fields: [
        { type: 'name', id: '170', label: 'Name:', answer: 'John' },
        { type: 'group_chooser', id: '172', label: 'Department', answer: { id: '0', label: 'Sales', group_id: 2 } },
        { type: 'checkbox', id: '173', label: 'Topics', answers: [{ id: '0', label: 'Billing' }] },
      ],
    });
    expect(groupAnswer).toStrictEqual({ id: '0', groupId: 2, label: 'Sales' });
    expect(input.fields[1]?.answer).toBe(groupAnswer);
  });

  it('rejects a filled_form without fields or formId', () => {
    expect(validationError(() => serializeEvent({ type: 'filled_form', formId: 'f' })).message).toContain(
      '"event.fields"',
    );
    expect(validationError(() => serializeEvent({ type: 'filled_form', fields: [] })).message).toContain(
      '"event.formId"',
    );
    expect(
      validationError(() => serializeEvent({ type: 'filled_form', formId: 'f', fields: [null] })).message,
    ).toContain('"event.fields[0]"');
  });

  it('serializes a system_message with recipients', () => {
    expect(
      serializeEvent({ type: 'system_message', text: 'Note', systemMessageType: 'custom.note', recipients: 'agents' }),
    ).toStrictEqual({ type: 'system_message', text: 'Note', system_message_type: 'custom.note', recipients: 'agents' });
    expect(serializeEvent({ type: 'system_message', text: 'Note', systemMessageType: 'custom.note' })).toStrictEqual({
      type: 'system_message',
      text: 'Note',
      system_message_type: 'custom.note',
    });
  });

  it('rejects a system_message with unknown recipients or no systemMessageType', () => {
    expect(
      validationError(() =>
        serializeEvent({ type: 'system_message', text: 't', systemMessageType: 's', recipients: 'everyone' }),
      ).message,
    ).toContain('"event.recipients"');
    expect(validationError(() => serializeEvent({ type: 'system_message', text: 't' })).message).toContain(
      '"event.systemMessageType"',
    );
  });

  it('serializes a custom event with and without content', () => {
    expect(serializeEvent({ type: 'custom', content: { poll: [1, 2] }, customId: 'x' })).toStrictEqual({
      type: 'custom',
      content: { poll: [1, 2] },
      custom_id: 'x',
    });
    expect(serializeEvent({ type: 'custom' })).toStrictEqual({ type: 'custom' });
  });

  it('rejects a non-object event and a wrong type, naming the field', () => {
    const notObject = validationError(() => serializeEvent(null));
    expect(notObject.message).toContain('"event"');
    expect(notObject.data).toStrictEqual({ field: 'event' });

    const wrongType = validationError(() => serializeEvent({ type: 42, text: 'x' }));
    expect(wrongType.message).toContain('"event.type"');
    expect(wrongType.data).toStrictEqual({ field: 'event.type' });

    expect(validationError(() => serializeEvent({ text: 'x' })).message).toContain('"event.type"');
  });

  it('rejects the agent-only types rich_message and form', () => {
    const richMessage = validationError(() => serializeEvent({ type: 'rich_message', template: 'cards', elements: [] }));
    expect(richMessage.message).toContain('"event.type"');
    expect(richMessage.message).toContain("'message'");
    expect(validationError(() => serializeEvent({ type: 'form', formId: 'f', fields: [] })).message).toContain(
      '"event.type"',
    );
  });

  it('rejects a message with a missing, empty or non-string text', () => {
    const missing = validationError(() => serializeEvent({ type: 'message' }));
    expect(missing.message).toBe('"event.text" must be a non-empty string, got undefined');
    expect(missing.data).toStrictEqual({ field: 'event.text' });
    expect(validationError(() => serializeEvent({ type: 'message', text: '' })).message).toContain('"event.text"');
    expect(validationError(() => serializeEvent({ type: 'message', text: 5 })).message).toContain('"event.text"');
  });

  it('accepts 16384 bytes of text and rejects 16385', () => {
    const max = 'a'.repeat(16 * 1024);
    expect(serializeEvent({ type: 'message', text: max })).toStrictEqual({ type: 'message', text: max });
    const error = validationError(() => serializeEvent({ type: 'message', text: `${max}a` }));
    expect(error.message).toContain('"event.text"');
    expect(error.message).toContain('16384 bytes');
  });

  it('counts the 16 KB in UTF-8, as the API does ("one UTF-8 char like emoji can use up to 4 B")', () => {
    const emoji = '😁'.repeat(4096); // 4 bytes each in UTF-8, 2 UTF-16 units: 16384 bytes, 8192 units
    expect(serializeEvent({ type: 'message', text: emoji })).toStrictEqual({ type: 'message', text: emoji });
    expect(validationError(() => serializeEvent({ type: 'message', text: `${emoji}a` })).message).toContain('"event.text"');
    // 8193 characters, far below 16384, but 16386 bytes.
    expect(validationError(() => serializeEvent({ type: 'message', text: 'é'.repeat(8193) })).message).toContain('"event.text"');
  });

  it('rejects a bad properties shape, naming the namespace', () => {
    const notNested = validationError(() => serializeEvent({ type: 'message', text: 'x', properties: { ns: 'flat' } }));
    expect(notNested.message).toContain('"event.properties.ns"');
    expect(validationError(() => serializeEvent({ type: 'custom', properties: ['x'] })).message).toContain(
      '"event.properties"',
    );
    expect(validationError(() => serializeEvent({ type: 'custom', properties: null })).message).toContain(
      '"event.properties"',
    );
  });

  it('rejects a non-string customId', () => {
    expect(validationError(() => serializeEvent({ type: 'custom', customId: 7 })).message).toContain(
      '"event.customId"',
    );
  });

  it('uses the given field path in messages', () => {
    expect(
      validationError(() => serializeEvent({ type: 'message' }, 'chat.thread.events[3]')).message,
    ).toContain('"chat.thread.events[3].text"');
  });
});

describe('serializeChatStart (start)', () => {
  it('defaults to an active chat with an empty chat object', () => {
    expect(serializeChatStart(undefined, { resume: false })).toStrictEqual({ chat: {}, active: true });
    expect(serializeChatStart({}, { resume: false })).toStrictEqual({ chat: {}, active: true });
  });

  it('serializes every option: access group_ids, properties, thread events, continuous, welcome_message_id', () => {
    expect(
      serializeChatStart(
        {
          active: false,
          continuous: true,
          welcomeMessageId: 'wm-1',
          chat: {
            access: { groupIds: [2] },
            properties: { routing: { source: 'demo' } },
            thread: {
              events: [
                { type: 'message', text: 'first', customId: 'c-1' },
                { type: 'filled_form', formId: 'f', fields: [{ type: 'group_chooser', id: '1', answer: { groupId: 2 } }] },
              ],
              properties: { ns: { a: 1 } },
            },
          },
        },
        { resume: false },
      ),
    ).toStrictEqual({
      chat: {
        access: { group_ids: [2] },
        properties: { routing: { source: 'demo' } },
        thread: {
          events: [
            { type: 'message', text: 'first', custom_id: 'c-1' },
            { type: 'filled_form', form_id: 'f', fields: [{ type: 'group_chooser', id: '1', answer: { group_id: 2 } }] },
          ],
          properties: { ns: { a: 1 } },
        },
      },
      active: false,
      continuous: true,
      welcome_message_id: 'wm-1',
    });
  });

  it('sends an empty events array for a thread without events, and no chat.id on start', () => {
    expect(serializeChatStart({ chat: { id: 'IGNORED', thread: {} } }, { resume: false })).toStrictEqual({
      chat: { thread: { events: [] } },
      active: true,
    });
  });

  it('sends access only when groupIds is given', () => {
    expect(serializeChatStart({ chat: { access: {} } }, { resume: false })).toStrictEqual({ chat: {}, active: true });
    expect(serializeChatStart({ chat: { access: { groupIds: [] } } }, { resume: false })).toStrictEqual({
      chat: { access: { group_ids: [] } },
      active: true,
    });
  });

  it('names the failing field for invalid parameters', () => {
    expect(validationError(() => serializeChatStart(null, { resume: false })).message).toContain('"params"');
    expect(validationError(() => serializeChatStart({ active: 'yes' }, { resume: false })).message).toContain(
      '"active"',
    );
    expect(validationError(() => serializeChatStart({ continuous: 1 }, { resume: false })).message).toContain(
      '"continuous"',
    );
    expect(validationError(() => serializeChatStart({ welcomeMessageId: 5 }, { resume: false })).message).toContain(
      '"welcomeMessageId"',
    );
    expect(
      validationError(() => serializeChatStart({ chat: { access: { groupIds: [1, 2.5] } } }, { resume: false })).message,
    ).toContain('"chat.access.groupIds[1]"');
    expect(
      validationError(() => serializeChatStart({ chat: { access: { groupIds: '1' } } }, { resume: false })).message,
    ).toContain('"chat.access.groupIds"');
    expect(
      validationError(() =>
        serializeChatStart({ chat: { thread: { events: [{ type: 'message', text: 'ok' }, { type: 'message' }] } } }, {
          resume: false,
        }),
      ).message,
    ).toContain('"chat.thread.events[1].text"');
    expect(
      validationError(() => serializeChatStart({ chat: { properties: { ns: 1 } } }, { resume: false })).message,
    ).toContain('"chat.properties.ns"');
  });
});

describe('serializeChatStart (resume)', () => {
  it('adds chat.id and defaults active to true', () => {
    expect(serializeChatStart({ chat: { id: 'PJ0MRSHTDG' } }, { resume: true })).toStrictEqual({
      chat: { id: 'PJ0MRSHTDG' },
      active: true,
    });
    expect(
      serializeChatStart({ chat: { id: 'PJ0MRSHTDG', access: { groupIds: [1] } }, continuous: false }, { resume: true }),
    ).toStrictEqual({ chat: { id: 'PJ0MRSHTDG', access: { group_ids: [1] } }, active: true, continuous: false });
  });

  it('requires params, chat and chat.id', () => {
    expect(validationError(() => serializeChatStart(undefined, { resume: true })).message).toContain('"params"');
    expect(validationError(() => serializeChatStart({}, { resume: true })).message).toContain('"chat"');
    const missingId = validationError(() => serializeChatStart({ chat: {} }, { resume: true }));
    expect(missingId.message).toContain('"chat.id"');
    expect(missingId.data).toStrictEqual({ field: 'chat.id' });
  });
});
