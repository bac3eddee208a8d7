import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./vscode.handlers.ts";
import * as routes from "./vscode.routes.ts";

export default createRouter()
  .openapi(routes.tree, handlers.tree)
  .openapi(routes.languages, handlers.languages)
  .openapi(routes.open, handlers.open)
  .openapi(routes.save, handlers.save)
  .openapi(routes.create, handlers.create);
