// The emulator's `/_emulator/*` control API, for faults the scenarios inject.

/** Thin client over the emulator's HTTP control API; every call fails loudly on a non-2xx answer. */
export class EmulatorControl {
  constructor(readonly url: string) {}

  /** Clears queued errors, Graph faults, the clock offset and lifetimes. */
  reset(): Promise<void> {
    return this.#post("/_emulator/reset");
  }

  /** The next `/authorize` (redirected back with `state`) fails with this AADSTS code. */
  queueAuthorizeError(aadsts: number, error?: string): Promise<void> {
    return this.#post("/_emulator/errors", { endpoint: "authorize", aadsts, ...(error ? { error } : {}) });
  }

  /** The next `count` Graph calls answer `status`; `null` clears the fault. */
  graphFault(fault: { status: 429 | 500 | 503; count?: number } | null): Promise<void> {
    return this.#post("/_emulator/graph-fault", fault);
  }

  /** The user's refresh tokens stop working (AADSTS70008) and their SSO sessions end. */
  revokeRefreshTokens(user: string): Promise<void> {
    return this.#post("/_emulator/revoke", { user });
  }

  /** Moves the emulator's clock, so tokens it issued expire in its (and Graph's) eyes. */
  advanceClock(seconds: number): Promise<void> {
    return this.#post("/_emulator/clock", { seconds });
  }

  async #post(path: string, body?: unknown): Promise<void> {
    const response = await fetch(`${this.url}${path}`, {
      method: "POST",
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(`emulator control ${path} answered ${response.status}: ${await response.text()}`);
    }
  }
}
