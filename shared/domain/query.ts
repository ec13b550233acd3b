/**
 * @module The topic query language (SPEC §2). Placeholder signatures: replaced by the parser.
 */
export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

export interface QueryNode {
  readonly text: string;
}

export function parseQuery(text: string): QueryNode {
  if (text.trim() === '') throw new QuerySyntaxError('expected a term', 1);
  return { text };
}

export function querySourceIds(_query: QueryNode): { id: string; column: number }[] {
  return [];
}
