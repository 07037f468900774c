import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

type ConnectCallback = (error: Error | null, client: PGliteClient | null, release: (error?: unknown) => void) => void;

/** The shape of a node-pg client that TypeORM's postgres driver uses. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(text: string, params?: unknown[]): Promise<Results> {
    if (params && params.length > 0) return this.db.query(text, params);
    // Without parameters TypeORM may send several statements at once (migrations): use the
    // simple protocol and answer with the last statement's result, as node-pg does.
    const results = await this.db.exec(text);
    return results[results.length - 1] ?? { rows: [], fields: [], affectedRows: 0 };
  }
}

/**
 * A node-pg compatible pool over one PGlite instance that hands its single session to one
 * query runner at a time. PGlite has exactly one session; sharing it between concurrent
 * TypeORM query runners (as typeorm-pglite's pool does) interleaves their transactions, so one
 * request's BEGIN/COMMIT and its transaction-local `app.tenant_id` would leak into another's.
 * Queuing the session makes each transaction exclusive, like a pool of size one.
 */
export function pgliteDriver(db: PGlite): { Pool: new () => EventEmitter } {
  const client = new PGliteClient(db);
  let held = false;
  const waiting: Array<() => void> = [];

  const acquire = (): Promise<void> => {
    if (!held) {
      held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const handOn = () => {
    const next = waiting.shift();
    if (next) next();
    else held = false;
  };

  class PGliteExclusivePool extends EventEmitter {
    connect(callback: ConnectCallback): void {
      // acquire only ever resolves; TypeORM's callback reports its own errors through its query promises.
      void acquire().then(() => {
        let released = false;
        callback(null, client, () => {
          if (released) return;
          released = true;
          handOn();
        });
      });
    }

    // The PGlite instance belongs to whoever opened it; ending a DataSource must not close it.
    end(callback?: (error: Error | null) => void): void {
      callback?.(null);
    }
  }
  return { Pool: PGliteExclusivePool };
}
