import type { SdkEventListener, SdkEventMap, SdkEventName } from '../shared/events';

type AnyListener = (payload: unknown) => void;

/**
 * The tab-local event emitter behind `on/off/once`. Listeners live in the tab; the runtime only
 * streams events to it. A throwing listener is reported and never stops the others.
 */
export class Emitter {
  private readonly listeners = new Map<SdkEventName, Set<AnyListener>>();
  private readonly onceWrappers = new WeakMap<AnyListener, AnyListener>();

  on<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as AnyListener);
  }

  once<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void {
    const wrapper: AnyListener = (payload) => {
      this.off(name, listener);
      (listener as AnyListener)(payload);
    };
    this.onceWrappers.set(listener as AnyListener, wrapper);
    this.on(name, wrapper);
  }

  off<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void {
    const set = this.listeners.get(name);
    if (!set) return;
    set.delete(listener as AnyListener);
    const wrapper = this.onceWrappers.get(listener as AnyListener);
    if (wrapper) set.delete(wrapper);
  }

  emit<E extends SdkEventName>(name: E, payload: SdkEventMap[E]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        // Rethrown asynchronously so it reaches window.onerror and the console like any app error.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
