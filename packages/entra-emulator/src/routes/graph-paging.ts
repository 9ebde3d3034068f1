import { GraphError } from "../errors.js";
import type { EmulatorState } from "../state.js";

/** Graph's OData paging: `$top` (1–999, default 100) and an opaque `$skiptoken` in `@odata.nextLink`. */

export type Query = Record<string, unknown>;
const DEFAULT_PAGE_SIZE = 100;

/** A query option given at most once (Graph refuses repeats). */
export function graphOption(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value))
    throw new GraphError(400, "BadRequest", `Query option '${name}' was specified more than once.`);
  return typeof value === "string" ? value : undefined;
}

export function parseTop(top: string | undefined): number {
  if (top === undefined) return DEFAULT_PAGE_SIZE;
  const size = /^\d{1,4}$/.test(top) ? Number(top) : Number.NaN;
  if (!(size >= 1 && size <= 999)) {
    throw new GraphError(
      400,
      "BadRequest",
      `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`,
    );
  }
  return size;
}

/** `$skiptoken` is opaque to clients; here it carries the offset of the next page. */
export function parseSkipToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = /^[A-Za-z0-9_-]{1,16}$/.test(token)
    ? Number(Buffer.from(token, "base64url").toString())
    : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new GraphError(400, "BadRequest", "Invalid $skiptoken.");
  return offset;
}

/** The `@odata.nextLink` for the page starting at `offset`, keeping `$top`, `$select`, `$filter`. */
export function pageLink(state: EmulatorState, path: string, query: Query, offset: number): string {
  const next = new URL(`${state.baseUrl}${path}`);
  for (const name of ["$top", "$select", "$filter"]) {
    const value = graphOption(query, name);
    if (value !== undefined) next.searchParams.set(name, value);
  }
  next.searchParams.set("$skiptoken", Buffer.from(String(offset)).toString("base64url"));
  return next.toString();
}

/** `$select`: property names of `type` (case-insensitive, Graph's spelling); undefined = all. */
export function selectProperties<T extends string>(
  select: string | undefined,
  known: readonly T[],
  type: string,
): T[] | undefined {
  const fields = select
    ?.split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  if (!fields || fields.length === 0) return undefined;
  return fields.map((field) => {
    const match = known.find((p) => p.toLowerCase() === field.toLowerCase());
    if (!match) {
      throw new GraphError(
        400,
        "BadRequest",
        `Could not find a property named '${field}' on type '${type}'.`,
      );
    }
    return match;
  });
}
