// SQL text shared by the DuckDB and PostgreSQL sources and sinks: quoted identifiers,
// and which column types hold numbers or times.

/** Quotes an identifier; `schema.table` is split on dots and each part quoted. */
export function quoteIdentifier(name: string, dotted = false): string {
  const parts = dotted ? name.split('.') : [name];
  return parts.map((p) => `"${p.replaceAll('"', '""')}"`).join('.');
}

/** The SQL whose rows are read: the query as given, or every row of the table. */
export function selectionSql(selection: { table?: string; query?: string }): string {
  if (selection.query !== undefined) return selection.query.trim().replace(/;\s*$/, '');
  return `SELECT * FROM ${quoteIdentifier(selection.table!, true)}`;
}

/** How a column will be read. */
export type ColumnKind = 'number' | 'time' | 'other';

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC|INT[248]?|FLOAT[48]|DOUBLE PRECISION)\b/i;
const TEMPORAL = /^(TIMESTAMP|DATE)\b/i;

/** The kind of a column from its SQL type name (DuckDB's or PostgreSQL's spelling). */
export function columnKind(typeName: string): ColumnKind {
  if (NUMERIC.test(typeName)) return 'number';
  if (TEMPORAL.test(typeName)) return 'time';
  return 'other';
}
