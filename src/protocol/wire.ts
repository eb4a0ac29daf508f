/**
 * Where the Customer Chat API's RTM socket is. Frames themselves are read as untrusted JSON by
 * `parse.ts` and `pushes.ts`, not through wire types.
 */
import { apiOrigin, type RuntimeConfig } from '../shared/contract';
import type { Region } from '../shared/types';
import { API_VERSION } from '../shared/version';

/** The RTM WebSocket URL for a config and the region currently in force. */
export function rtmUrl(config: RuntimeConfig, region: Region): string {
  const origin = apiOrigin(config, region).replace(/^http/, 'ws');
  return `${origin}/v${API_VERSION}/customer/rtm/ws?organization_id=${encodeURIComponent(config.organizationId)}`;
}
