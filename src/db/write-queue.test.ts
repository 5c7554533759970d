import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { createWriteQueue } from "./write-queue.ts";

function freshDatabase() {
  const sqlite = new Database(":memory:");
  sqlite.run("CREATE TABLE items (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)");
  return sqlite;
}

describe("write queue", () => {
  test("commits the writes of one turn in a single transaction", async () => {
    const sqlite = freshDatabase();
    const queue = createWriteQueue({ sqlite, db: drizzle(sqlite) });
    let transactions = 0;
    const original = sqlite.transaction.bind(sqlite);
    sqlite.transaction = ((fn: () => void) => {
      transactions += 1;
      return original(fn);
    }) as typeof sqlite.transaction;

    await Promise.all(
      [1, 2, 3].map((n) =>
        queue.enqueue(() => sqlite.run("INSERT INTO items VALUES (?, ?)", [n, `v${n}`])),
      ),
    );

    expect(transactions).toBe(1);
    expect(sqlite.query("SELECT count(*) AS n FROM items").get()).toEqual({ n: 3 });
  });

  test("rejects only the failing write and keeps its neighbours", async () => {
    const sqlite = freshDatabase();
    const queue = createWriteQueue({ sqlite, db: drizzle(sqlite) });

    const results = await Promise.allSettled([
      queue.enqueue(() => sqlite.run("INSERT INTO items VALUES (1, 'a')")),
      queue.enqueue(() => sqlite.run("INSERT INTO items VALUES (2, 'a')")),
      queue.enqueue(() => sqlite.run("INSERT INTO items VALUES (3, 'c')")),
    ]);

    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(sqlite.query("SELECT id FROM items ORDER BY id").all()).toEqual([{ id: 1 }, { id: 3 }]);
  });

  test("a promise settles only after its row is committed", async () => {
    const sqlite = freshDatabase();
    const queue = createWriteQueue({ sqlite, db: drizzle(sqlite) });

    const done = queue.enqueue(() => sqlite.run("INSERT INTO items VALUES (1, 'a')"));
    const beforeFlush = sqlite.query("SELECT count(*) AS n FROM items").get();
    await done;

    expect(beforeFlush).toEqual({ n: 0 });
    expect(sqlite.query("SELECT count(*) AS n FROM items").get()).toEqual({ n: 1 });
  });
});
