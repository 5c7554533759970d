/**
 * Group commit. Writes queued during one event-loop turn run inside one
 * `BEGIN IMMEDIATE … COMMIT`, so a request pays microseconds for a durable audit entry instead
 * of one fsync each; every caller's promise settles only once its write is committed.
 *
 * Writes are synchronous closures on purpose: bun:sqlite commits a transaction at the first
 * `await`, so nothing asynchronous may ever run inside one.
 */
import type { Database } from "bun:sqlite";

export type SyncWrite = () => void;

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

export function createWriteQueue(sqlite: Database): WriteQueue {
  let pending: PendingWrite[] = [];
  let scheduled = false;

  const runBatch = (batch: PendingWrite[]) => {
    try {
      sqlite
        .transaction(() => {
          for (const item of batch) item.write();
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
      sqlite.transaction(item.write).immediate();
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
