// The RTM `login` action: checks the token and every field before changing anything, then binds the
// socket's session to the customer and answers with their chats, dynamic config and any greeting shown.
import { applyProfile, customerPage, customerProfile } from './customer-fields';
import { wireCustomer, wireGreeting } from './projections';
import type { Outgoing, Request, RtmOptions, Session } from './rtm';
import { isActive, type State } from './state';
import { RtmError, invalid, optionalBoolean, optionalGroupId, optionalObject, optionalString } from './validate';
import { okResponse } from './wire';

export function login(state: State, session: Session, request: Request, options: RtmOptions): Outgoing[] {
  const p = request.payload;
  if (session.customerId !== undefined) throw invalid('Already logged in on this connection');

  const issued = typeof p.token === 'string' ? parseBearer(state, p.token) : undefined;
  if (issued === undefined || issued.organizationId !== session.organizationId) {
    throw new RtmError('authentication', 'Invalid access token');
  }

  // Validate everything before changing anything, so a rejected login leaves no trace.
  const profile = customerProfile(p.customer, 'customer');
  const groupId = optionalGroupId(p.group_id, 'group_id');
  const page = customerPage(p.customer_page, 'customer_page');
  const referrer = optionalString(p.referrer, 'referrer');
  const tabId = optionalString(p.tab_id, 'tab_id');
  optionalObject(p.application, 'application');
  optionalBoolean(p.is_mobile, 'is_mobile');
  optionalObject(p.customer_side_storage, 'customer_side_storage');
  const pushes = subscriptions(p.pushes);

  const refusal = options.admit?.(session, issued.customerId);
  if (refusal !== undefined) return [{ kind: 'disconnect', ...refusal }];

  const customer = state.customer(session.organizationId, issued.customerId);
  applyProfile(customer, profile);
  state.recordActivity(customer, page?.url);
  session.customerId = customer.id;
  session.groupId = groupId ?? 0;
  session.pushes = pushes;
  session.tokenExpiresAt = issued.expiresAt;
  if (page !== undefined) session.page = page;
  if (referrer !== undefined) session.referrer = referrer;
  if (tabId !== undefined) session.tabId = tabId;
  state.org(session.organizationId).counters.logins += 1;

  const chats = state.chatsOf(session.organizationId, customer.id);
  // A greeting still on screen comes back with the login, so a reconnecting widget can show it again.
  const shown = [...state.org(session.organizationId).greetings.values()].filter((g) => g.customerId === customer.id && g.status === 'shown').pop();
  const onlineGroups = [...new Set([0, session.groupId])].filter((id) => state.groupStatus(session.organizationId, id) !== 'offline');
  const response = {
    customer_id: customer.id,
    customer: wireCustomer(state, session.organizationId, customer),
    has_active_thread: chats.some(isActive),
    chats: chats.map((c) => ({ chat_id: c.id, has_unread_events: false, has_active_thread: isActive(c) })),
    __priv_dynamic_config: {
      organization_id: session.organizationId,
      // Groups are online unless the agent API said otherwise; listing the login group makes `availability` follow it.
      online_groups_ids: onlineGroups,
      // The widget's configuration files for the group (Login sample); nothing in an SDK fetches them.
      customer_groups: { monitoring: { id: session.groupId, ...widgetConfigUrls(session.organizationId, session.groupId) } },
    },
    ...(shown === undefined ? {} : { greeting: wireGreeting(shown) }),
  };
  return [{ kind: 'reply', frame: okResponse(request.action, request.requestId, response) }];
}

/** Where the real service would serve the widget's static and language configuration of a group (relative, as in the docs). */
function widgetConfigUrls(organizationId: string, groupId: number) {
  const base = `/licence/${encodeURIComponent(organizationId)}`;
  return { static_config_url: `${base}/get_static_config.${groupId}.js`, language_config_url: `${base}/v2/localization.en.${groupId}.js` };
}

function parseBearer(state: State, token: string) {
  const match = /^(\S+) (\S+)$/.exec(token);
  if (match === null || match[1]?.toLowerCase() !== 'bearer' || match[2] === undefined) return undefined;
  return state.resolveToken(match[2]);
}

function subscriptions(value: unknown): ReadonlySet<string> | 'all' {
  const pushes = optionalObject(value, 'pushes');
  if (pushes === undefined) return 'all';
  const names = new Set<string>();
  for (const [version, list] of Object.entries(pushes)) {
    if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) throw invalid(`pushes.${version} must be an array of push names`);
    for (const n of list as string[]) names.add(n);
  }
  // An empty map subscribes to nothing in particular; treat it like an omitted one rather than muting the socket.
  if (names.size === 0 || names.has('all')) return 'all';
  return names;
}
