// A small typed event hub: `on` returns its own unsubscribe function, and a
// listener that throws cannot break the reader-watching code that emits.

export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(e: never) => void>>();

  on<E extends keyof Events>(event: E, listener: (e: Events[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (e: never) => void);
    return () => {
      set.delete(listener as (e: never) => void);
    };
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const l of [...set]) {
      try {
        (l as (e: Events[E]) => void)(payload);
      } catch {
        // A faulty listener must not stop the others nor the emitter.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
