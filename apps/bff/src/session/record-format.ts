/**
 * The versioned format of every record the BFF stores (session, pre-login, token cache, shared
 * access token), so instances of two releases can share one Redis during a rolling upgrade.
 *
 * A record is its JSON object with one more field, `_v`, its format version. Records written
 * before versioning have no `_v` and read as version 0. The version rides inside the object
 * rather than around it, so a release that predates versioning (it ignores unknown fields) still
 * reads what this one writes while both run side by side.
 *
 * Rules for changing a format (README, "Rolling upgrades"):
 * - a release reads its own version and every older one listed in `upgrades` (N-1 at least);
 * - a record of a newer version than this release knows is unreadable here (treated as absent:
 *   fail closed), so a new format ships in two releases: first one that reads it, then one that
 *   writes it;
 * - a smaller record that every reader of the current version (and the previous release) already
 *   reads keeps its version: session records without @fastify/session's `cookie`, token caches
 *   with only the account fields MSAL needs (test/upgrade proves the previous release serves them).
 *
 * Tombstones (`ended:`) and the pre-login index (a sorted set) carry no payload: only their
 * existence and scores matter, so they have no envelope.
 */

export type RecordKind = "session" | "pre-login" | "token-cache" | "access-token";

type Payload = Record<string, unknown>;
type Upgrade = (older: Payload) => Payload;

const unchanged: Upgrade = (payload) => payload;

/**
 * Per kind: `upgrades[n]` turns a version-n payload into version n+1; the current version is
 * `upgrades.length`. Version 1 is version 0 (main before versioning) with the version field.
 */
const FORMATS: Record<RecordKind, { upgrades: Upgrade[] }> = {
  session: { upgrades: [unchanged] },
  "pre-login": { upgrades: [unchanged] },
  "token-cache": { upgrades: [unchanged] },
  "access-token": { upgrades: [unchanged] },
};

export const VERSION_FIELD = "_v";

/** The format version this release writes for `kind`. */
export function currentVersion(kind: RecordKind): number {
  return FORMATS[kind].upgrades.length;
}

/** Serialises `payload` in the current format of `kind`. */
export function writeRecord(kind: RecordKind, payload: object): string {
  const { [VERSION_FIELD]: _ignored, ...fields } = payload as Payload;
  return JSON.stringify({ [VERSION_FIELD]: currentVersion(kind), ...fields });
}

/**
 * Parses a stored record of `kind` written by this release or an older one, upgraded to the
 * current format and without the version field. Undefined for nothing, corrupt JSON, something
 * other than an object, or a version this release does not know.
 */
export function readRecord<T extends object>(kind: RecordKind, raw: string | undefined): T | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const { [VERSION_FIELD]: version = 0, ...fields } = parsed as Payload;
  const { upgrades } = FORMATS[kind];
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0 || version > upgrades.length) {
    return undefined;
  }
  let payload: Payload = fields;
  for (const upgrade of upgrades.slice(version)) payload = upgrade(payload);
  return payload as T;
}
