import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

export interface SecurityOptions {
  /** PUBLIC_URL is https: send HSTS. */
  https: boolean;
}

/**
 * Security headers for every response: a strict CSP (no inline script or style), no framing,
 * no referrer, nosniff; HSTS only over https. The BFF never sends CORS headers.
 * @see https://github.com/fastify/fastify-helmet
 */
export const securityPlugin = fp<SecurityOptions>(
  async (app: FastifyInstance, { https }) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", "data:", "blob:"],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: "no-referrer" },
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      crossOriginEmbedderPolicy: false,
    });
  },
  { name: "security" },
);
