/**
 * One event stream per browser, not per tab: visible tabs take turns holding a Web Lock; the
 * holder opens the EventSource and shares what it hears on a BroadcastChannel. A tab that is
 * hidden gives the lock up, so no stream stays open while every tab is hidden.
 */
const LOCK = "entra-bff:session-events";
const CHANNEL = "entra-bff:session";

export type WatchMessage = { type: "ended" };

export interface Leadership {
  stop(): void;
}

/** Runs `lead` while this tab is visible and holds the lock; `onMessage` hears every tab. */
export function shareSessionEvents(
  onMessage: (message: WatchMessage) => void,
  openStream: (announce: (message: WatchMessage) => void) => () => void,
): Leadership {
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : undefined;
  channel?.addEventListener("message", (event: MessageEvent<WatchMessage>) => onMessage(event.data));
  const announce = (message: WatchMessage) => {
    channel?.postMessage(message);
    onMessage(message);
  };
  let release: (() => void) | undefined;
  let stopped = false;

  const lead = () => {
    if (stopped || release || document.visibilityState !== "visible") return;
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    if (!locks) {
      // No Web Locks: every visible tab streams for itself.
      const close = openStream(announce);
      release = close;
      return;
    }
    let letGo: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    let closeStream: (() => void) | undefined;
    release = () => {
      closeStream?.();
      letGo();
    };
    void locks.request(LOCK, async () => {
      if (stopped || document.visibilityState !== "visible") return;
      closeStream = openStream(announce);
      await held;
    });
  };
  const onVisibility = () => {
    if (document.visibilityState === "visible") lead();
    else {
      release?.();
      release = undefined;
    }
  };
  document.addEventListener("visibilitychange", onVisibility);
  lead();
  return {
    stop() {
      stopped = true;
      document.removeEventListener("visibilitychange", onVisibility);
      release?.();
      release = undefined;
      channel?.close();
    },
  };
}
