import { errors } from "jose";

/** Why jose refused a JWT, in words safe to log and answer (they name no token content). */
export function joseReason(error: unknown, what: string): string {
  if (error instanceof errors.JWTExpired) return `the ${what} has expired`;
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `the ${what}'s "${error.claim}" claim is not valid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return `the ${what}'s signature is not valid`;
  if (error instanceof errors.JWKSNoMatchingKey) return `the ${what} was signed with an unknown key`;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return `the ${what} uses a signing algorithm that is not allowed`;
  }
  if (error instanceof errors.JWKSTimeout) return "the signing keys could not be fetched in time";
  return `the ${what} is not valid`;
}
