/**
 * Opens the SQLite database: WAL so readers never wait for the writer, foreign keys on. The
 * appliance opens the file twice (docs/durability.md): the main connection with
 * `synchronous=FULL`, so configuration, vault keys and the change log survive a power cut, and
 * a request-log connection with `synchronous=NORMAL` for the high-volume audit entries and
 * usage records, which then cost no fsync per commit (WAL keeps them safe from a process crash).
 */
import { Database } from "bun:sqlite";
import { type BunSQLiteDatabase, drizzle } from "drizzle-orm/bun-sqlite";
import type { MigrationFile } from "./migration-files.ts";
import * as schema from "./schema.ts";

export type Db = BunSQLiteDatabase<typeof schema>;

export interface DatabaseHandle {
  sqlite: Database;
  db: Db;
  close(): void;
}

export type SynchronousMode = "FULL" | "NORMAL";

export function openDatabase(path: string, synchronous: SynchronousMode = "FULL"): DatabaseHandle {
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.run("PRAGMA journal_mode = WAL");
  sqlite.run("PRAGMA foreign_keys = ON");
  sqlite.run(`PRAGMA synchronous = ${synchronous}`);
  sqlite.run("PRAGMA busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  return { sqlite, db, close: () => sqlite.close() };
}

/** Applies, in order, each migration not yet recorded; each one commits whole or not at all. */
export function applyMigrations(sqlite: Database, migrations: readonly MigrationFile[]): string[] {
  sqlite.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations
       (tag TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`,
  );
  const applied = new Set(
    sqlite
      .query<{ tag: string }, []>("SELECT tag FROM schema_migrations")
      .all()
      .map((row) => row.tag),
  );
  const newlyApplied: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.tag)) continue;
    sqlite.transaction(() => {
      for (const statement of splitStatements(migration.sql)) sqlite.run(statement);
      sqlite.run("INSERT INTO schema_migrations (tag, applied_at) VALUES (?, ?)", [
        migration.tag,
        Date.now(),
      ]);
    })();
    newlyApplied.push(migration.tag);
  }
  return newlyApplied;
}

function splitStatements(sql: string): string[] {
  return sql
    .split("--> statement-breakpoint")
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
