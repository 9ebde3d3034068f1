import { existsSync } from "node:fs";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "./errors.js";

export interface SpaOptions {
  distDir: string;
}

/** `{code, message}` from the error handler; Fastify's default 404 echoes method and path. */
async function notFound(): Promise<never> {
  throw new AppError("not_found", 404, "Not found.");
}

/**
 * Serves the built SPA: hashed assets cached for a year, index.html never cached, and any
 * unknown GET that accepts HTML falls back to index.html (client-side routing).
 * @see https://github.com/fastify/fastify-static
 */
export const spaPlugin = fp<SpaOptions>(
  async (app: FastifyInstance, { distDir }) => {
    if (!existsSync(distDir)) {
      app.log.warn({ distDir }, "SPA bundle not found: run `pnpm build` (pnpm start does it for you)");
      app.setNotFoundHandler(notFound);
      return;
    }
    await app.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      setHeaders(res, path) {
        res.header(
          "cache-control",
          path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    });
    app.get("/", (_req, reply) => reply.type("text/html").sendFile("index.html"));
    app.setNotFoundHandler((req, reply) => {
      const wantsHtml = req.method === "GET" && (req.headers.accept ?? "").includes("text/html");
      if (wantsHtml && !req.url.startsWith("/api/")) {
        return reply.type("text/html").header("cache-control", "no-cache").sendFile("index.html");
      }
      return notFound();
    });
  },
  { name: "spa" },
);
