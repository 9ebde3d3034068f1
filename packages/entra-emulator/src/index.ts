export type { LogoutTokenOptions } from "./backchannel.js";
export { BACKCHANNEL_EVENT } from "./backchannel.js";
export { EmulatorConfigError, loadConfig, parseConfig } from "./config.js";
export type {
  AppRole,
  AppRoleAssignment,
  ClientRegistration,
  DemoUser,
  DirectoryGroup,
  EmulatorConfig,
  FederatedCredential,
  ManagedIdentity,
  OtherTenant,
  ResourceApp,
  TenantConfig,
  TokenLifetimes,
} from "./config-types.js";
export { ControlInputError } from "./control.js";
export type { WorkloadAssertionOptions } from "./control-directory.js";
export { DEFAULT_CONFIG } from "./default-tenant.js";
export type { Emulator, StartEmulatorOptions } from "./emulator.js";
export { startEmulator } from "./emulator.js";
export { envLines, shellValue } from "./env-lines.js";
export type { SignInOptions } from "./sign-in.js";
export type { GrantType, GraphFault, HostileIdTokenKind, RequestLogEntry } from "./state.js";
export { HOSTILE_ID_TOKEN_KINDS } from "./state.js";
