import { z } from "zod";
import { notFound } from "../../../lib/errors.ts";
import { defineConnector, type OperationInput } from "../types.ts";

/**
 * Stripe (https://docs.stripe.com/api): STRIPE_SECRET_KEY as a bearer token, writes
 * form-encoded, the caller's Idempotency-Key passed through so a retried create charges once.
 * Everything here is money or customer data: administrators only.
 */

const id = (prefix: string) =>
  z.object({
    id: z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,250}$`), `a Stripe id starting with ${prefix}_`),
  });
const Limit = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z
    .string()
    .regex(/^[a-z]+_[A-Za-z0-9]{1,250}$/)
    .optional(),
};
const Metadata = z
  .record(z.string().regex(/^[\w-]{1,40}$/), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, "at most 50 keys");

const list = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), has_more: z.boolean() });

const PaymentIntent = z.object({
  id: z.string(),
  amount: z.number(),
  currency: z.string(),
  status: z.string(),
  description: z.string().nullable().optional(),
  customer: z.string().nullable().optional(),
  created: z.number(),
  livemode: z.boolean(),
  metadata: z.record(z.string(), z.string()).optional(),
});
const Customer = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  created: z.number(),
  livemode: z.boolean(),
});
const Product = z.object({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  description: z.string().nullable().optional(),
  created: z.number(),
});
const Price = z.object({
  id: z.string(),
  product: z.string(),
  active: z.boolean(),
  currency: z.string(),
  unit_amount: z.number().nullable(),
  type: z.string(),
  recurring: z.object({ interval: z.string(), interval_count: z.number() }).nullable().optional(),
});
const Money = z.array(z.object({ amount: z.number(), currency: z.string() }));

/** Stripe's bracket syntax for nested form fields: metadata[order]=42. */
function form(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (v && typeof v === "object") for (const [sub, sv] of Object.entries(v)) out[`${k}[${sub}]`] = String(sv);
    else out[k] = String(v);
  }
  return out;
}
const pageQuery = ({ query }: OperationInput) => query;

export const stripe = defineConnector({
  name: "stripe",
  title: "Stripe",
  requires: ["STRIPE_SECRET_KEY"],
  optional: ["STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"],
  baseUrl: (c) => c.STRIPE_API_URL,
  auth: { kind: "bearer", token: "STRIPE_SECRET_KEY" },
  encoding: "form",
  errorMessage: (b) => (typeof b?.error?.message === "string" ? b.error.message : undefined),
  probe: "balance",
  operations: [
    {
      id: "createPaymentIntent",
      method: "post",
      path: "/payment-intents",
      summary:
        "Create a payment intent (amount in the currency's smallest unit); send Idempotency-Key to make retries safe",
      access: "admin",
      status: 201,
      idempotencyKey: true,
      body: z.strictObject({
        amount: z.number().int().min(1).max(99_999_999),
        currency: z
          .string()
          .regex(/^[a-z]{3}$/, "a three-letter ISO currency code, lower case")
          .default("usd"),
        description: z.string().max(1000).optional(),
        customer: z
          .string()
          .regex(/^cus_[A-Za-z0-9]{1,250}$/)
          .optional(),
        metadata: Metadata.optional(),
      }),
      output: PaymentIntent,
      request: ({ body }) => ({ method: "POST", path: "/v1/payment_intents", form: form(body) }),
    },
    {
      id: "getPaymentIntent",
      method: "get",
      path: "/payment-intents/{id}",
      summary: "One payment intent",
      access: "admin",
      params: id("pi"),
      output: PaymentIntent,
      request: ({ params }) => ({ method: "GET", path: `/v1/payment_intents/${params.id}` }),
    },
    {
      id: "listCustomers",
      method: "get",
      path: "/customers",
      summary: "Customers, newest first (optionally by exact email)",
      access: "admin",
      query: z.object({ ...Limit, email: z.email().max(512).optional() }),
      output: list(Customer),
      request: (input) => ({ method: "GET", path: "/v1/customers", query: pageQuery(input) }),
    },
    {
      id: "createCustomer",
      method: "post",
      path: "/customers",
      summary: "Create a customer; send Idempotency-Key to make retries safe",
      access: "admin",
      status: 201,
      idempotencyKey: true,
      body: z.strictObject({
        email: z.email().max(512),
        name: z.string().min(1).max(256).optional(),
        description: z.string().max(1000).optional(),
        metadata: Metadata.optional(),
      }),
      output: Customer,
      request: ({ body }) => ({ method: "POST", path: "/v1/customers", form: form(body) }),
    },
    {
      id: "getCustomer",
      method: "get",
      path: "/customers/{id}",
      summary: "One customer",
      access: "admin",
      params: id("cus"),
      output: Customer,
      request: ({ params }) => ({ method: "GET", path: `/v1/customers/${params.id}` }),
      // A deleted customer is answered as {id, deleted: true}: for us it no longer exists.
      map: (b: any) => {
        if (b?.deleted) throw notFound("Stripe: that customer was deleted");
        return b;
      },
    },
    {
      id: "listProducts",
      method: "get",
      path: "/products",
      summary: "Products",
      access: "admin",
      query: z.object({ ...Limit, active: z.enum(["true", "false"]).optional() }),
      output: list(Product),
      request: (input) => ({ method: "GET", path: "/v1/products", query: pageQuery(input) }),
      cacheTtl: 30,
    },
    {
      id: "listPrices",
      method: "get",
      path: "/prices",
      summary: "Prices (optionally of one product)",
      access: "admin",
      query: z.object({
        ...Limit,
        product: z
          .string()
          .regex(/^prod_[A-Za-z0-9]{1,250}$/)
          .optional(),
      }),
      output: list(Price),
      request: (input) => ({ method: "GET", path: "/v1/prices", query: pageQuery(input) }),
      cacheTtl: 30,
    },
    {
      id: "balance",
      method: "get",
      path: "/balance",
      summary: "The account balance, available and pending, per currency",
      access: "admin",
      output: z.object({ available: Money, pending: Money, livemode: z.boolean() }),
      request: () => ({ method: "GET", path: "/v1/balance" }),
      cacheTtl: 15,
    },
  ],
});
