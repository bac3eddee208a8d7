import { createRouter } from "../../lib/create-router.ts";
import * as handlers from "./files.handlers.ts";
import * as routes from "./files.routes.ts";

// Fixed paths before /api/files/{id}, so `tree`, `public`… are never read as an id.
export default createRouter()
  .openapi(routes.listFolders, handlers.listFolders)
  .openapi(routes.createFolder, handlers.createFolder)
  .openapi(routes.updateFolder, handlers.updateFolder)
  .openapi(routes.deleteFolder, handlers.deleteFolder)
  .openapi(routes.tree, handlers.tree)
  .openapi(routes.usage, handlers.usage)
  .openapi(routes.publicFiles, handlers.publicFiles)
  .openapi(routes.upload, handlers.upload)
  .openapi(routes.uploadStream, handlers.uploadStream)
  .openapi(routes.sharedDownload, handlers.sharedDownload)
  .openapi(routes.listFiles, handlers.listFiles)
  .openapi(routes.getFile, handlers.getFile)
  .openapi(routes.updateFile, handlers.updateFile)
  .openapi(routes.deleteFile, handlers.deleteFile)
  .openapi(routes.replaceContent, handlers.replaceContent)
  .openapi(routes.download, handlers.download)
  .openapi(routes.createShare, handlers.createShare)
  .openapi(routes.listShares, handlers.listShares)
  .openapi(routes.revokeShare, handlers.revokeShare);
