import { defineConfig } from "vitest/config";

// Four suites (DESIGN.md, "How we prove it works, offline"). Each program run under Pulumi mocks holds
// global runtime state, so test files run in separate forks.
export default defineConfig({
  test: {
    pool: "forks",
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 30_000 } },
      { test: { name: "policies", include: ["test/policies/**/*.test.ts"], testTimeout: 30_000 } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          // One engine run at a time: the suites share the toolchain's plugin cache and the 2 cores.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
