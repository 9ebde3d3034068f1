import { defaultClientConditions, defaultServerConditions } from "vite";

/** Resolve workspace packages to their TypeScript sources (the "source" export condition). */
export const sourceConditions = {
  resolve: { conditions: ["source", ...defaultClientConditions] },
  ssr: { resolve: { conditions: ["source", ...defaultServerConditions] } },
};
