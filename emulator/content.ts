// Canned content the emulated service answers with: the built-in forms of group 0, URL previews
// (a small table plus a preview derived from the URL itself, never a real fetch, so tests stay
// offline and deterministic) and the welcome message.
import type { WireForm } from './state';
import { decodeLenient, invalid, RtmError, type FormType } from './validate';

/** Group 0's forms until the agent API changes them; other groups have none (`enabled: false`), nor has a ticket form. */
const BUILT_IN_FORMS: Readonly<Partial<Record<FormType, WireForm>>> = {
  prechat: {
    id: 'emulator-prechat',
    fields: [
      { type: 'header', id: '0', label: 'Welcome! Tell us who you are.' },
      { type: 'name', id: '1', label: 'Name:', required: false },
      { type: 'email', id: '2', label: 'E-mail:', required: true },
      {
        type: 'group_chooser',
        id: '3',
        label: 'Department:',
        required: true,
        options: [
          { id: '0', group_id: 0, label: 'General' },
          { id: '1', group_id: 1, label: 'Sales' },
        ],
      },
    ],
  },
  postchat: {
    id: 'emulator-postchat',
    fields: [
      { type: 'header', id: '0', label: 'How did we do?' },
      { type: 'rating', id: '1', label: 'Rate this chat:', required: false, comment_label: 'Tell us more:' },
    ],
  },
  ask_for_email: {
    id: 'emulator-ask-for-email',
    fields: [{ type: 'email', id: '0', label: 'Leave your e-mail and we will get back to you:', required: true }],
  },
};

export function formKey(groupId: number, type: FormType): string {
  return `${groupId}:${type}`;
}

/** The form a group answers `get_form` with: the agent's setting, else group 0's built-in one, else none. */
export function formFor(configured: ReadonlyMap<string, WireForm | null>, groupId: number, type: FormType): WireForm | null {
  const key = formKey(groupId, type);
  if (configured.has(key)) return configured.get(key) ?? null;
  return groupId === 0 ? (BUILT_IN_FORMS[type] ?? null) : null;
}

export interface UrlInfo {
  url: string;
  title?: string;
  description?: string;
  image_url?: string;
  image_original_url?: string;
  image_width?: number;
  image_height?: number;
}

/** Known pages, keyed by URL without a trailing slash. */
const KNOWN_URLS: ReadonlyMap<string, Omit<UrlInfo, 'url'>> = new Map([
  [
    'https://www.livechat.com',
    {
      title: 'LiveChat - Customer service software for online business',
      description: 'Live chat software for your business: talk to your customers and support them in real time.',
      image_url: '//cdn.livechat.local/previews/livechat-og.png',
      image_original_url: 'https://www.livechat.com/og-image.png',
      image_width: 1200,
      image_height: 630,
    },
  ],
  ['https://example.com', { title: 'Example Domain', description: 'This domain is for use in illustrative examples in documents.' }],
]);

/**
 * `get_url_info`: a known page from the table, else a preview made from the URL (title from the
 * last path segment and the host, a fixed-size image on the host). Hosts under `.invalid`
 * (RFC 2606) stand for pages that cannot be fetched: `not_found`.
 */
export function urlInfo(raw: string): UrlInfo {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('url must be an http or https URL');
  if (url.hostname === 'invalid' || url.hostname.endsWith('.invalid')) throw new RtmError('not_found', `Could not fetch ${raw}`);
  const known = KNOWN_URLS.get(raw.replace(/\/$/, ''));
  if (known !== undefined) return { url: raw, ...known };
  const segment = decodeLenient(url.pathname.split('/').filter(Boolean).pop() ?? '').replace(/[-_]+/g, ' ').replace(/\.[a-z0-9]+$/i, '');
  const title = segment === '' ? url.hostname : `${segment.charAt(0).toUpperCase()}${segment.slice(1)} · ${url.hostname}`;
  return {
    url: raw,
    title,
    description: `A page on ${url.hostname}.`,
    // The real service answers with a protocol-relative CDN address, which clients must complete.
    image_url: `//${url.host}/og-image.png`,
    image_original_url: `${url.origin}/og-image.png`,
    image_width: 1200,
    image_height: 630,
  };
}

export const WELCOME_MESSAGE_TEXT = 'Hi there! How can we help you today?';
