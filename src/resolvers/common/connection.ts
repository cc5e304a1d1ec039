/** Relay connections: the page in `edges`/`pageInfo` shape, with the total counted on demand. */
export interface ConnectionValue<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  count: () => Promise<number>;
}

export function toConnection<T>(
  nodes: T[],
  cursorOf: (node: T) => string,
  hasNextPage: boolean,
  count: () => Promise<number>,
): ConnectionValue<T> {
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      // Forward pagination only.
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    count,
  };
}
