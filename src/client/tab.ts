/**
 * This tab's identity and its lifetime lock.
 *
 * The tab holds a Web Lock for as long as it lives; the runtime asks for the same lock and is
 * granted it only when the tab is gone (closed, crashed, discarded), which no port event tells.
 * The lock also keeps a tab id unique: a duplicated tab inherits `sessionStorage` (and so the id)
 * but cannot take a lock the original still holds, so it draws a new id.
 */
const STORAGE_KEY = 'livechat-multitab:tabId';

export interface TabClaim {
  tabId: string;
  /** Undefined where Web Locks are missing; the runtime then cannot detect this tab's death. */
  lockName?: string;
  release(): void;
}

export function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** The id this tab had before a reload (kept in `sessionStorage`), if any. */
export function storedTabId(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage blocked (sandboxed frame, privacy mode)
  }
}

function storeTabId(tabId: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, tabId);
  } catch {
    // Without storage the id only lasts as long as the page; nothing else depends on it.
  }
}

function tryLock(locks: LockManager, name: string): Promise<(() => void) | undefined> {
  return new Promise((resolve, reject) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(undefined);
          return undefined;
        }
        // Held until released: the returned promise settles only when the tab leaves.
        return new Promise<void>((release) => resolve(release));
      })
      .catch(reject);
  });
}

/** `wanted`: the id to try first (the explicit one, else the stored one, else the one a provisional attach used). */
export async function claimTab(scope: string, explicitTabId: string | undefined, wanted: string): Promise<TabClaim> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  let tabId = wanted;
  if (!locks) {
    if (!explicitTabId) storeTabId(tabId);
    return { tabId, release: () => undefined };
  }
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const lockName = `livechat-multitab:${scope}:tab:${tabId}`;
    const release = await tryLock(locks, lockName);
    if (release) {
      if (!explicitTabId) storeTabId(tabId);
      return { tabId, lockName, release };
    }
    // Another live tab holds this id (a duplicated tab, or the app reused an explicit tabId).
    tabId = explicitTabId ? `${explicitTabId}~${randomId().slice(0, 8)}` : randomId();
  }
  throw new Error('Could not claim a unique tab id');
}
