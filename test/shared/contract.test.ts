import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { uploadUrl } from '../../src/client/upload';
import { runtimeKey, workerName, type RuntimeConfig } from '../../src/shared/contract';
import { rtmUrl } from '../../src/protocol/wire';
import { SDK_VERSION } from '../../src/shared/version';

const base: RuntimeConfig = {
  organizationId: '390e44e6-f1e6-0368-c2c5-e7e2e7c6b1c0',
  clientId: 'c0ffee',
  groupId: 0,
  uniqueGroups: false,
  region: 'dal',
  env: 'production',
};

describe('rtmUrl', () => {
  it('builds the production URL for the region in force', () => {
    expect(rtmUrl(base, 'dal')).toBe(
      'wss://api-dal.livechatinc.com/v3.6/customer/rtm/ws?organization_id=390e44e6-f1e6-0368-c2c5-e7e2e7c6b1c0',
    );
    // The region argument (e.g. after misdirected_connection) wins over config.region.
    expect(rtmUrl(base, 'fra')).toBe(
      'wss://api-fra.livechatinc.com/v3.6/customer/rtm/ws?organization_id=390e44e6-f1e6-0368-c2c5-e7e2e7c6b1c0',
    );
  });

  it('adds a non-production env after the region', () => {
    expect(rtmUrl({ ...base, env: 'staging' }, 'fra')).toBe(
      'wss://api-fra.staging.livechatinc.com/v3.6/customer/rtm/ws?organization_id=390e44e6-f1e6-0368-c2c5-e7e2e7c6b1c0',
    );
  });

  it('URL-encodes the organization id', () => {
    expect(rtmUrl({ ...base, organizationId: 'org/1 &x=y' }, 'dal')).toBe(
      'wss://api-dal.livechatinc.com/v3.6/customer/rtm/ws?organization_id=org%2F1%20%26x%3Dy',
    );
    expect(rtmUrl({ ...base, organizationId: 'a b', server: 'http://127.0.0.1:8787' }, 'dal')).toBe(
      'ws://127.0.0.1:8787/v3.6/customer/rtm/ws?organization_id=a%20b',
    );
  });

  it('maps a server override http → ws and https → wss, ignoring region and env', () => {
    expect(rtmUrl({ ...base, server: 'http://127.0.0.1:8787', env: 'staging' }, 'fra')).toBe(
      `ws://127.0.0.1:8787/v3.6/customer/rtm/ws?organization_id=${base.organizationId}`,
    );
    expect(rtmUrl({ ...base, server: 'https://emulator.example.com' }, 'dal')).toBe(
      `wss://emulator.example.com/v3.6/customer/rtm/ws?organization_id=${base.organizationId}`,
    );
  });

  it('drops trailing slashes of the server and keeps a path prefix', () => {
    expect(rtmUrl({ ...base, server: 'http://127.0.0.1:8787/' }, 'dal')).toBe(
      `ws://127.0.0.1:8787/v3.6/customer/rtm/ws?organization_id=${base.organizationId}`,
    );
    expect(rtmUrl({ ...base, server: 'https://example.com/lc//' }, 'dal')).toBe(
      `wss://example.com/lc/v3.6/customer/rtm/ws?organization_id=${base.organizationId}`,
    );
  });
});

describe('regionServers', () => {
  it('picks the server of the region in force for the socket and uploads, and falls back to server', () => {
    const config: RuntimeConfig = {
      ...base,
      server: 'http://fallback.test',
      regionServers: { dal: 'http://dal.test:8787/', fra: 'https://fra.test' },
    };
    expect(rtmUrl(config, 'dal')).toBe(`ws://dal.test:8787/v3.6/customer/rtm/ws?organization_id=${base.organizationId}`);
    expect(rtmUrl(config, 'fra')).toBe(`wss://fra.test/v3.6/customer/rtm/ws?organization_id=${base.organizationId}`);
    expect(uploadUrl(config, 'fra')).toBe(`https://fra.test/v3.6/customer/action/upload_file?organization_id=${base.organizationId}`);
    expect(rtmUrl({ ...config, regionServers: { fra: 'https://fra.test' } }, 'dal')).toBe(
      `ws://fallback.test/v3.6/customer/rtm/ws?organization_id=${base.organizationId}`,
    );
    expect(runtimeKey(config)).not.toBe(runtimeKey({ ...config, regionServers: { dal: 'http://other.test' } }));
  });
});

describe('uploadUrl', () => {
  const query = `organization_id=${base.organizationId}`;

  it('builds the production HTTP API URL for the region, with a non-production env after it', () => {
    expect(uploadUrl(base, 'dal')).toBe(`https://api-dal.livechatinc.com/v3.6/customer/action/upload_file?${query}`);
    expect(uploadUrl(base, 'fra')).toBe(`https://api-fra.livechatinc.com/v3.6/customer/action/upload_file?${query}`);
    expect(uploadUrl({ ...base, env: 'staging' }, 'fra')).toBe(
      `https://api-fra.staging.livechatinc.com/v3.6/customer/action/upload_file?${query}`,
    );
  });

  it('uses a server override as is (http or https), ignoring region and env, without trailing slashes', () => {
    expect(uploadUrl({ ...base, server: 'http://127.0.0.1:8787', env: 'staging' }, 'fra')).toBe(
      `http://127.0.0.1:8787/v3.6/customer/action/upload_file?${query}`,
    );
    expect(uploadUrl({ ...base, server: 'https://example.com/lc//' }, 'dal')).toBe(
      `https://example.com/lc/v3.6/customer/action/upload_file?${query}`,
    );
  });

  it('URL-encodes the organization id', () => {
    expect(uploadUrl({ ...base, organizationId: 'org/1 &x=y' }, 'dal')).toBe(
      'https://api-dal.livechatinc.com/v3.6/customer/action/upload_file?organization_id=org%2F1%20%26x%3Dy',
    );
  });
});

describe('runtimeKey', () => {
  it('is equal for equal configs', () => {
    expect(runtimeKey({ ...base })).toBe(runtimeKey({ ...base }));
    const withServer = { ...base, server: 'http://127.0.0.1:8787' };
    expect(runtimeKey(withServer)).toBe(runtimeKey({ ...withServer }));
  });

  it('differs for a different organization, client, group, uniqueGroups, server, region or env', () => {
    const variants: RuntimeConfig[] = [
      base,
      { ...base, organizationId: 'other-org' },
      { ...base, clientId: 'other-client' },
      { ...base, groupId: 1 },
      { ...base, uniqueGroups: true },
      { ...base, groupId: 1, uniqueGroups: true },
      { ...base, server: 'http://127.0.0.1:8787' },
      { ...base, server: 'http://127.0.0.1:8788' },
      { ...base, region: 'fra' },
      { ...base, env: 'staging' },
    ];
    const keys = variants.map(runtimeKey);
    expect(new Set(keys).size).toBe(variants.length);
  });
});

describe('workerName and SDK_VERSION', () => {
  it('workerName carries the SDK version and the runtime key', () => {
    const name = workerName(base);
    expect(name).toContain(SDK_VERSION);
    expect(name).toContain(runtimeKey(base));
    expect(workerName({ ...base, groupId: 5 })).not.toBe(name);
  });

  it('SDK_VERSION equals the package.json version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
