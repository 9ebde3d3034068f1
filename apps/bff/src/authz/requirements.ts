import { type Static, Type } from "typebox";
import { AppError } from "../errors.js";
import type { Authorization } from "./claims.js";

/**
 * What a route asks of the user: at least one of `roles` (app role values) and at least one of
 * `groups` (group object ids); both when both are given. The same shape in route config
 * (`config: { requires }`) and in BFF_APIS entries (`"requires": {…}`).
 */
export const RequirementsSchema = Type.Object(
  {
    roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1 })),
    groups: Type.Optional(
      Type.Array(
        Type.String({
          pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        }),
        { minItems: 1 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Requirements = Static<typeof RequirementsSchema>;

export class ForbiddenError extends AppError {
  constructor() {
    super("forbidden", 403, "You do not have the role or group this requires.");
    this.name = "ForbiddenError";
  }
}

/** True when `authz` meets `requires` (role values compare exactly, group ids case-insensitively). */
export function meetsRequirements(authz: Authorization, requires: Requirements | undefined): boolean {
  if (!requires) return true;
  if (requires.roles && !requires.roles.some((role) => authz.roles.includes(role))) return false;
  if (requires.groups) {
    const groups = new Set(authz.groups.map((id) => id.toLowerCase()));
    if (!requires.groups.some((id) => groups.has(id.toLowerCase()))) return false;
  }
  return true;
}
