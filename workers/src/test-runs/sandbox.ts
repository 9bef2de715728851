import { TEST_RUN_SANDBOX } from '@itinera/schemas';
import type { Db } from 'mongodb';

const twins: Record<string, string> = TEST_RUN_SANDBOX;

/**
 * The database as a test run's activities see it: customer-scoped collections are their `test_run_*` twins,
 * everything else (templates, settings, promo pools) is the real, read-only workspace.
 */
export function sandboxDb(db: Db): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'collection')
        return (name: string, options?: object) => target.collection(twins[name] ?? name, options);
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
