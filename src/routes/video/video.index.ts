import { createRouter } from "../../lib/create-router.ts";
import { invalidateOnWrite } from "../../lib/response-cache.ts";
import * as handlers from "./video.handlers.ts";
import * as routes from "./video.routes.ts";

// The original's spelling of the prefix answers too, deprecated and undocumented (lib/route-alias.ts).
const router = createRouter({ alias: { canonical: routes.VIDEO_PREFIX, alias: routes.VIDEO_ALIAS_PREFIX } });

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
  .openapi(routes.deleteComment, handlers.deleteComment);
