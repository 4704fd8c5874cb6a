import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: {
    // Resolve the workspace packages to their TypeScript sources (see the
    // "@linq-effect/source" export condition in each package.json).
    conditions: ["@linq-effect/source"]
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/bench/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
