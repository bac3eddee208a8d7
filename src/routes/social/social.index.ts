import { createRouter } from "../../lib/create-router.ts";
import { invalidateOnWrite } from "../../lib/response-cache.ts";
import * as handlers from "./social.handlers.ts";
import * as routes from "./social.routes.ts";

const router = createRouter();

// Every successful social write (post, edit, like, comment, follow…) invalidates the cached feeds
// before its response leaves, so nobody reads a feed older than their own write.
router.use("/api/social/*", invalidateOnWrite(["social"]));

export default router
  .openapi(routes.feed, handlers.feed)
  .openapi(routes.createPost, handlers.createPost)
  .openapi(routes.getPost, handlers.getPost)
  .openapi(routes.updatePost, handlers.updatePost)
  .openapi(routes.deletePost, handlers.deletePost)
  .openapi(routes.likePost, handlers.likePost)
  .openapi(routes.unlikePost, handlers.unlikePost)
  .openapi(routes.listComments, handlers.listComments)
  .openapi(routes.addComment, handlers.addComment)
  .openapi(routes.deleteComment, handlers.deleteComment)
  .openapi(routes.getProfile, handlers.getProfile)
  .openapi(routes.userPosts, handlers.userPosts)
  .openapi(routes.followers, handlers.followers)
  .openapi(routes.following, handlers.following)
  .openapi(routes.follow, handlers.follow)
  .openapi(routes.unfollow, handlers.unfollow);
