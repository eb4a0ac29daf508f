/** `init()` config: validation and defaults (the v5 documentation's defaults). */
import type { RuntimeConfig } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { InitConfig, RuntimeMode } from '../shared/types';
import {
  fail,
  oneOf,
  optionalBoolean,
  optionalFunction,
  optionalInteger,
  optionalObject,
  optionalString,
  requireObject,
  requireString,
} from '../shared/validate';

export interface ResolvedConfig extends InitConfig {
  autoConnect: boolean;
  groupId: number;
  uniqueGroups: boolean;
  region: 'dal' | 'fra';
  env: string;
  mode: RuntimeMode;
  extendedLifetime: boolean;
  debug: boolean;
  outbox: boolean;
  /** `workerUrl` resolved against the page. */
  workerUrl?: string;
}

/** The options checked only for their kind; the others get a check of their own below. */
const KIND_CHECKS: Record<string, (value: unknown, field: string) => unknown> = {
  autoConnect: optionalBoolean,
  uniqueGroups: optionalBoolean,
  extendedLifetime: optionalBoolean,
  debug: optionalBoolean,
  outbox: optionalBoolean,
  redirectUri: optionalString,
  referrer: optionalString,
  customerDataProvider: optionalFunction,
  identityProvider: optionalFunction,
};

/** The v5 documentation's defaults (`mode`, `extendedLifetime`, `outbox`: this SDK's). */
const DEFAULTS = {
  autoConnect: true,
  groupId: 0,
  uniqueGroups: false,
  region: 'dal',
  env: 'production',
  mode: 'auto',
  extendedLifetime: true,
  debug: false,
  outbox: false,
} as const;

const isServerUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/[^/]+/.test(value);

export function resolveConfig(value: unknown): ResolvedConfig {
  const config = requireObject(value, 'config');
  requireString(config.organizationId, 'organizationId');
  requireString(config.clientId, 'clientId');
  for (const [field, check] of Object.entries(KIND_CHECKS)) check(config[field], field);
  optionalInteger(config.groupId, 'groupId', { min: 0, max: Number.MAX_SAFE_INTEGER });
  if (config.uniqueGroups === true && config.groupId === undefined) {
    throw new SdkError('VALIDATION', '"groupId" is required when "uniqueGroups" is true', { field: 'groupId' });
  }
  if (config.region !== undefined) oneOf(config.region, 'region', ['dal', 'fra']);
  const page = optionalObject(config.page, 'page');
  if (page) {
    optionalString(page.url, 'page.url');
    optionalString(page.title, 'page.title');
  }
  if (config.tabId !== undefined) requireString(config.tabId, 'tabId');
  if (config.server !== undefined && !isServerUrl(config.server)) fail('server', 'an http(s) URL such as "http://127.0.0.1:8787"', config.server);
  for (const [region, server] of Object.entries(optionalObject(config.regionServers, 'regionServers') ?? {})) {
    if (!isServerUrl(server)) fail(`regionServers.${region}`, 'an http(s) URL', server);
  }
  if (config.mode !== undefined) oneOf(config.mode, 'mode', ['auto', 'shared', 'dedicated', 'inline']);
  if (config.env !== undefined) requireString(config.env, 'env');
  const given = Object.fromEntries(Object.entries(config).filter(([, option]) => option !== undefined));
  return {
    ...DEFAULTS,
    ...(given as unknown as InitConfig),
    workerUrl: config.workerUrl === undefined ? undefined : resolveWorkerUrl(config.workerUrl),
  };
}

/**
 * A worker script must come from the page's own origin (the browser refuses others, and `data:`
 * SharedWorkers fail): say so at `init()` rather than fall back to another mode later.
 */
function resolveWorkerUrl(value: unknown): string {
  const page = typeof location === 'undefined' ? undefined : location;
  if (!(typeof value === 'string' && value.length > 0) && !(value instanceof URL)) fail('workerUrl', 'a URL string or a URL', value);
  let url: URL;
  try {
    url = new URL(String(value), page?.href);
  } catch {
    fail('workerUrl', 'a valid URL', value);
  }
  if (page && url.origin !== page.origin) {
    throw new SdkError('VALIDATION', `"workerUrl" must be on this page's origin (${page.origin}), got ${url.origin}`, {
      field: 'workerUrl',
    });
  }
  return url.href;
}

export function runtimeConfig(config: ResolvedConfig): RuntimeConfig {
  const runtime: RuntimeConfig = {
    organizationId: config.organizationId,
    clientId: config.clientId,
    groupId: config.groupId,
    uniqueGroups: config.uniqueGroups,
    region: config.region,
    env: config.env,
  };
  // Trailing slashes are trimmed where the URLs are made (apiOrigin).
  if (config.server) runtime.server = config.server;
  if (config.regionServers) runtime.regionServers = { ...config.regionServers };
  return runtime;
}
