import { Transform, type TransformCallback } from "node:stream";

/** Thrown into the upload stream when it passes the entry's maxBodyBytes. */
export class BodyTooLargeError extends Error {
  constructor() {
    super("request body over the limit");
    this.name = "BodyTooLargeError";
  }
}

/**
 * Passes a request body through chunk by chunk (nothing is buffered) and cuts it with
 * BodyTooLargeError at the first byte over `maxBytes`, so a body without Content-Length is
 * limited too.
 */
export function limitBody(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new BodyTooLargeError());
      else callback(null, chunk);
    },
  });
}
