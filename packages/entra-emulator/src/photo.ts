import { createHash } from "node:crypto";
import { PNG } from "pngjs";
import { userColor } from "./html.js";

const SIZE = 240;
const GRID = 5;
const cache = new Map<string, Buffer>();

/**
 * A deterministic 240×240 PNG identicon for a user: a mirrored 5×5 pattern in the user's colour
 * on a light background (Graph serves real photos; any stable picture will do offline).
 */
export function userPhoto(userId: string): Buffer {
  const cached = cache.get(userId);
  if (cached) return cached;
  const png = new PNG({ width: SIZE, height: SIZE });
  const bits = createHash("sha256").update(userId).digest();
  const [r, g, b] = userColor(userId);
  const cell = SIZE / (GRID + 1);
  const margin = cell / 2;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const gx = Math.floor((x - margin) / cell);
      const gy = Math.floor((y - margin) / cell);
      const inside = gx >= 0 && gx < GRID && gy >= 0 && gy < GRID;
      const column = gx < 3 ? gx : GRID - 1 - gx;
      const on = inside && ((bits[gy * 3 + column] ?? 0) & 1) === 1;
      const i = (y * SIZE + x) * 4;
      png.data[i] = on ? r : 240;
      png.data[i + 1] = on ? g : 240;
      png.data[i + 2] = on ? b : 240;
      png.data[i + 3] = 255;
    }
  }
  const buffer = PNG.sync.write(png);
  cache.set(userId, buffer);
  return buffer;
}

export const PHOTO_SIZE = SIZE;
