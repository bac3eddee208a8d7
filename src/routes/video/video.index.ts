import type { RouteConfig } from "@hono/zod-openapi";
import { aliasRoute } from "../../lib/route-alias.ts";
import { createRouter } from "../../lib/create-router.ts";
import { invalidateOnWrite } from "../../lib/response-cache.ts";
import * as handlers from "./video.handlers.ts";
import * as routes from "./video.routes.ts";

/**
 * `/api/video` (canonical, in the docs) and the original's `/api/videos`: the alias routes share the
 * handlers, validation and cache entries, and are hidden so each operation is documented once.
 */
const alias = <R extends RouteConfig>(route: R): R => aliasRoute(route, routes.VIDEO_PREFIX, routes.VIDEO_ALIAS_PREFIX);

const router = createRouter();

// Every successful write (upload, edit, delete, reaction, comment) invalidates the cached video
// lists before its response leaves; a counted view does so in getVideo. (`/x/*` also matches `/x`.)
router.use(`${routes.VIDEO_PREFIX}/*`, invalidateOnWrite(["video"]));
router.use(`${routes.VIDEO_ALIAS_PREFIX}/*`, invalidateOnWrite(["video"]));

// Fixed paths (/mine) are registered before /{id}.
export default router
  .openapi(routes.listVideos, handlers.listVideos)
  .openapi(routes.createVideo, handlers.createVideo)
  .openapi(routes.myVideos, handlers.myVideos)
  .openapi(routes.getVideo, handlers.getVideo)
  .openapi(routes.updateVideo, handlers.updateVideo)
  .openapi(routes.deleteVideo, handlers.deleteVideo)
  .openapi(routes.react, handlers.react)
  .openapi(routes.listComments, handlers.listComments)
  .openapi(routes.addComment, handlers.addComment)
  .openapi(routes.deleteComment, handlers.deleteComment)
  .openapi(alias(routes.listVideos), handlers.listVideos)
  .openapi(alias(routes.createVideo), handlers.createVideo)
  .openapi(alias(routes.myVideos), handlers.myVideos)
  .openapi(alias(routes.getVideo), handlers.getVideo)
  .openapi(alias(routes.updateVideo), handlers.updateVideo)
  .openapi(alias(routes.deleteVideo), handlers.deleteVideo)
  .openapi(alias(routes.react), handlers.react)
  .openapi(alias(routes.listComments), handlers.listComments)
  .openapi(alias(routes.addComment), handlers.addComment)
  .openapi(alias(routes.deleteComment), handlers.deleteComment);
