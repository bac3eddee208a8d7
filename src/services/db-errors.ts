/**
 * Foreign-key violation (SQLSTATE 23503): the row referenced went away between our check and our
 * write (e.g. a post deleted while being liked). Callers answer 404. Sees through drizzle's wrapper.
 */
export function isForeignKeyViolation(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && typeof e === "object" && depth < 6;
    depth++
  ) {
    if (e.code === "23503") return true;
    e = e.cause as typeof e;
  }
  return false;
}
