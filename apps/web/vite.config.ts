import react from "@vitejs/plugin-react";
import { defaultClientConditions } from "vite";
import { defineConfig } from "vitest/config";

const bff = process.env.BFF_URL ?? "http://localhost:5000";

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ["source", ...defaultClientConditions] },
  build: { sourcemap: false, target: "es2022" },
  server: {
    port: 5173,
    proxy: Object.fromEntries(["/api", "/login", "/getAToken", "/logout"].map((p) => [p, bff])),
  },
  test: {
    name: "web",
    environment: "happy-dom",
    include: ["src/**/*.test.tsx", "src/**/*.test.ts"],
  },
});
