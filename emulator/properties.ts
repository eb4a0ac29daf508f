// The update_* and delete_*_properties actions, for a chat, a thread or an event: one pair of handlers
// per target, built from where the target's properties live and how its pushes name it.
import { ownChat, ownEvent, ownThread, type Ctx, type Handler } from './handler';
import { invalid, isObject, optionalProperties } from './validate';
import type { Properties } from './wire';

/** A target's properties, and the ids its pushes carry (`chat_id`, then `thread_id`, `event_id`). */
type Target = (ctx: Ctx) => { properties: Properties; at: Record<string, string> };

const TARGETS: Record<'chat' | 'thread' | 'event', Target> = {
  chat: (ctx) => {
    const chat = ownChat(ctx, ctx.request.payload.id, 'id');
    return { properties: chat.properties, at: { chat_id: chat.id } };
  },
  // Threads keep their properties after the chat is deactivated: that is where a rating goes.
  thread: (ctx) => {
    const { chat, thread } = ownThread(ctx);
    return { properties: thread.properties, at: { chat_id: chat.id, thread_id: thread.id } };
  },
  event: (ctx) => {
    const { chat, thread, event } = ownEvent(ctx);
    return { properties: event.properties, at: { chat_id: chat.id, thread_id: thread.id, event_id: event.id } };
  },
};

export const PROPERTY_HANDLERS: Record<string, Handler> = Object.fromEntries(
  Object.entries(TARGETS).flatMap(([name, target]): Array<[string, Handler]> => [
    [
      `update_${name}_properties`,
      (ctx) => {
        const { properties: into, at } = target(ctx);
        const properties = requiredProperties(ctx.request.payload.properties, 'properties');
        mergeProperties(into, properties);
        return { response: {}, pushes: [{ action: `${name}_properties_updated`, payload: { ...at, properties }, echo: true }] };
      },
    ],
    [
      `delete_${name}_properties`,
      (ctx) => {
        const { properties: from, at } = target(ctx);
        const properties = propertyNames(ctx.request.payload.properties, 'properties');
        removeProperties(from, properties);
        return { response: {}, pushes: [{ action: `${name}_properties_deleted`, payload: { ...at, properties }, echo: true }] };
      },
    ],
  ]),
);

/** `{namespace: {name: value}}` with at least one property: an update that changes nothing is a mistake. */
function requiredProperties(value: unknown, field: string): Properties {
  if (value === undefined) throw invalid(`${field} is required and must be an object of namespaces`);
  const properties = optionalProperties(value, field) ?? {};
  if (Object.values(properties).every((ns) => Object.keys(ns).length === 0)) throw invalid(`${field} must name at least one property`);
  return properties;
}

/** `{namespace: [name, …]}`, the shape of every delete_*_properties request and push. */
function propertyNames(value: unknown, field: string): Record<string, string[]> {
  if (!isObject(value)) throw invalid(`${field} is required and must be an object of namespaces`);
  const entries = Object.entries(value);
  if (entries.length === 0) throw invalid(`${field} must name at least one property`);
  for (const [ns, names] of entries) {
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n !== '')) {
      throw invalid(`${field}.${ns} must be a non-empty array of property names`);
    }
  }
  return value as Record<string, string[]>;
}

function mergeProperties(target: Properties, update: Properties): void {
  for (const [ns, props] of Object.entries(update)) target[ns] = { ...target[ns], ...props };
}

function removeProperties(target: Properties, names: Record<string, string[]>): void {
  for (const [ns, keys] of Object.entries(names)) {
    const props = target[ns];
    if (props === undefined) continue;
    for (const key of keys) delete props[key];
    if (Object.keys(props).length === 0) delete target[ns];
  }
}
