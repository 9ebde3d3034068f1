import { beforeAll, describe, expect, it } from "vitest";
import { ADELE, MEGAN, msalTokens, READ_WRITE, tasksApiForFile } from "./helpers/tenant.js";

// GET /v1/tasks/events: Server-Sent Events of the caller's own changes, over a real socket.
const setup = tasksApiForFile({ maxStreamsPerUser: 1 });
let base: string;
let adele: string;
let megan: string;

beforeAll(async () => {
  base = await setup.api.listen({ host: "127.0.0.1", port: 0 });
  [adele = ""] = await msalTokens(setup.emulator, ADELE, [[READ_WRITE]]);
  [megan = ""] = await msalTokens(setup.emulator, MEGAN, [[READ_WRITE]]);
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function post(token: string, title: string) {
  return fetch(`${base}/v1/tasks`, {
    method: "POST",
    headers: { ...auth(token), "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
}

/** Reads the stream until `count` events (not comments) arrived. */
async function readEvents(body: ReadableStream<Uint8Array>, count: number) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events: { event: string; data: unknown }[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end = text.indexOf("\n\n");
    while (end >= 0) {
      const frame = text.slice(0, end);
      text = text.slice(end + 2);
      const event = frame.match(/^event: (.*)$/m)?.[1];
      const data = frame.match(/^data: (.*)$/m)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
      end = text.indexOf("\n\n");
    }
  }
  reader.releaseLock();
  return events;
}

describe("task events", () => {
  it("streams the caller's own changes, and none of another user's", async () => {
    const controller = new AbortController();
    const stream = await fetch(`${base}/v1/tasks/events`, {
      headers: auth(adele),
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.headers.get("cache-control")).toBe("no-store");
    // Megan's change first: if it leaked into Adele's stream it would be the first event read.
    expect((await post(megan, "Megan's")).status).toBe(201);
    const created = (await (await post(adele, "Adele's")).json()) as { id: string };
    await fetch(`${base}/v1/tasks/${created.id}`, { method: "DELETE", headers: auth(adele) });
    const events = await readEvents(stream.body as ReadableStream<Uint8Array>, 2);
    expect(events).toEqual([
      { event: "task.created", data: created },
      { event: "task.deleted", data: { id: created.id } },
    ]);
    controller.abort();
  });

  it("needs a valid token, and limits the streams a user holds open (429)", async () => {
    expect((await fetch(`${base}/v1/tasks/events`)).status).toBe(401);
    const controller = new AbortController();
    const first = await fetch(`${base}/v1/tasks/events`, { headers: auth(megan), signal: controller.signal });
    expect(first.status).toBe(200);
    const second = await fetch(`${base}/v1/tasks/events`, { headers: auth(megan) });
    expect(second.status).toBe(429);
    expect(((await second.json()) as { code: string }).code).toBe("too_many_streams");
    controller.abort();
    // Once the first stream is gone, its slot is free again.
    let third: Response | undefined;
    for (let attempt = 0; attempt < 50 && third?.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      third = await fetch(`${base}/v1/tasks/events`, { headers: auth(megan) });
      if (third.status !== 200) await third.body?.cancel();
    }
    expect(third?.status).toBe(200);
    await third?.body?.cancel();
  });
});
