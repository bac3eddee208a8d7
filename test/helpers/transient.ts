/**
 * A dependency that is briefly out (a timeout on a loaded 2-core machine, a deadlock victim) is
 * answered with a documented, retryable 503 carrying Retry-After. A test that is not about outages
 * retries such an answer once, as a client would; a second one counts like any other 5xx.
 * Pure fetch code: usable from the Worker tests and the Node-side (browser) tests alike.
 */
const TRANSIENT = /\/problems\/(database|storage|session-store|rate-limiter)-unavailable"/;

export async function retryingTransient503(send: () => Promise<Response>, pauseMs = 250): Promise<Response> {
  const res = await send();
  if (res.status !== 503 || !res.headers.get("Retry-After")) return res;
  const text = await res.clone().text();
  if (!TRANSIENT.test(text)) return res;
  await res.body?.cancel();
  await new Promise((r) => setTimeout(r, pauseMs));
  return send();
}
