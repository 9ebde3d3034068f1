import { defineProject, mergeConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: "bff",
      environment: "node",
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      // Each integration test starts an emulator and signs in over loopback; a loaded 2-core CI
      // machine needs more than the default 5 s.
      testTimeout: 20_000,
    },
  }),
);
