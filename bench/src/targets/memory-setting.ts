// The BFF's setting for the memory store's bound, if it has one, found by name in config.ts's
// schema (MEMORY_STORE_MAX_KEYS or whatever it is called), and its default as loadConfig applies it.
import { EnvSchema, loadConfig } from "../../../apps/bff/src/config.js";

export interface MemorySetting {
  name: string;
  description: string;
  /** The default number of keys, when the setting counts keys (or entries). */
  defaultKeys?: number;
}

/** The config value that changes to `probe` when `name` is set to it: the setting's own field. */
function fieldSetBy(name: string, probe: number): string[] | undefined {
  const changed = loadConfig({ [name]: String(probe) }) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(changed)) {
    if (value === probe) return [key];
    if (value && typeof value === "object") {
      for (const [inner, innerValue] of Object.entries(value)) if (innerValue === probe) return [key, inner];
    }
  }
  return undefined;
}

export function memoryStoreSetting(): MemorySetting | undefined {
  const name = Object.keys(EnvSchema.properties).find(
    (key) => /MEMORY/.test(key) && /KEYS|ENTRIES|MAX|SIZE|SESSIONS|CAP/.test(key),
  );
  if (!name) return undefined;
  const schema = EnvSchema.properties[name as keyof typeof EnvSchema.properties] as { description?: string };
  const setting: MemorySetting = { name, description: schema.description ?? "" };
  if (!/KEYS|ENTRIES/.test(name)) return setting;
  try {
    const path = fieldSetBy(name, 123_457);
    let value: unknown = loadConfig({});
    for (const key of path ?? []) value = (value as Record<string, unknown> | undefined)?.[key];
    if (path && typeof value === "number") setting.defaultKeys = value;
  } catch {
    // The setting does not take a plain number: report it without a default.
  }
  return setting;
}
