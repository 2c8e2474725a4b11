import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * `column LIKE pattern ESCAPE '\'` on both engines (SQLite has no default escape character).
 * The pattern must come from core/text.ts escapeLike plus the wildcards the caller means.
 */
export function likeEscaped(
  column: Expression<unknown> | RawBuilder<unknown>,
  pattern: string,
): RawBuilder<SqlBool> {
  return sql<SqlBool>`${column} like ${pattern} escape '\\'`;
}
