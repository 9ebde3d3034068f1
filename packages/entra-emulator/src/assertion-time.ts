import type { JWTPayload } from "jose";
import { AadError } from "./errors.js";
import type { EmulatorState } from "./state.js";

/** Clock skew Entra allows on client assertions. */
const SKEW_SECONDS = 300;

function iso(seconds: unknown): string {
  return typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : "(none)";
}

/** AADSTS700024 unless the assertion's exp/nbf window (± 5 min) contains the emulator's now. */
export function checkAssertionTimes(state: EmulatorState, claims: JWTPayload): void {
  const now = state.now();
  if (
    typeof claims.exp !== "number" ||
    claims.exp + SKEW_SECONDS < now ||
    (typeof claims.nbf === "number" && claims.nbf - SKEW_SECONDS > now)
  ) {
    throw new AadError(
      "invalid_client",
      700024,
      `Client assertion is not within its valid time range. Current time: ${iso(now)}, assertion valid from ${iso(claims.nbf ?? claims.iat)}, expiry time of assertion ${iso(claims.exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    );
  }
}
