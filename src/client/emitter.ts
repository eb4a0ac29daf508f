import type { SdkEventListener, SdkEventMap, SdkEventName } from '../shared/events';

type AnyListener = (payload: unknown) => void;

/**
 * The tab-local event emitter behind `on/off/once`. Listeners live in the tab; the runtime only
 * streams events to it. A throwing listener is reported and never stops the others.
 */
/** One registration: `once` ones go away before their first call. */
interface Registration {
  listener: AnyListener;
  once: boolean;
}

export class Emitter {
  private readonly listeners = new Map<SdkEventName, Set<Registration>>();

  on<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void {
    const set = this.registrations(name);
    // As with a Set of functions: the same listener registered twice with on() is called once.
    for (const entry of set) if (entry.listener === listener && !entry.once) return;
    set.add({ listener: listener as AnyListener, once: false });
  }

  once<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void {
    this.registrations(name).add({ listener: listener as AnyListener, once: true });
  }

  /** Removes every registration of `listener` for `name`, by on() or once(). */
  off<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const entry of set) if (entry.listener === listener) set.delete(entry);
  }

  emit<E extends SdkEventName>(name: E, payload: SdkEventMap[E]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const entry of [...set]) {
      if (entry.once) set.delete(entry);
      callListener(entry.listener, payload);
    }
  }

  clear(): void {
    this.listeners.clear();
  }

  private registrations(name: SdkEventName): Set<Registration> {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    return set;
  }
}

/** Calls an app's listener; one that throws is reported and never stops the others. */
export function callListener<T>(listener: (payload: T) => void, payload: T): void {
  try {
    listener(payload);
  } catch (error) {
    // Rethrown asynchronously so it reaches window.onerror and the console like any app error.
    setTimeout(() => {
      throw error;
    });
  }
}
