import { defineConfig } from "@playwright/test";

// Skeleton: the e2e issue fills this in (Debian's /usr/bin/chromium, never a downloaded browser).
export default defineConfig({
  testDir: "tests",
  use: {
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
