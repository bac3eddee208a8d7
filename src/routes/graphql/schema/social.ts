import { notFound, unauthorized } from "../../../lib/errors.ts";
import type { PublicUserRow } from "../../../services/social/batch-reads.ts";
import type { CommentRow } from "../../../services/social/comments.ts";
import { listComments } from "../../../services/social/comments.ts";
import { getProfile, type ProfileRow } from "../../../services/social/people.ts";
import { type FeedRow, getPost, listFeed, listUserPosts, type PostRow } from "../../../services/social/posts.ts";
import { builder } from "./builder.ts";
import { connection, connectionArgs, cursorPage, keysetPage, type Page } from "./connections.ts";
import { type GraphQLContext, viewer } from "./context.ts";
import { id } from "./inputs.ts";

/** A user as others see them (batched by the `user` loader). */
export const UserRef = builder.objectRef<PublicUserRow>("User").implement({
  description: "A user's public profile",
  fields: (t) => ({
    id: t.exposeInt("id"),
    username: t.exposeString("username"),
    fullName: t.exposeString("fullName", { nullable: true }),
    avatarUrl: t.exposeString("avatarUrl", { nullable: true }),
    bio: t.exposeString("bio", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

/** A user through the request's batching loader (one statement for every user a page asks for). */
export async function userById(ctx: GraphQLContext, id: number): Promise<PublicUserRow> {
  const user = await ctx.loaders.user.load(id);
  if (!user) throw notFound("User not found");
  return user;
}

export const CommentRef = builder.objectRef<CommentRow>("Comment").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    postId: t.exposeInt("postId"),
    parentId: t.exposeInt("parentId", { nullable: true }),
    content: t.exposeString("content"),
    likeCount: t.exposeInt("likesCount"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    author: t.field({ type: UserRef, resolve: (c, _a, ctx) => userById(ctx, c.userId) }),
  }),
});
export const CommentConnection = connection("Comment", CommentRef);

const FeedReason = builder.enumType("FeedReason", { values: ["own", "following", "public"] as const });

export const PostRef = builder.objectRef<PostRow & { feedReason?: FeedRow["feedReason"] }>("Post").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    content: t.exposeString("content"),
    imageUrl: t.exposeString("imageUrl", { nullable: true }),
    videoUrl: t.exposeString("videoUrl", { nullable: true }),
    isPublic: t.exposeBoolean("isPublic"),
    likeCount: t.exposeInt("likesCount"),
    commentCount: t.exposeInt("commentsCount"),
    isLiked: t.exposeBoolean("isLiked", { description: "Whether the viewer likes it" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    feedReason: t.field({
      type: FeedReason,
      nullable: true,
      description: "Why the post is in the feed (only on feed items)",
      resolve: (p) => p.feedReason ?? null,
    }),
    author: t.field({ type: UserRef, resolve: (p, _a, ctx) => userById(ctx, p.userId) }),
    comments: t.field({
      type: CommentConnection,
      description: "Oldest first, replies after their comment. A first page is batched across posts (one statement).",
      args: connectionArgs,
      resolve: async (p, args, ctx): Promise<Page<CommentRow>> => {
        const me = viewer(ctx); // REST's comment list is for signed-in users too
        // The REST list's cursor, `<thread>.<id>`; a first page comes from the batched loader.
        return cursorPage(
          args,
          (page) =>
            page.cursor
              ? listComments(ctx.db, me, p.id, { ...page, after: page.cursor })
              : ctx.loaders.firstComments(page.limit).load(p.id),
          (c) => `${c.parentId ?? c.id}.${c.id}`,
          (key: string) => {
            const m = /^([1-9][0-9]{0,9})\.([1-9][0-9]{0,9})$/.exec(key);
            const [thread, id] = [Number(m?.[1]), Number(m?.[2])];
            return m && thread <= 2_147_483_647 && id <= 2_147_483_647 ? { thread, id } : null;
          },
        );
      },
    }),
  }),
});
export const PostConnection = connection("Post", PostRef);

const FeedScope = builder.enumType("FeedScope", { values: ["following", "public"] as const });

export const ProfileRef = builder.objectRef<ProfileRow>("Profile").implement({
  description: "A user's profile with counts, as the viewer sees it",
  fields: (t) => ({
    id: t.exposeInt("id"),
    username: t.exposeString("username"),
    fullName: t.exposeString("fullName", { nullable: true }),
    avatarUrl: t.exposeString("avatarUrl", { nullable: true }),
    bio: t.exposeString("bio", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    postCount: t.exposeInt("postsCount"),
    followerCount: t.exposeInt("followersCount"),
    followingCount: t.exposeInt("followingCount"),
    isFollowing: t.exposeBoolean("isFollowing"),
    followsYou: t.exposeBoolean("followsYou"),
    posts: t.field({
      type: PostConnection,
      args: connectionArgs,
      resolve: (u, args, ctx) => keysetPage(args, (page) => listUserPosts(ctx.db, viewer(ctx), u.id, page)),
    }),
  }),
});

builder.queryFields((t) => ({
  feed: t.field({
    type: PostConnection,
    description: "The feed (as GET /api/social/feed): `following` needs a token, `public` is open to anyone",
    args: { ...connectionArgs, scope: t.arg({ type: FeedScope, defaultValue: "following" }) },
    resolve: (_r, args, ctx) => {
      const scope = args.scope ?? "following";
      if (ctx.viewerId === null && scope !== "public")
        throw unauthorized("Log in for your feed, or ask for scope: public", "unauthorized");
      return keysetPage(args, (page) => listFeed(ctx.db, ctx.viewerId, scope, page));
    },
  }),
  post: t.field({
    type: PostRef,
    args: { id: t.arg.int({ required: true }) },
    resolve: (_r, args, ctx) => getPost(ctx.db, viewer(ctx), id(args.id)),
  }),
  user: t.field({
    type: ProfileRef,
    description: "A user's profile (as GET /api/social/users/{id})",
    args: { id: t.arg.int({ required: true }) },
    resolve: (_r, args, ctx) => getProfile(ctx.db, viewer(ctx), id(args.id)),
  }),
}));
