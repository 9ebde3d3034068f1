import type {
  AuthorizationSettings,
  DemoUser,
  DirectoryGroup,
  EmulatorConfig,
  TenantConfig,
} from "./config-types.js";

/**
 * The emulated directory, indexed: every tenant (home first) with its users, the home tenant's
 * groups, and what a user is given on an app (roles, groups). Built once from the configuration.
 */
export class Directory {
  readonly tenants: readonly TenantConfig[];
  readonly users: readonly DemoUser[];
  private readonly tenantOfUser = new Map<string, TenantConfig>();
  private readonly groupsById = new Map<string, DirectoryGroup>();

  constructor(private readonly config: EmulatorConfig) {
    const others = config.tenants ?? [];
    this.tenants = [config.tenant, ...others];
    for (const user of config.users) this.tenantOfUser.set(user.id, config.tenant);
    for (const tenant of others) for (const user of tenant.users) this.tenantOfUser.set(user.id, tenant);
    this.users = [...config.users, ...others.flatMap((t) => t.users)];
    for (const group of config.groups ?? []) this.groupsById.set(group.id, group);
  }

  get home(): TenantConfig {
    return this.config.tenant;
  }

  /** A tenant by GUID or domain (case-insensitive). */
  findTenant(idOrDomain: string): TenantConfig | undefined {
    const key = idOrDomain.toLowerCase();
    return this.tenants.find((t) => t.id === key || t.domain.toLowerCase() === key);
  }

  /** The user's home tenant. */
  tenantOf(user: DemoUser): TenantConfig {
    return this.tenantOfUser.get(user.id) ?? this.config.tenant;
  }

  usersOf(tenantId: string): DemoUser[] {
    return this.users.filter((u) => this.tenantOf(u).id === tenantId);
  }

  /** A user of any tenant by id, UPN or mail. */
  findUser(idOrUpn: string): DemoUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.find(
      (u) => u.id === key || u.userPrincipalName.toLowerCase() === key || u.mail?.toLowerCase() === key,
    );
  }

  findGroup(id: string): DirectoryGroup | undefined {
    return this.groupsById.get(id.toLowerCase());
  }

  /** The user's groups (memberships are direct: the emulator has no nested groups). */
  groupsOf(user: DemoUser): DirectoryGroup[] {
    return (user.memberOf ?? []).flatMap((id) => this.groupsById.get(id) ?? []);
  }

  /** The values of the app roles assigned to the user on this app, directly or through a group. */
  rolesFor(client: AuthorizationSettings, user: DemoUser): string[] {
    const principals = new Set([user.id, ...(user.memberOf ?? [])]);
    const assigned = new Set(
      (client.appRoleAssignments ?? []).filter((a) => principals.has(a.principalId)).map((a) => a.role),
    );
    return (client.appRoles ?? [])
      .filter((role) => assigned.has(role.value) && role.allowedMemberTypes.includes("User"))
      .map((role) => role.value);
  }
}
