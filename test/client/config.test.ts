/**
 * `init()` config checks (src/client/config.ts): every option, given a value of the wrong kind,
 * throws VALIDATION naming that option, and what is left out gets the v5 documentation's default.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/client/config';
import { validationError } from '../support/validation';

const base = { organizationId: 'org', clientId: 'client' };

describe('resolveConfig', () => {
  it('fills in the documented defaults', () => {
    expect(resolveConfig(base)).toMatchObject({
      ...base,
      autoConnect: true,
      groupId: 0,
      uniqueGroups: false,
      region: 'dal',
      env: 'production',
      mode: 'auto',
      extendedLifetime: true,
      debug: false,
      outbox: false,
    });
  });

  it('keeps what the app gave, and treats an option given as undefined as left out', () => {
    const identityProvider = () => ({}) as never;
    const config = resolveConfig({
      ...base,
      autoConnect: false,
      groupId: 3,
      uniqueGroups: true,
      region: 'fra',
      env: 'labs',
      mode: 'inline',
      extendedLifetime: false,
      debug: true,
      outbox: true,
      identityProvider,
      page: { url: 'https://example.com/', title: 'Home' },
      referrer: '',
      server: 'http://127.0.0.1:8787',
      regionServers: { fra: 'http://127.0.0.1:8788' },
      tabId: 'tab-1',
      // Accepted so that configs written for the official SDK keep working, and unused: it serves React
      // Native's AuthWebView only, and this SDK runs in browsers (a documented deviation, README).
      redirectUri: 'https://example.com/back',
    });
    expect(config).toMatchObject({ autoConnect: false, groupId: 3, uniqueGroups: true, region: 'fra', env: 'labs', mode: 'inline' });
    expect(config).toMatchObject({ extendedLifetime: false, debug: true, outbox: true, referrer: '', tabId: 'tab-1' });
    expect(config.redirectUri).toBe('https://example.com/back');
    expect(config.identityProvider).toBe(identityProvider);
    expect(resolveConfig({ ...base, autoConnect: undefined, region: undefined, groupId: undefined })).toMatchObject({
      autoConnect: true,
      region: 'dal',
      groupId: 0,
    });
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['config', null as never],
    ['organizationId', { clientId: 'c' }],
    ['organizationId', { organizationId: '', clientId: 'c' }],
    ['clientId', { organizationId: 'o', clientId: 5 }],
    ['autoConnect', { autoConnect: 'yes' }],
    ['groupId', { groupId: -1 }],
    ['groupId', { groupId: 1.5 }],
    ['groupId', { groupId: '1' }],
    ['groupId', { uniqueGroups: true }],
    ['uniqueGroups', { uniqueGroups: 1 }],
    ['region', { region: 'mars' }],
    ['redirectUri', { redirectUri: 5 }],
    ['customerDataProvider', { customerDataProvider: { name: 'x' } }],
    ['identityProvider', { identityProvider: 'token' }],
    ['page', { page: 'home' }],
    ['page.url', { page: { url: 5 } }],
    ['page.title', { page: { title: false } }],
    ['referrer', { referrer: null }],
    ['tabId', { tabId: '' }],
    ['server', { server: 'ftp://example.com' }],
    ['server', { server: 42 }],
    ['regionServers', { regionServers: 'http://x' }],
    ['regionServers.fra', { regionServers: { fra: 'ws://x' } }],
    ['mode', { mode: 'worker' }],
    ['env', { env: '' }],
    ['extendedLifetime', { extendedLifetime: 'no' }],
    ['debug', { debug: 1 }],
    ['outbox', { outbox: 'on' }],
    ['workerUrl', { workerUrl: 7 }],
    ['workerUrl', { workerUrl: '' }],
  ];
  // These cases are the whole config; the others are one bad option beside valid ids.
  const whole = new Set(['config', 'organizationId', 'clientId']);
  it.each(bad)('refuses a bad "%s" with VALIDATION naming it', (field, config) => {
    const error = validationError(() => resolveConfig(whole.has(field) ? config : { ...base, ...config }));
    expect(error.message).toContain(`"${field}"`);
  });
});
