/**
 * Group commit. Writes queued during one event-loop turn run inside one
 * `BEGIN IMMEDIATE … COMMIT`, so a request pays microseconds for a durable audit entry instead
 * of one fsync each; every caller's promise settles only once its write is committed.
 *
 * Writes are synchronous closures on purpose: bun:sqlite commits a transaction at the first
 * `await`, so nothing asynchronous may ever run inside one.
 */
import type { Database } from "bun:sqlite";
import type { Db } from "./open.ts";

/** A synchronous write, handed the queue's own connection. */
export type SyncWrite = (db: Db) => void;

interface PendingWrite {
  write: SyncWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface WriteQueue {
  /** Resolves when the write is committed; rejects when its own write failed. */
  enqueue(write: SyncWrite): Promise<void>;
  /** Commits whatever is queued now (used at shutdown). */
  flush(): void;
}

export function createWriteQueue(handle: { sqlite: Database; db: Db }): WriteQueue {
  const { sqlite, db } = handle;
  let pending: PendingWrite[] = [];
  let scheduled = false;

  const runBatch = (batch: PendingWrite[]) => {
    try {
      sqlite
        .transaction(() => {
          for (const item of batch) item.write(db);
        })
        .immediate();
      for (const item of batch) item.resolve();
    } catch {
      // One bad write must not sink its neighbours: retry each alone to isolate the failure.
      for (const item of batch) runAlone(item);
    }
  };

  const runAlone = (item: PendingWrite) => {
    try {
      sqlite.transaction(() => item.write(db)).immediate();
      item.resolve();
    } catch (error) {
      item.reject(error);
    }
  };

  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length > 0) runBatch(batch);
  };

  return {
    enqueue(write) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ write, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    flush,
  };
}
