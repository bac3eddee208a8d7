import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Test-only secrets: long enough to pass the config checks, never used outside tests. */
const TEST_SECRETS = {
  SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef",
  WALLET_MASTER_KEY: "test-wallet-master-key-0123456789abcdef0123456789",
};

export default defineConfig({
  test: {
    // Request logs are useful when a test fails and noise when it passes.
    silent: "passed-only",
    projects: [
      {
        // Unit and integration tests run inside workerd, against the local cloud.
        plugins: [
          cloudflareTest(({ inject }) => {
            const cloud = inject("localCloud");
            return {
              // The source, not wrangler.toml's main (the built dist/worker/index.js): vitest bundles it.
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  ENVIRONMENT: "test",
                  ALLOWED_ORIGINS: "https://app.example.test",
                  DATABASE_URL: cloud.databaseUrl,
                  NEON_PROXY_URL: cloud.neonProxyUrl,
                  UPSTASH_REDIS_REST_URL: cloud.upstashUrl,
                  UPSTASH_REDIS_REST_TOKEN: cloud.upstashToken,
                  // Cheap hashing and easy proof of work keep the suite fast; production uses 12 and 4.
                  BCRYPT_ROUNDS: "4",
                  BLOCKCHAIN_DIFFICULTY: "1",
                  // Retargets can raise it by one step (a burst of test blocks), never to costly levels.
                  BLOCKCHAIN_MAX_DIFFICULTY: "2",
                  ...TEST_SECRETS,
                },
              },
            };
          }),
        ],
        test: {
          name: "workers",
          include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
          globalSetup: ["./test/global-setup.ts"],
          setupFiles: ["./test/setup/warm-lazy-modules.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Node-side tests: the local cloud's protocol servers and the browser tests.
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts", "test/browser/**/*.test.ts"],
          globalSetup: ["./test/node-global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
