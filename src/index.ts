import { createApp } from "./app.ts";

export { RoadChainDO } from "./durable-objects/roadchain.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
