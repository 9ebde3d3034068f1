import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { SignInFailure } from "./auth/sign-in-error.js";
import type { SessionAuth } from "./session/session-data.js";

/** Why a session ended, for the audit log and `bff_sessions_ended_total{reason}`. */
export type SessionEndReason = "signout" | "idle_timeout" | "absolute_timeout" | "reauth_required";

/**
 * The audit trail: each event writes its log line (`event: …`, never a token or cookie) and
 * moves its metric in one call, so the two never disagree.
 */
export interface Audit {
  signInSucceeded(request: FastifyRequest, user: SessionAuth["user"]): void;
  signInFailed(request: FastifyRequest, failure: SignInFailure): void;
  sessionEnded(
    request: FastifyRequest,
    reason: SessionEndReason,
    oid: string,
    /** Why Entra refused, when it did. */
    detail?: { aadsts?: number },
  ): void;
  /** A declared API needs consent or a step-up: `api.consent_required` / `api.step_up_required`. */
  apiInteractionNeeded(
    request: FastifyRequest,
    kind: "consent_required" | "step_up_required",
    api: { prefix: string; scopes: readonly string[] },
    oid: string | undefined,
  ): void;
}

declare module "fastify" {
  interface FastifyInstance {
    audit: Audit;
  }
}

/** Decorates `audit` over the app's metrics. */
export const auditPlugin = fp(
  async (app: FastifyInstance) => {
    const metrics = app.metrics;
    app.decorate("audit", {
      signInSucceeded(request, user) {
        request.log.info({ event: "signin.success", oid: user.oid, tid: user.tid }, "signed in");
        metrics.signIn({ result: "success" });
      },
      signInFailed(request, failure) {
        const aadsts = failure.kind === "entra_error" ? failure.aadsts : undefined;
        request.log.warn(
          {
            event: "signin.failure",
            kind: failure.kind,
            ...(failure.kind === "entra_error" ? { error: failure.error, aadsts } : {}),
            ...(failure.kind === "id_token_invalid" ? { reason: failure.reason } : {}),
            ...(failure.kind === "tenant_not_allowed" ? { tid: failure.tenantId } : {}),
            ...(failure.kind === "groups_unavailable" ? { permission: failure.permission } : {}),
          },
          "sign-in failed",
        );
        metrics.signIn({
          result: "failure",
          kind: failure.kind,
          ...(aadsts === undefined ? {} : { aadsts }),
        });
      },
      sessionEnded(request, reason, oid, detail) {
        request.log.info({
          event: reason === "signout" ? "signout" : "session.ended",
          reason,
          oid,
          ...(detail?.aadsts === undefined ? {} : { aadsts: detail.aadsts }),
        });
        metrics.sessionEnded(reason);
      },
      apiInteractionNeeded(request, kind, api, oid) {
        request.log.info(
          { event: `api.${kind}`, api: api.prefix, scopes: api.scopes, ...(oid ? { oid } : {}) },
          kind === "consent_required" ? "an API needs the user's consent" : "an API needs a step-up",
        );
        metrics.apiInteraction(api.prefix, kind);
      },
    } satisfies Audit);
  },
  { name: "audit", dependencies: ["metrics"] },
);
