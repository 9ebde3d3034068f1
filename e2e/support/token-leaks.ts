// Proves tokens never reach the browser: every URL, header and text body the browser receives,
// and every cookie and storage entry it holds, is scanned for a JWT (access and ID tokens are JWTs).
import type { BrowserContext, Page, Request, Response } from "@playwright/test";

/** A JWT: base64url header `{"…` (always `eyJ`), payload, and a signature (empty for alg none). */
export const JWT_SHAPE = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

const TEXT_TYPES = /json|html|javascript|ecmascript|text\/|css|xml/;

/** Collects every place a JWT-shaped string shows up in the contexts it watches. */
export class TokenLeakWatcher {
  readonly findings: string[] = [];
  #pending: Promise<void>[] = [];
  #bodiesScanned = 0;

  /** Scans everything `context` sends and receives from now on. */
  watch(context: BrowserContext): void {
    context.on("request", (request) => this.#onRequest(request));
    context.on("response", (response) => this.#onResponse(response));
  }

  /** How many response bodies were read and scanned (a suite that scans nothing proves nothing). */
  get bodiesScanned(): number {
    return this.#bodiesScanned;
  }

  /** Scans what scripts on `page` can read: `document.cookie`, `localStorage`, `sessionStorage`. */
  async checkPage(page: Page): Promise<void> {
    if (page.isClosed()) return;
    const storage = await page.evaluate(() => {
      const dump = (store: Storage) =>
        Array.from({ length: store.length }, (_, i) => {
          const key = store.key(i) ?? "";
          return `${key}=${store.getItem(key) ?? ""}`;
        });
      return {
        cookie: document.cookie,
        localStorage: dump(window.localStorage),
        sessionStorage: dump(window.sessionStorage),
        origin: window.location.origin,
      };
    });
    this.#scan(`document.cookie on ${storage.origin}`, storage.cookie);
    this.#scan(`localStorage on ${storage.origin}`, storage.localStorage.join("\n"));
    this.#scan(`sessionStorage on ${storage.origin}`, storage.sessionStorage.join("\n"));
  }

  /** Waits for every body read started so far, then scans the pages and the cookie jar of `context`. */
  async settle(context: BrowserContext): Promise<void> {
    for (const page of context.pages()) await this.checkPage(page);
    for (const cookie of await context.cookies()) {
      this.#scan(`cookie ${cookie.name} (${cookie.domain})`, cookie.value);
    }
    await this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      await Promise.all(batch);
    }
  }

  #onRequest(request: Request): void {
    this.#scan(`request URL ${request.method()} ${request.url()}`, request.url());
    const body = request.postData();
    if (body) this.#scan(`request body of ${request.url()}`, body);
  }

  #onResponse(response: Response): void {
    const where = `${response.status()} ${response.url()}`;
    const headers = response.headers();
    for (const [name, value] of Object.entries(headers)) this.#scan(`header ${name} of ${where}`, value);
    // Redirects have no body to read; everything else of a textual type is scanned.
    if (response.status() >= 300 && response.status() < 400) return;
    // The session event stream never ends, so its body cannot be awaited; it carries only fixed
    // event names (apps/bff/src/routes/api/session-events.ts).
    if (headers["content-type"]?.startsWith("text/event-stream")) return;
    if (!TEXT_TYPES.test(headers["content-type"] ?? "")) return;
    this.#pending.push(
      response.text().then(
        (text) => {
          this.#bodiesScanned++;
          this.#scan(`body of ${where}`, text);
        },
        // The page navigated away and Chromium dropped the body: nothing was rendered from it.
        () => {},
      ),
    );
  }

  #scan(where: string, text: string): void {
    const match = JWT_SHAPE.exec(text);
    if (match) this.findings.push(`JWT-shaped string in ${where}: ${match[0].slice(0, 24)}…`);
  }
}
