/** Runs tasks one at a time per key inside this process. */
class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    this.#tails.set(key, current);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === current) this.#tails.delete(key);
    }
  }
}

const profileLock = new KeyedLock();

/**
 * Serialises this worker's writes to one customer's profile. Correctness does not rest on it: on MongoDB each
 * profile update is one atomic single-document update. It only reduces contention, and on FerretDB (which applies
 * updates as read-then-write) it narrows lost updates to writers in different processes.
 */
export function withCustomerLock<T>(customerId: string, task: () => Promise<T>): Promise<T> {
  return profileLock.run(customerId, task);
}
