import react from "@vitejs/plugin-react";
import { defaultClientConditions } from "vite";
import { defineConfig } from "vitest/config";

const bff = process.env.BFF_URL ?? "http://localhost:5000";

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ["source", ...defaultClientConditions] },
  build: {
    sourcemap: false,
    target: "es2022",
    // Every browser we support has <link rel=modulepreload>; the polyfill would cost bytes for nobody.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The SPA uses only the constants of @entra-bff/contracts; its TypeBox schemas are for the BFF.
      // Building a schema has no side effects, so unused ones (and TypeBox with them) can be dropped.
      treeshake: {
        manualPureFunctions: ["Type"],
        moduleSideEffects: (id: string) => !id.includes("/node_modules/typebox/"),
      },
    },
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(["/api", "/login", "/getAToken", "/logout"].map((p) => [p, bff])),
  },
  test: {
    name: "web",
    environment: "happy-dom",
    include: ["src/**/*.test.tsx", "src/**/*.test.ts"],
    setupFiles: ["src/test/setup.ts"],
  },
});
