import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./drizzle",
  // Only `npm run db:migrate` uses a URL; generating migrations needs none.
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/blackroad" },
});
