/**
 * Demo settings from the query string, so tests and people can point the demo anywhere:
 * `?server=http://127.0.0.1:8787&organizationId=acme&groupId=0&mode=shared&extendedLifetime=0&debug=1`.
 */
export interface DemoSettings {
  server: string;
  organizationId: string;
  groupId: number;
  mode?: 'auto' | 'shared' | 'dedicated' | 'inline';
  extendedLifetime: boolean;
  debug: boolean;
}

export function demoSettings(): DemoSettings {
  const query = new URLSearchParams(location.search);
  const settings: DemoSettings = {
    server: query.get('server') ?? `http://${location.hostname}:8787`,
    organizationId: query.get('organizationId') ?? 'demo-organization',
    groupId: Number(query.get('groupId') ?? '0'),
    extendedLifetime: query.get('extendedLifetime') !== '0',
    debug: query.get('debug') === '1',
  };
  const mode = query.get('mode');
  if (mode === 'auto' || mode === 'shared' || mode === 'dedicated' || mode === 'inline') settings.mode = mode;
  return settings;
}

export function element<T extends HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`Missing element ${selector}`);
  return found;
}
