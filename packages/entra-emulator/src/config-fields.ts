/** Small validators for the configuration parser: each failure names the field. */

/** Thrown for a configuration the emulator cannot run with; the message names the field. */
export class EmulatorConfigError extends Error {
  override name = "EmulatorConfigError";
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Raw = Record<string, unknown>;

export function fail(path: string, what: string): never {
  throw new EmulatorConfigError(`entra-emulator config: ${path} ${what}`);
}

export function isRecord(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(obj: Raw, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== "string" || value === "") fail(`${path}.${key}`, "must be a non-empty string");
  return value;
}

export function optStr(obj: Raw, key: string, path: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") fail(`${path}.${key}`, "must be a string or null");
  return value;
}

export function strArray(obj: Raw, key: string, path: string): string[] {
  const value = obj[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    fail(`${path}.${key}`, "must be an array of strings");
  }
  return value as string[];
}

export function guid(obj: Raw, key: string, path: string): string {
  const value = str(obj, key, path);
  if (!GUID.test(value)) fail(`${path}.${key}`, `must be a GUID, got "${value}"`);
  return value.toLowerCase();
}

export function guidArray(obj: Raw, key: string, path: string): string[] {
  return strArray(obj, key, path).map((value) => {
    if (!GUID.test(value)) fail(`${path}.${key}`, `must hold GUIDs, got "${value}"`);
    return value.toLowerCase();
  });
}

export function bool(obj: Raw, key: string, path: string, fallback: boolean): boolean {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") fail(`${path}.${key}`, "must be a boolean");
  return value;
}

/** One of `allowed` (default `fallback`). */
export function oneOf<T extends string>(
  obj: Raw,
  key: string,
  path: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    fail(`${path}.${key}`, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
  }
  return value as T;
}

/** An array of objects, each parsed with its index path. */
export function objects<T>(obj: Raw, key: string, path: string, parse: (item: Raw, path: string) => T): T[] {
  const value = obj[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${path}.${key}`, "must be an array");
  return value.map((item, i) => {
    const itemPath = `${path}.${key}[${i}]`;
    if (!isRecord(item)) fail(itemPath, "must be an object");
    return parse(item, itemPath);
  });
}
