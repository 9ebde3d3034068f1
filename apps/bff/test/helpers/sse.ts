/** A Server-Sent Events stream read over real HTTP, as a browser's EventSource would. */
export interface EventStream {
  status: number;
  headers: Headers;
  /** Resolves once an event named `name` arrived (rejects after `timeoutMs`). */
  waitFor(name: string, timeoutMs?: number): Promise<void>;
  /** Everything received so far. */
  text(): string;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  let received = "";
  const waiters = new Set<() => void>();
  if (res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          received += decoder.decode(value, { stream: true });
          for (const wake of waiters) wake();
        }
      } catch {
        // Aborted.
      }
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    text: () => received,
    waitFor(name, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!received.includes(`event: ${name}\n`)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no "${name}" event within ${timeoutMs} ms; got: ${JSON.stringify(received)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}
