/**
 * Runs in Node before the node test project: the real-PostgreSQL tests get TEST_DATABASE_URL when it
 * is given, else a throwaway server this run starts (initdb in a temporary directory, a free port)
 * and deletes at the end, so `npm test` needs no PostgreSQL running on the machine.
 */
import type { TestProject } from "vitest/node";
import { startThrowawayPostgres } from "../scripts/local-cloud/throwaway-postgres.ts";

export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide("realPostgresUrl", given);
    return;
  }
  const server = await startThrowawayPostgres();
  console.log(`[node tests] throwaway PostgreSQL at ${server.url}`);
  project.provide("realPostgresUrl", server.url);
  return () => server.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    /** A real PostgreSQL whose role may CREATE DATABASE (admin URL). */
    realPostgresUrl: string;
  }
}
