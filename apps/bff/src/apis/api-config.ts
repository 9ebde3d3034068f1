// BFF_APIS: the declared API routes (remote APIs behind the BFF), read from a JSON file.
import { readFileSync } from "node:fs";
import { type Static, Type } from "typebox";
import { Value } from "typebox/value";
import { type Requirements, RequirementsSchema } from "../authz/requirements.js";
import { ConfigError } from "../config-problems.js";
import { resourceOf } from "./scopes.js";

export const PROXY_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
export type ProxyMethod = (typeof PROXY_METHODS)[number];

const HeaderName = "^[a-z0-9][a-z0-9-]*$";

/** One entry of the BFF_APIS file. Each `description` says what a good value is. */
export const ApiEntrySchema = Type.Object(
  {
    prefix: Type.String({
      pattern: "^/api(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$",
      description: "a path under /api such as /api/tasks (no trailing slash, no dot segments)",
    }),
    upstream: Type.String({
      pattern: "^https?://[^\\s?#]+$",
      description: "an http(s) base URL without query, e.g. https://tasks.example.com/v1",
    }),
    token: Type.Union([Type.Literal("user"), Type.Literal("app"), Type.Literal("none")], {
      description: '"user" (the signed-in user\'s token), "app" (client credentials) or "none"',
    }),
    scopes: Type.Optional(
      Type.Array(Type.String({ pattern: "^[^\\s]+$" }), {
        description: 'the scopes of ONE resource, e.g. ["api://<app-id>/Tasks.ReadWrite"]',
      }),
    ),
    methods: Type.Optional(
      Type.Array(Type.Union(PROXY_METHODS.map((method) => Type.Literal(method))), {
        minItems: 1,
        description: `a list of ${PROXY_METHODS.join(", ")}`,
      }),
    ),
    session: Type.Optional(
      Type.Union([Type.Literal("required"), Type.Literal("optional")], {
        description: '"required" (default) or "optional" (only with token "none")',
      }),
    ),
    headers: Type.Optional(
      Type.Array(Type.String({ pattern: HeaderName }), {
        description: "lower-case request header names to forward, e.g. x-extra-allowed",
      }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000, description: "1–600000" })),
    maxBodyBytes: Type.Optional(Type.Integer({ minimum: 0, description: "bytes ≥ 0" })),
    stream: Type.Optional(Type.Boolean({ description: "true or false" })),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, description: "requests ≥ 1" })),
    maxConcurrentPerSession: Type.Optional(Type.Integer({ minimum: 1, description: "calls ≥ 1" })),
    requires: Type.Optional(
      Type.Union([RequirementsSchema], {
        description: '{"roles": [app role values]} and/or {"groups": [group object ids]}',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApiEntry = Static<typeof ApiEntrySchema>;
export const ApisFileSchema = Type.Array(ApiEntrySchema);

/** A validated entry with every default filled in. */
export interface ApiRoute {
  prefix: string;
  /** The upstream base URL without a trailing slash. */
  upstream: string;
  token: "user" | "app" | "none";
  scopes: string[];
  /** The one resource the scopes belong to (`api://…`, `https://graph.microsoft.com`), if any. */
  resource: string | undefined;
  methods: ProxyMethod[];
  session: "required" | "optional";
  headers: string[];
  timeoutMs: number;
  maxBodyBytes: number;
  stream: boolean;
  rateLimitPerMinute: number;
  maxConcurrentPerSession: number;
  /** App roles / groups the signed-in user needs (403 forbidden otherwise). */
  requires: Requirements | undefined;
}

/** Routes of the BFF itself: a declared prefix may be neither one of them nor above or below one. */
export const BUILT_IN_PREFIXES = ["/api/me", "/api/session", "/api/sessions"];

/** Request headers that are never forwarded, whatever an entry lists. */
export const NEVER_FORWARDED = new Set([
  "authorization",
  "cookie",
  "x-csrf",
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "proxy-authorization",
  "proxy-connection",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
]);

const DEFAULTS = {
  methods: ["GET"] as ProxyMethod[],
  session: "required" as const,
  timeoutMs: 10_000,
  maxBodyBytes: 1_048_576,
  stream: true,
  rateLimitPerMinute: 600,
  maxConcurrentPerSession: 8,
};

const VARIABLE = "BFF_APIS";

/** Reads and validates the file BFF_APIS names; a ConfigError names the entry and field. */
export function loadApisFile(path: string): ApiRoute[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConfigError(VARIABLE, `cannot read "${path}": point it at a JSON file of API entries`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(VARIABLE, `"${path}" is not valid JSON: it must be an array of API entries`);
  }
  return parseApis(raw);
}

/** Validates a parsed BFF_APIS document (an array of entries). */
export function parseApis(raw: unknown): ApiRoute[] {
  if (!Array.isArray(raw)) throw new ConfigError(VARIABLE, "must be a JSON array of API entries");
  const routes = raw.map((entry, index) => parseEntry(entry, index));
  refuseOverlaps(routes);
  return routes;
}

function parseEntry(raw: unknown, index: number): ApiRoute {
  const name = entryName(raw, index);
  const [error] = Value.Errors(ApiEntrySchema, raw);
  if (error) {
    const field = error.instancePath.replace(/^\//, "").replace(/\/\d+$/, "") || fieldOfRequired(error);
    const schema = (ApiEntrySchema.properties as Record<string, { description?: string }>)[field];
    const hint = schema?.description ? `use ${schema.description}` : error.message;
    throw new ConfigError(VARIABLE, `${name}: field "${field}" is invalid: ${hint}`);
  }
  const entry = raw as ApiEntry;
  const fail = (field: string, message: string) =>
    new ConfigError(VARIABLE, `${name}: field "${field}" ${message}`);
  const upstream = new URL(entry.upstream);
  if (upstream.username || upstream.password) throw fail("upstream", "must not carry credentials");
  const scopes = entry.scopes ?? [];
  if (entry.token === "none" && scopes.length > 0) throw fail("scopes", 'must be empty with token "none"');
  if (entry.token !== "none" && scopes.length === 0)
    throw fail("scopes", `are required with token "${entry.token}"`);
  const resources = new Set(scopes.map(resourceOf));
  if (resources.size > 1) {
    throw fail(
      "scopes",
      `mix resources (${[...resources].join(", ")}): one entry, one resource (AADSTS28000)`,
    );
  }
  // An app token for signed-out browsers would hand the app's own access to anyone.
  if (entry.session === "optional" && entry.token !== "none") {
    throw fail("session", 'can be "optional" only when token is "none"');
  }
  // Roles and groups belong to a signed-in user: an entry open to signed-out callers cannot need them.
  if (entry.requires && entry.session === "optional") {
    throw fail("requires", 'needs a signed-in user: leave "session" at "required"');
  }
  const forbidden = (entry.headers ?? []).find((header) => NEVER_FORWARDED.has(header));
  if (forbidden) throw fail("headers", `must not list "${forbidden}": it is never forwarded`);
  return {
    prefix: entry.prefix,
    upstream: entry.upstream.replace(/\/+$/, ""),
    token: entry.token,
    scopes,
    resource: [...resources][0],
    methods: entry.methods ?? DEFAULTS.methods,
    session: entry.session ?? DEFAULTS.session,
    headers: entry.headers ?? [],
    timeoutMs: entry.timeoutMs ?? DEFAULTS.timeoutMs,
    maxBodyBytes: entry.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    stream: entry.stream ?? DEFAULTS.stream,
    rateLimitPerMinute: entry.rateLimitPerMinute ?? DEFAULTS.rateLimitPerMinute,
    maxConcurrentPerSession: entry.maxConcurrentPerSession ?? DEFAULTS.maxConcurrentPerSession,
    requires: entry.requires,
  };
}

function entryName(raw: unknown, index: number): string {
  const prefix = (raw as { prefix?: unknown } | null)?.prefix;
  return typeof prefix === "string" ? `entry ${index} (${prefix.slice(0, 80)})` : `entry ${index}`;
}

/** A missing required property is reported on the object itself: name the property instead. */
function fieldOfRequired(error: { params?: unknown; message: string }): string {
  const params = error.params as
    | { requiredProperties?: string[]; additionalProperties?: string[] }
    | undefined;
  return params?.requiredProperties?.[0] ?? params?.additionalProperties?.[0] ?? "(entry)";
}

/** `/api/a` and `/api/a/b` overlap (segment-wise); `/api/a` and `/api/ab` do not. */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function refuseOverlaps(routes: ApiRoute[]): void {
  routes.forEach((route, index) => {
    const builtIn = BUILT_IN_PREFIXES.find((prefix) => overlaps(route.prefix, prefix));
    if (builtIn) {
      throw new ConfigError(
        VARIABLE,
        `entry ${index} (${route.prefix}): field "prefix" overlaps the built-in route ${builtIn}: choose another prefix`,
      );
    }
    const other = routes.findIndex((candidate, j) => j < index && overlaps(route.prefix, candidate.prefix));
    if (other >= 0) {
      throw new ConfigError(
        VARIABLE,
        `entry ${index} (${route.prefix}): field "prefix" overlaps entry ${other} (${routes[other]?.prefix}): prefixes must not contain each other`,
      );
    }
  });
}
