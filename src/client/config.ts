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

export function resolveConfig(value: unknown): ResolvedConfig {
  const config = requireObject(value, 'config');
  requireString(config.organizationId, 'organizationId');
  requireString(config.clientId, 'clientId');
  optionalBoolean(config.autoConnect, 'autoConnect');
  optionalInteger(config.groupId, 'groupId', { min: 0, max: Number.MAX_SAFE_INTEGER });
  optionalBoolean(config.uniqueGroups, 'uniqueGroups');
  if (config.uniqueGroups === true && config.groupId === undefined) {
    throw new SdkError('VALIDATION', '"groupId" is required when "uniqueGroups" is true', { field: 'groupId' });
  }
  if (config.region !== undefined) oneOf(config.region, 'region', ['dal', 'fra']);
  optionalString(config.redirectUri, 'redirectUri');
  optionalFunction(config.customerDataProvider, 'customerDataProvider');
  optionalFunction(config.identityProvider, 'identityProvider');
  const page = optionalObject(config.page, 'page');
  if (page) {
    optionalString(page.url, 'page.url');
    optionalString(page.title, 'page.title');
  }
  optionalString(config.referrer, 'referrer');
  if (config.tabId !== undefined) requireString(config.tabId, 'tabId');
  if (config.server !== undefined) {
    const server = requireString(config.server, 'server');
    if (!/^https?:\/\/[^/]+/.test(server)) fail('server', 'an http(s) URL such as "http://127.0.0.1:8787"', server);
  }
  const regionServers = optionalObject(config.regionServers, 'regionServers');
  for (const [region, server] of Object.entries(regionServers ?? {})) {
    if (typeof server !== 'string' || !/^https?:\/\/[^/]+/.test(server)) fail(`regionServers.${region}`, 'an http(s) URL', server);
  }
  if (config.mode !== undefined) oneOf(config.mode, 'mode', ['auto', 'shared', 'dedicated', 'inline']);
  if (config.env !== undefined) requireString(config.env, 'env');
  optionalBoolean(config.extendedLifetime, 'extendedLifetime');
  optionalBoolean(config.debug, 'debug');
  optionalBoolean(config.outbox, 'outbox');
  const workerUrl = config.workerUrl === undefined ? undefined : resolveWorkerUrl(config.workerUrl);
  const input = config as unknown as InitConfig;
  return {
    ...input,
    autoConnect: input.autoConnect ?? true,
    groupId: input.groupId ?? 0,
    uniqueGroups: input.uniqueGroups ?? false,
    region: input.region ?? 'dal',
    env: input.env ?? 'production',
    mode: input.mode ?? 'auto',
    extendedLifetime: input.extendedLifetime ?? true,
    debug: input.debug ?? false,
    outbox: input.outbox ?? false,
    workerUrl,
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
  if (config.server) runtime.server = config.server.replace(/\/+$/, '');
  if (config.regionServers) runtime.regionServers = { ...config.regionServers };
  return runtime;
}
