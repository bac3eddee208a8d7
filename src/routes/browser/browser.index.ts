import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./browser.handlers.ts";
import * as routes from "./browser.routes.ts";

export default createRouter()
  .openapi(routes.fetchPage, handlers.fetchPage)
  .openapi(routes.listBookmarks, handlers.listBookmarks)
  .openapi(routes.addBookmark, handlers.addBookmark)
  .openapi(routes.deleteBookmark, handlers.deleteBookmark)
  .openapi(routes.listHistory, handlers.listHistory)
  .openapi(routes.clearHistory, handlers.clearHistory)
  .openapi(routes.listTabs, handlers.listTabs)
  .openapi(routes.openTab, handlers.openTab)
  .openapi(routes.updateTab, handlers.updateTab)
  .openapi(routes.closeTab, handlers.closeTab)
  .openapi(routes.getSettings, handlers.getSettings)
  .openapi(routes.updateSettings, handlers.updateSettings);
