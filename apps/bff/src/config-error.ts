/** A bad or missing setting; the message names the variable and how to fix it. */
export class ConfigError extends Error {
  readonly code = "config_invalid";
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}
