import { defineProject, mergeConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default mergeConfig(
  sourceConditions,
  defineProject({
    test: {
      name: "tasks-api",
      environment: "node",
      include: ["test/**/*.test.ts"],
      // Each file starts an emulator and signs in over loopback; a loaded 2-core machine is slow.
      testTimeout: 20_000,
    },
  }),
);
