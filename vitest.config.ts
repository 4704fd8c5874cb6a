import { defineConfig } from "vitest/config"

// Resolve the workspace packages to their TypeScript sources (see the
// "@linq-effect/source" export condition in each package.json), in both of
// Vite's environments: tests run in the SSR one.
const conditions = ["@linq-effect/source"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/bench/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
