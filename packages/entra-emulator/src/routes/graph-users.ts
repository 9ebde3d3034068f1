import type { FastifyInstance } from "fastify";
import type { DemoUser } from "../config-types.js";
import { GraphError } from "../errors.js";
import type { EmulatorState } from "../state.js";
import {
  graphOption,
  pageLink,
  parseSkipToken,
  parseTop,
  type Query,
  selectProperties,
} from "./graph-paging.js";
import { applyFault, authenticate, forbidden, GRAPH_JSON, readAccess } from "./graph-support.js";

/** Graph's default `user` properties, in its order. */
const USER_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
] as const;
type UserProperty = (typeof USER_PROPERTIES)[number];
/** The properties `$filter=startswith(…)` may name. */
const FILTERABLE: readonly ("displayName" | "givenName" | "surname" | "mail" | "userPrincipalName")[] = [
  "displayName",
  "givenName",
  "surname",
  "mail",
  "userPrincipalName",
];
const QUERY_OPTIONS = new Set(["$top", "$select", "$filter", "$skiptoken"]);

/** `$select`: Graph's property names (case-insensitive); undefined = the default set. */
export function selectFields(select: string | undefined): UserProperty[] | undefined {
  return selectProperties(select, USER_PROPERTIES, "microsoft.graph.user");
}

/** A user as Graph returns it, with the `@odata.context` of an entity or of the collection. */
export function userBody(
  state: EmulatorState,
  user: DemoUser,
  fields: UserProperty[] | undefined,
  entity = true,
) {
  const body: Record<string, unknown> = {};
  if (entity) body["@odata.context"] = usersContext(state, fields, "/$entity");
  for (const key of fields ?? USER_PROPERTIES) body[key] = user[key];
  return body;
}

function usersContext(state: EmulatorState, fields: UserProperty[] | undefined, suffix = ""): string {
  const projection = fields ? `(${fields.join(",")})` : "";
  return `${state.baseUrl}/v1.0/$metadata#users${projection}${suffix}`;
}

/** `$filter=startswith(property,'prefix')` (case-insensitive, `''` escapes a quote), as Graph does. */
function parseFilter(filter: string | undefined): ((user: DemoUser) => boolean) | undefined {
  if (filter === undefined) return undefined;
  const match = /^\s*startswith\(\s*([A-Za-z]+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i.exec(filter);
  if (!match)
    throw new GraphError(
      400,
      "BadRequest",
      `Invalid filter clause: the emulator supports only startswith(property,'text').`,
    );
  const property = FILTERABLE.find((p) => p.toLowerCase() === match[1]?.toLowerCase());
  if (!property) {
    throw new GraphError(
      400,
      "Request_UnsupportedQuery",
      `Unsupported or invalid query filter clause specified for property '${match[1]}' of resource 'User'.`,
    );
  }
  const prefix = (match[2] ?? "").replaceAll("''", "'").toLowerCase();
  return (user) => (user[property] ?? "").toLowerCase().startsWith(prefix);
}

/** `GET /v1.0/users` (paged, `$top`, `$select`, `$filter=startswith`) and `GET /v1.0/users/{id|upn}`. */
export function registerUserRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get<{ Querystring: Query }>("/v1.0/users", async (request, reply) => {
    const payload = await authenticate(state, request);
    const access = readAccess(payload);
    // Listing users needs User.ReadBasic.All or broader: User.Read covers only the signed-in user.
    if (!access.others) throw forbidden();
    await applyFault(state);
    for (const name of Object.keys(request.query)) {
      if (name.startsWith("$") && !QUERY_OPTIONS.has(name)) {
        throw new GraphError(
          400,
          "Request_UnsupportedQuery",
          `The emulator does not support the query option '${name}'.`,
        );
      }
    }
    const fields = selectFields(graphOption(request.query, "$select"));
    const top = parseTop(graphOption(request.query, "$top"));
    const offset = parseSkipToken(graphOption(request.query, "$skiptoken"));
    const filter = parseFilter(graphOption(request.query, "$filter"));
    // The caller's directory only: another tenant's users are not listed.
    const directory = state.directory.usersOf(String(payload.tid));
    const matching = filter ? directory.filter(filter) : directory;
    const page = matching.slice(offset, offset + top);
    const body: Record<string, unknown> = { "@odata.context": usersContext(state, fields) };
    if (offset + top < matching.length) {
      body["@odata.nextLink"] = pageLink(state, "/v1.0/users", request.query, offset + top);
    }
    body.value = page.map((user) => userBody(state, user, fields, false));
    return reply.type(GRAPH_JSON).send(body);
  });

  app.get<{ Params: { user: string }; Querystring: Query }>("/v1.0/users/:user", async (request, reply) => {
    const payload = await authenticate(state, request);
    const access = readAccess(payload);
    const found = state.findUser(request.params.user);
    const user = found && state.directory.tenantOf(found).id === payload.tid ? found : undefined;
    const isSelf = user !== undefined && user.id === payload.oid;
    // Checked before existence, so a User.Read token cannot probe which users exist.
    if (!access.others && !(isSelf && access.self)) throw forbidden();
    await applyFault(state);
    if (!user) {
      throw new GraphError(
        404,
        "Request_ResourceNotFound",
        `Resource '${request.params.user}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    const fields = selectFields(graphOption(request.query, "$select"));
    return reply.type(GRAPH_JSON).send(userBody(state, user, fields));
  });
}
