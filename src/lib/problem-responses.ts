import { z } from "@hono/zod-openapi";
import { TITLES } from "./errors.ts";

/**
 * The one error format of the API (errors.ts `problemBody`), as OpenAPI describes it.
 */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://blackroad.systems/problems/not-found" }),
    title: z.string().openapi({ example: "Not Found" }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: "Block 42 does not exist" }),
    request_id: z.string().openapi({ example: "5f2b8c1e-3a57-4c1e-9d1a-0c2f7e4b9a11" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Field errors, for validation failures" }),
  })
  .openapi("Problem");

/** What a client typically sees for each status (documentation examples: a code and a detail we send). */
const EXAMPLES: Record<number, [code: string, detail: string]> = {
  400: ["insufficient-balance", "Insufficient balance: 12.5 RC available, 20 RC needed (amount + fee)"],
  401: ["unauthorized", "Not authenticated"],
  403: ["forbidden", "Administrator rights required"],
  404: ["not-found", "Block 42 does not exist"],
  405: ["method-not-allowed", "DELETE is not allowed here; allowed: GET, POST"],
  409: ["conflict", "Username already registered"],
  411: ["length-required", "Send Content-Length with the upload"],
  412: ["precondition-failed", "The item changed since you read it (If-Match does not match its ETag)"],
  413: ["payload-too-large", "The body is larger than the 1 MiB allowed"],
  415: ["unsupported-media-type", "Send the body as application/json"],
  416: ["range-not-satisfiable", "The range starts past the end of the file"],
  422: ["validation-error", "Request validation failed"],
  426: ["upgrade-required", "This is a WebSocket endpoint: send Upgrade: websocket"],
  428: ["precondition-required", "Send If-Match with the ETag you read"],
  429: ["rate-limited", "Too many requests; retry after 12 s"],
  500: ["internal-error", "Something went wrong on our side; quote the request_id when you report it"],
  502: ["upstream-unavailable", "GitHub could not be reached"],
  503: ["database-unavailable", "The database is unavailable; retry shortly"],
  504: ["upstream-timeout", "GitHub did not answer within 10 s"],
};

function problemExample(status: number) {
  const [code, detail] = EXAMPLES[status] ?? ["error", TITLES[status] ?? "Error"];
  return {
    type: `https://blackroad.systems/problems/${code}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    request_id: "5f2b8c1e-3a57-4c1e-9d1a-0c2f7e4b9a11",
    ...(status === 422 ? { errors: [{ path: "amount", message: "must be greater than 0" }] } : {}),
  };
}

/** Problem responses for `responses`, each with an example of its own status (not one for all). */
export function problemResponses(...statuses: number[]) {
  const out: Record<
    number,
    {
      description: string;
      content: {
        "application/problem+json": { schema: typeof ProblemSchema; example: ReturnType<typeof problemExample> };
      };
    }
  > = {};
  for (const s of statuses) {
    out[s] = {
      description: TITLES[s] ?? "Error",
      content: { "application/problem+json": { schema: ProblemSchema, example: problemExample(s) } },
    };
  }
  return out;
}
