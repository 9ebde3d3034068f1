import type { FastifyInstance, FastifyRequest } from "fastify";
import type { JWTPayload } from "jose";
import type { DemoUser, DirectoryGroup } from "../config-types.js";
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

/** Delegated permissions that read group memberships (all need an administrator's consent). */
const GROUP_SCOPES = ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"];
const GROUP_PROPERTIES = [
  "id",
  "deletedDateTime",
  "classification",
  "createdDateTime",
  "description",
  "displayName",
  "groupTypes",
  "mail",
  "mailEnabled",
  "mailNickname",
  "securityEnabled",
  "visibility",
] as const;
type GroupProperty = (typeof GROUP_PROPERTIES)[number];

function canReadGroups(payload: JWTPayload): boolean {
  const scp = typeof payload.scp === "string" ? payload.scp.split(" ") : [];
  return GROUP_SCOPES.some((s) => scp.includes(s));
}

/** The signed-in user of a delegated token with a User.Read-class permission. */
function signedInUser(state: EmulatorState, payload: JWTPayload): DemoUser {
  const access = readAccess(payload);
  if (!access.delegated) {
    throw new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
  }
  const user = access.self && typeof payload.oid === "string" ? state.findUser(payload.oid) : undefined;
  if (!user) throw forbidden();
  return user;
}

function securityEnabledOnly(body: unknown): boolean {
  const value = (body as { securityEnabledOnly?: unknown } | null)?.securityEnabledOnly;
  if (typeof value !== "boolean") {
    throw new GraphError(
      400,
      "Request_BadRequest",
      "The request body must contain the boolean parameter 'securityEnabledOnly'.",
    );
  }
  return value;
}

function groupBody(group: DirectoryGroup, fields: readonly GroupProperty[]): Record<string, unknown> {
  const full: Record<GroupProperty, unknown> = {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: "2017-09-01T00:00:00Z",
    description: null,
    displayName: group.displayName,
    groupTypes: group.securityEnabled ? [] : ["Unified"],
    mail: null,
    mailEnabled: !group.securityEnabled,
    mailNickname: group.displayName.replaceAll(/[^A-Za-z0-9]/g, ""),
    securityEnabled: group.securityEnabled,
    visibility: group.securityEnabled ? null : "Private",
  };
  const body: Record<string, unknown> = { "@odata.type": "#microsoft.graph.group" };
  for (const field of fields) body[field] = full[field];
  return body;
}

/**
 * `POST /v1.0/me/getMemberGroups` and `/getMemberObjects` (ids, not paged; GroupMember.Read.All or
 * broader, which only an admin can consent to) and `GET /v1.0/me/transitiveMemberOf` (paged; with
 * User.Read alone Graph returns the groups with only `@odata.type` and `id` filled in).
 */
export function registerMemberRoutes(app: FastifyInstance, state: EmulatorState): void {
  const memberIds = async (request: FastifyRequest) => {
    const payload = await authenticate(state, request);
    const user = signedInUser(state, payload);
    if (!canReadGroups(payload)) throw forbidden();
    const securityOnly = securityEnabledOnly(request.body);
    await applyFault(state);
    const groups = state.directory.groupsOf(user).filter((g) => !securityOnly || g.securityEnabled);
    return {
      "@odata.context": `${state.baseUrl}/v1.0/$metadata#Collection(Edm.String)`,
      value: groups.map((g) => g.id),
    };
  };
  for (const action of ["getMemberGroups", "getMemberObjects"]) {
    app.post(`/v1.0/me/${action}`, async (request, reply) =>
      reply.type(GRAPH_JSON).send(await memberIds(request)),
    );
  }

  app.get<{ Querystring: Query }>("/v1.0/me/transitiveMemberOf", async (request, reply) => {
    const payload = await authenticate(state, request);
    const user = signedInUser(state, payload);
    await applyFault(state);
    const top = parseTop(graphOption(request.query, "$top"));
    const offset = parseSkipToken(graphOption(request.query, "$skiptoken"));
    const select = graphOption(request.query, "$select");
    // Without a group permission Graph still lists the memberships, with everything but the id null.
    const fields = canReadGroups(payload)
      ? (selectProperties(select, GROUP_PROPERTIES, "microsoft.graph.directoryObject") ?? GROUP_PROPERTIES)
      : (["id"] as const);
    const groups = state.directory.groupsOf(user);
    const value = groups.slice(offset, offset + top).map((g) => {
      const body = groupBody(g, fields);
      if (!canReadGroups(payload)) for (const p of GROUP_PROPERTIES) if (p !== "id") body[p] = null;
      return body;
    });
    const body: Record<string, unknown> = {
      "@odata.context": `${state.baseUrl}/v1.0/$metadata#directoryObjects`,
    };
    if (offset + top < groups.length) {
      body["@odata.nextLink"] = pageLink(state, "/v1.0/me/transitiveMemberOf", request.query, offset + top);
    }
    body.value = value;
    return reply.type(GRAPH_JSON).send(body);
  });
}
