import { Type } from "typebox";

/** `{code, message, retryAfter?}`: the body of every JSON error (mirrors contracts' ApiErrorSchema). */
export const ApiErrorResponse = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    retryAfter: Type.Optional(Type.Integer({ minimum: 0 })),
    loginUrl: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
