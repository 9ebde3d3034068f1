/** A GUID (tenant, client and object ids, Secret IDs): the one pattern the BFF matches them with. */
export const GUID_SOURCE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

const WHOLE = new RegExp(`^${GUID_SOURCE}$`);

export function isGuid(value: string): boolean {
  return WHOLE.test(value);
}
