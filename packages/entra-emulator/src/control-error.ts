/** Thrown when a control call gets bad input; the HTTP mirror answers it with 400. */
export class ControlInputError extends Error {
  override name = "ControlInputError";
}
