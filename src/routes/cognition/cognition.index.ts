import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./cognition.handlers.ts";
import * as routes from "./cognition.routes.ts";

export default createRouter()
  .openapi(routes.execute, handlers.execute)
  .openapi(routes.createWorkflow, handlers.createWorkflow)
  .openapi(routes.listWorkflows, handlers.listWorkflows)
  .openapi(routes.getWorkflow, handlers.getWorkflow)
  .openapi(routes.reasoningTrace, handlers.reasoningTrace)
  .openapi(routes.activeWorkflows, handlers.activeWorkflows)
  .openapi(routes.cancelWorkflow, handlers.cancelWorkflow)
  .openapi(routes.listMemory, handlers.listMemory)
  .openapi(routes.deleteMemory, handlers.deleteMemory)
  .openapi(routes.health, handlers.health);
