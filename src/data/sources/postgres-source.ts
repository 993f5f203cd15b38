// Series from PostgreSQL: a table (read in time order when it has a time column) or a
// query, streamed through a server-side cursor in batches, so a long table is never
// held as row objects: each batch goes straight into the float32 block.
import pg from 'pg';
import Cursor from 'pg-cursor';
import { DataError } from '../errors.js';
import type { Series } from '../series.js';
import { planColumns, RowBlock, type ColumnPlan, type TableReadOptions } from './column-plan.js';
import { firstLine } from './duckdb-source.js';
import { checkSelection, displayRef, displaySource, type TableSelection } from './source-ref.js';
import { quoteIdentifier, selectionSql } from './sql.js';

/** Rows fetched per cursor read. */
const BATCH_ROWS = 10_000;

/** Connects to `url` with times in UTC; a failure names the server (without password). */
export async function connectPostgres(url: string): Promise<pg.Client> {
  const name = displayRef({ kind: 'postgres', url });
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url });
  } catch (err) {
    throw new DataError(name, `not a usable PostgreSQL URL (${firstLine(err)})`, { cause: err });
  }
  // A connection dropped while idle emits 'error' on the client; the failing call reports it.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query("SET TimeZone = 'UTC'");
  } catch (err) {
    await client.end().catch(() => {});
    throw new DataError(name, `cannot connect (${describeError(err)})`, { cause: err });
  }
  return client;
}

/** A pg error in words, with its code where it has one ("lost" when the link dropped). */
export function describeError(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const message = firstLine(err) || (e.code ?? 'unknown error');
  if (isConnectionLoss(err)) return `lost the connection: ${message}`;
  return message;
}

function isConnectionLoss(err: unknown): boolean {
  const e = err as { message?: string; code?: string };
  return (
    (e.code !== undefined && (e.code.startsWith('57P') || e.code.startsWith('08'))) ||
    e.code === 'ECONNRESET' ||
    e.code === 'EPIPE' ||
    /Connection terminated|connection.*(closed|ended)/i.test(e.message ?? '')
  );
}

/** Tables visible to the connection, as `name` (public schema) or `schema.name`. */
export async function postgresTables(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ table_schema: string; table_name: string }>(
    "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('information_schema', 'pg_catalog') ORDER BY 1, 2",
  );
  return result.rows.map((r) =>
    r.table_schema === 'public' ? r.table_name : `${r.table_schema}.${r.table_name}`,
  );
}

function projection(plan: ColumnPlan, columns: readonly string[]): string {
  const exprs = plan.values.map((i) => `(${quoteIdentifier(columns[i]!)})::float8`);
  if (plan.time !== undefined) {
    const col = quoteIdentifier(columns[plan.time.index]!);
    exprs.push(
      plan.time.kind === 'time'
        ? `(extract(epoch FROM (${col})::timestamptz) * 1000)::float8`
        : `(${col})::float8`,
    );
  }
  return exprs.join(', ');
}

/** Reads a table or query of a PostgreSQL database into a Series. */
export async function readPostgres(
  url: string,
  selection: TableSelection,
  options: TableReadOptions = {},
): Promise<Series> {
  const database = { kind: 'postgres' as const, url };
  checkSelection(database, selection);
  const source = displaySource(database, selection);
  const client = await connectPostgres(url);
  try {
    const query = async <R extends pg.QueryResultRow>(text: string): Promise<pg.QueryResult<R>> => {
      try {
        return await client.query<R>(text);
      } catch (err) {
        throw new DataError(source, describeError(err), { cause: err });
      }
    };
    if (selection.table !== undefined) {
      const tables = await postgresTables(client);
      if (!tables.includes(selection.table)) {
        throw new DataError(
          source,
          `no such table (tables: ${tables.length > 0 ? tables.join(', ') : 'none'})`,
        );
      }
    }
    const sql = selectionSql(selection);
    const described = await query(`SELECT * FROM (${sql}) AS normalcy_source LIMIT 0`);
    const oids = [...new Set(described.fields.map((f) => f.dataTypeID))];
    const typeRows = await query<{ oid: number; name: string }>(
      `SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid IN (${oids.join(',')})`,
    );
    const typeName = new Map(typeRows.rows.map((r) => [r.oid, r.name]));
    const columns = described.fields.map((f) => f.name);
    const plan = planColumns(
      source,
      described.fields.map((f) => ({
        name: f.name,
        type: typeName.get(f.dataTypeID) ?? `type ${f.dataTypeID}`,
      })),
      options,
    );
    let capacity = BATCH_ROWS;
    let order = '';
    if (selection.table !== undefined) {
      const counted = await query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) AS s`);
      capacity = Number(counted.rows[0]!.n);
      if (plan.time !== undefined)
        order = ` ORDER BY ${quoteIdentifier(columns[plan.time.index]!)}`;
    }
    const block = new RowBlock(source, plan, options.allowNaN ?? false, capacity);
    const cursor = client.query(
      new Cursor<unknown[]>(
        `SELECT ${projection(plan, columns)} FROM (${sql}) AS normalcy_source${order}`,
        undefined,
        { rowMode: 'array' },
      ),
    );
    const channels = plan.values.length;
    // A cursor whose read failed is not closed: on a dropped link close() never settles.
    let failed = false;
    try {
      for (;;) {
        let rows: unknown[][];
        try {
          rows = await cursor.read(BATCH_ROWS);
        } catch (err) {
          failed = true;
          const where = block.length > 0 ? ` after ${block.length} rows` : '';
          throw new DataError(source, `${describeError(err)}${where}`, { cause: err });
        }
        if (rows.length === 0) break;
        block.reserve(rows.length);
        const first = block.length;
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          for (let j = 0; j < channels; j++) block.setValue(first + r, j, row[j] as number | null);
          if (plan.time !== undefined) block.setTime(first + r, row[channels] as number | null);
        }
        block.length += rows.length;
      }
    } finally {
      if (!failed) await cursor.close().catch(() => {});
    }
    return block.finish();
  } finally {
    await client.end().catch(() => {});
  }
}
