import { createApp } from "./app.ts";

export { RoadChainDO } from "./durable-objects/roadchain.ts";
export { MinerDO } from "./durable-objects/miner.ts";
export { NotificationsDO } from "./durable-objects/notifications.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
