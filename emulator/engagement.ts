// RTM actions around engaging the customer: greetings (accept, cancel, button clicks), the welcome
// message, forms, URL previews and rich message postbacks.
import { WELCOME_MESSAGE_TEXT, formFor, urlInfo } from './content';
import { existingGroup, ownEvent, predictableGroup, type Ctx, type Handler } from './handler';
import { wirePredictedAgent } from './projections';
import { EMULATOR_AGENT, type Greeting } from './state';
import { FORM_TYPES, RtmError, invalid, isFormType, isObject, optionalBoolean, optionalGroupId, optionalObject, optionalString, requiredGroupId, requiredString } from './validate';

/** The customer's greeting with this unique id, if still on screen; anything else is `greeting_not_found`. */
function shownGreeting(ctx: Ctx, uniqueId: string): Greeting {
  const greeting = ctx.org.greetings.get(uniqueId);
  if (greeting === undefined || greeting.customerId !== ctx.customer.id || greeting.status !== 'shown') {
    throw new RtmError('greeting_not_found', `Greeting ${uniqueId} not found`);
  }
  return greeting;
}

/** Ids a customer can click on in a greeting: its rich message buttons' `button_id`s. */
function buttonIds(greeting: Greeting): string[] {
  const elements = Array.isArray(greeting.event.elements) ? greeting.event.elements : [];
  return elements.flatMap((element: unknown) =>
    isObject(element) && Array.isArray(element.buttons)
      ? element.buttons.flatMap((b: unknown) => (isObject(b) && typeof b.button_id === 'string' ? [b.button_id] : []))
      : [],
  );
}

/**
 * A button's `user_ids` "Describes users that sent the postback with `"toggled": true`" (data-structures,
 * Rich message): the customer joins the buttons with that postback id, or leaves them on `toggled: false`.
 */
function toggleButton(elements: unknown, postbackId: string, userId: string, toggled: boolean): void {
  if (!Array.isArray(elements)) return;
  for (const element of elements) {
    if (!isObject(element) || !Array.isArray(element.buttons)) continue;
    for (const button of element.buttons) {
      if (!isObject(button) || button.postback_id !== postbackId || !Array.isArray(button.user_ids)) continue;
      const others = button.user_ids.filter((id) => id !== userId);
      button.user_ids = toggled ? [...others, userId] : others;
    }
  }
}

export const ENGAGEMENT_HANDLERS: Record<string, Handler> = {
  accept_greeting: (ctx) => {
    const p = ctx.request.payload;
    const greetingId = requiredGroupId(p.greeting_id, 'greeting_id');
    const greeting = shownGreeting(ctx, requiredString(p.unique_id, 'unique_id'));
    // A unique id of another template is not this greeting.
    if (greeting.id !== greetingId) throw new RtmError('greeting_not_found', `Greeting ${greeting.uniqueId} is not greeting ${greetingId}`);
    greeting.status = 'accepted';
    ctx.customer.greetingsAccepted += 1;
    return { response: {}, pushes: [{ action: 'greeting_accepted', payload: { unique_id: greeting.uniqueId }, echo: true }] };
  },

  cancel_greeting: (ctx) => {
    const greeting = shownGreeting(ctx, requiredString(ctx.request.payload.unique_id, 'unique_id'));
    greeting.status = 'canceled';
    return { response: {}, pushes: [{ action: 'greeting_canceled', payload: { unique_id: greeting.uniqueId }, echo: true }] };
  },

  // 3.6 only (rtm.ts refuses it on 3.5). Clicks count for accepted greetings too: the button may be what accepted it.
  send_greeting_button_clicked: (ctx) => {
    const uniqueId = requiredString(ctx.request.payload.greeting_unique_id, 'greeting_unique_id');
    const buttonId = requiredString(ctx.request.payload.button_id, 'button_id');
    const greeting = ctx.org.greetings.get(uniqueId);
    if (greeting === undefined || greeting.customerId !== ctx.customer.id || greeting.status === 'canceled') {
      throw new RtmError('greeting_not_found', `Greeting ${uniqueId} not found`);
    }
    if (!buttonIds(greeting).includes(buttonId)) throw invalid(`button_id ${buttonId} is not a button of greeting ${uniqueId}`);
    greeting.clicks.push(buttonId);
    return { response: {} };
  },

  // 3.6 only. The same id asked again gets the same message; any other id gets a new one.
  request_welcome_message: (ctx) => {
    const p = ctx.request.payload;
    const previous = optionalString(p.id, 'id');
    const status = predictableGroup(ctx, optionalGroupId(p.group_id, 'group_id') ?? ctx.session.groupId);
    const known = previous === undefined ? undefined : ctx.org.welcomeMessages.get(previous);
    let id = previous;
    let event = known?.customerId === ctx.customer.id ? known.event : undefined;
    if (id === undefined || event === undefined) {
      id = ctx.state.newId();
      // Not written to a thread yet, hence no id: start_chat with welcome_message_id would put it there.
      event = { type: 'message', text: WELCOME_MESSAGE_TEXT, author_id: EMULATOR_AGENT.id, created_at: ctx.state.timestamp(), properties: {} };
      ctx.org.welcomeMessages.set(id, { customerId: ctx.customer.id, event });
    }
    return {
      response: { id, predicted_agent: wirePredictedAgent(EMULATOR_AGENT), queue: status === 'online_for_queue' },
      pushes: [{ action: 'incoming_welcome_message', payload: { id, event }, echo: true }],
    };
  },

  get_form: (ctx) => {
    const p = ctx.request.payload;
    const groupId = requiredGroupId(p.group_id, 'group_id');
    if (!isFormType(p.type)) throw invalid(`type must be one of ${FORM_TYPES.join(', ')}`);
    existingGroup(ctx, groupId);
    const form = formFor(ctx.org.forms, groupId, p.type);
    return { response: form === null ? { enabled: false } : { enabled: true, form } };
  },

  get_url_info: (ctx) => ({ response: urlInfo(requiredString(ctx.request.payload.url, 'url')) }),

  // The agents hear of it through the push; closed threads take the postback but nobody is there to hear it.
  send_rich_message_postback: (ctx) => {
    const { chat, thread, event } = ownEvent(ctx);
    const postback = optionalObject(ctx.request.payload.postback, 'postback');
    if (postback === undefined) throw invalid('postback is required and must be an object');
    requiredString(postback.id, 'postback.id');
    if (optionalBoolean(postback.toggled, 'postback.toggled') === undefined) throw invalid('postback.toggled is required and must be a boolean');
    if (event.type !== 'rich_message') throw invalid(`Event ${event.id} is not a rich message`);
    toggleButton(event.elements, postback.id as string, ctx.customer.id, postback.toggled as boolean);
    const payload = { user_id: ctx.customer.id, chat_id: chat.id, thread_id: thread.id, event_id: event.id, postback };
    return { response: {}, pushes: thread.active ? [{ action: 'incoming_rich_message_postback', payload, echo: true }] : [] };
  },
};
