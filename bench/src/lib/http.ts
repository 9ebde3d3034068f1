import { request } from "undici";

/** True when `url` answers 200 (body discarded); false on any other status or connection error. */
export async function answers200(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  try {
    const res = await request(url, { headers, headersTimeout: 2000, bodyTimeout: 2000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}
