import { createRouter } from "../../lib/create-router.ts";
import { legacyRoute } from "../../lib/route-alias.ts";
import * as handlers from "./email.handlers.ts";
import * as routes from "./email.routes.ts";

// Fixed paths (/folders, /inbox, /sent, /drafts, /send) are registered before /{id}, which would
// otherwise answer them with a 422 for a non-numeric id.
export default createRouter()
  .openapi(routes.listFolders, handlers.listFolders)
  .openapi(routes.createFolder, handlers.createFolder)
  .openapi(routes.deleteFolder, handlers.deleteFolder)
  .openapi(routes.listFolderEmails, handlers.listFolderEmails)
  .openapi(routes.inbox, handlers.inbox)
  .openapi(routes.sent, handlers.sent)
  .openapi(routes.drafts, handlers.drafts)
  .openapi(routes.send, handlers.send)
  .openapi(routes.createDraft, handlers.createDraft)
  .openapi(routes.updateDraft, handlers.updateDraft)
  .openapi(routes.sendDraft, handlers.sendDraft)
  .openapi(routes.getEmail, handlers.getEmail)
  .openapi(routes.getThread, handlers.getThread)
  .openapi(legacyRoute(routes.getThread, routes.LEGACY_THREAD_PATH), handlers.getThread)
  .openapi(routes.updateEmail, handlers.updateEmail)
  .openapi(routes.deleteEmail, handlers.deleteEmail);
