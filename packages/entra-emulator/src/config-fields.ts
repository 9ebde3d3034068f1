/** Field readers for the configuration parsers: each failure names the field it read. */

/** Thrown for a configuration the emulator cannot run with; the message names the field. */
export class EmulatorConfigError extends Error {
  override name = "EmulatorConfigError";
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function fail(path: string, what: string): never {
  throw new EmulatorConfigError(`entra-emulator config: ${path} ${what}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(obj: Record<string, unknown>, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== "string" || value === "") fail(`${path}.${key}`, "must be a non-empty string");
  return value;
}

export function optStr(obj: Record<string, unknown>, key: string, path: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") fail(`${path}.${key}`, "must be a string or null");
  return value;
}

export function strArray(obj: Record<string, unknown>, key: string, path: string): string[] {
  const value = obj[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    fail(`${path}.${key}`, "must be an array of strings");
  }
  return value as string[];
}

export function guid(obj: Record<string, unknown>, key: string, path: string): string {
  const value = str(obj, key, path);
  if (!GUID.test(value)) fail(`${path}.${key}`, `must be a GUID, got "${value}"`);
  return value.toLowerCase();
}
