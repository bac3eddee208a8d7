import { countEvent } from "../../../lib/metrics/index.ts";
import { invalidateCache } from "../../../lib/response-cache.ts";
import { formatAmount } from "../../../services/chain/amount.ts";
import { createTransfer } from "../../../services/chain/transfer.ts";
import { sendEmail } from "../../../services/email/compose.ts";
import { findMail, mailNotFound } from "../../../services/email/messages.ts";
import { boundRecipientProbes } from "../../../services/email/recipient-probes.ts";
import { runIdempotent } from "../../../services/idempotent-request.ts";
import { addComment } from "../../../services/social/comments.ts";
import { setFollow } from "../../../services/social/people.ts";
import { createPost, setLike } from "../../../services/social/posts.ts";
import { TransferBody } from "../../blockchain/blockchain.schemas.ts";
import { SendEmailBody } from "../../email/email.schemas.ts";
import { actorOf, auditLater } from "../../request-kit.ts";
import { CreateCommentBody, CreatePostBody } from "../../social/social.schemas.ts";
import { builder } from "./builder.ts";
import { TransactionRef } from "./chain.ts";
import { type GraphQLContext, viewer } from "./context.ts";
import { id, parseInput } from "./inputs.ts";
import { MailRef } from "./me.ts";
import { CommentRef, PostRef } from "./social.ts";

/**
 * Mutations: each one is the REST handler's sequence of service calls (validation with the REST
 * body schema, the same service, cache invalidation, audit and metrics), so the same rules hold.
 * Inputs are camelCase here and mapped to the REST body's fields before validation.
 */

const TransferInput = builder.inputType("TransferInput", {
  fields: (t) => ({
    toAddress: t.string({ required: true, description: 'A wallet address: "RD" and 38 lowercase hex characters' }),
    amount: t.string({ required: true, description: "Exact decimal as a string, at least 0.0001, at most 8 decimals" }),
    message: t.string(),
    idempotencyKey: t.string({
      description: "As REST's Idempotency-Key header: a retry with the same key answers the first result",
    }),
  }),
});

const SendMailInput = builder.inputType("SendMailInput", {
  fields: (t) => ({
    to: t.stringList({ required: true }),
    cc: t.stringList(),
    bcc: t.stringList(),
    subject: t.string({ required: true }),
    body: t.string({ required: true }),
    inReplyTo: t.int(),
  }),
});

const CreatePostInput = builder.inputType("CreatePostInput", {
  fields: (t) => ({
    content: t.string({ required: true }),
    imageUrl: t.string(),
    videoUrl: t.string(),
    isPublic: t.boolean(),
  }),
});

const LikeResult = builder.objectRef<{ liked: boolean; likesCount: number }>("LikeResult").implement({
  fields: (t) => ({ liked: t.exposeBoolean("liked"), likeCount: t.exposeInt("likesCount") }),
});
const FollowResult = builder.objectRef<{ following: boolean; followersCount: number }>("FollowResult").implement({
  fields: (t) => ({ following: t.exposeBoolean("following"), followerCount: t.exposeInt("followersCount") }),
});

/** Drops absent (undefined/null) optional fields, so the REST schema sees what a JSON client would send. */
const present = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

/** A social write succeeded: cached feeds (REST and GraphQL) are stale, as after REST's invalidateOnWrite(["social"]). */
async function socialWrite<T>(ctx: GraphQLContext, result: T): Promise<T> {
  await invalidateCache(ctx.c.var.services.redis, ["social"]);
  return result;
}

builder.mutationFields((t) => ({
  transfer: t.field({
    type: TransactionRef,
    description: "Send coins from my wallet (as POST /api/blockchain/transactions): never more than my balance",
    args: { input: t.arg({ type: TransferInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const userId = viewer(ctx);
      const body = parseInput(
        TransferBody,
        present({ to_address: input.toAddress, amount: input.amount, message: input.message }),
        "input",
      );
      const message = body.message ?? null;
      const request = { chain: ctx.chain, to_address: body.to_address, amount: formatAmount(body.amount), message };
      const { c, db } = ctx;
      const result = await runIdempotent(
        db,
        {
          userId,
          keyHeader: input.idempotencyKey ?? undefined,
          operation: "blockchain.transfer",
          request,
          waitUntil: (p) => c.executionCtx.waitUntil(p),
        },
        async (claim) => {
          const tx = await createTransfer(
            { db, masterKey: c.var.config.WALLET_MASTER_KEY, chain: ctx.chain },
            {
              userId,
              toAddress: body.to_address,
              amountUnits: body.amount,
              message,
              idempotency: claim,
              actor: actorOf(c),
            },
          );
          await invalidateCache(c.var.services.redis, ["chain"]);
          countEvent("blackroad_transfers_total");
          countEvent("blackroad_transfer_volume_coins_total", {}, Number(tx.amount));
          return tx;
        },
      );
      return result.body;
    },
  }),
  sendMail: t.field({
    type: MailRef,
    description: "Send a RoadMail message (as POST /api/email/send); answers my sent copy",
    args: { input: t.arg({ type: SendMailInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const userId = viewer(ctx);
      const { in_reply_to, ...b } = parseInput(
        SendEmailBody,
        present({
          to: input.to,
          cc: input.cc,
          bcc: input.bcc,
          subject: input.subject,
          body: input.body,
          in_reply_to: input.inReplyTo,
        }),
        "input",
      );
      const { c, db } = ctx;
      const result = await boundRecipientProbes(c.var.services.redis, userId, () =>
        sendEmail(db, userId, { ...b, cc: b.cc ?? [], bcc: b.bcc ?? [], inReplyTo: in_reply_to }),
      );
      await invalidateCache(
        c.var.services.redis,
        [...new Set([userId, ...result.recipientIds])].map((u) => `mail:${u}`),
      );
      auditLater(c, "email.sent", { email_id: result.senderCopyId, recipients: result.recipientIds.length });
      countEvent("blackroad_mail_sent_total");
      const copy = await findMail(db, userId, result.senderCopyId);
      if (!copy) throw mailNotFound();
      return copy;
    },
  }),
  createPost: t.field({
    type: PostRef,
    args: { input: t.arg({ type: CreatePostInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const userId = viewer(ctx);
      const b = parseInput(
        CreatePostBody,
        present({
          content: input.content,
          image_url: input.imageUrl,
          video_url: input.videoUrl,
          is_public: input.isPublic,
        }),
        "input",
      );
      const row = await createPost(ctx.db, userId, {
        content: b.content,
        imageUrl: b.image_url,
        videoUrl: b.video_url,
        isPublic: b.is_public,
      });
      auditLater(ctx.c, "social.post_created", { post_id: row.id });
      return socialWrite(ctx, row);
    },
  }),
  addComment: t.field({
    type: CommentRef,
    args: { postId: t.arg.int({ required: true }), content: t.arg.string({ required: true }), parentId: t.arg.int() },
    resolve: async (_r, args, ctx) => {
      const userId = viewer(ctx);
      const b = parseInput(CreateCommentBody, present({ content: args.content, parent_id: args.parentId }));
      const row = await addComment(ctx.db, userId, id(args.postId, "postId"), {
        content: b.content,
        parentId: b.parent_id,
      });
      auditLater(ctx.c, "social.commented", { post_id: row.postId, comment_id: row.id });
      return socialWrite(ctx, row);
    },
  }),
  likePost: t.field({
    type: LikeResult,
    args: { postId: t.arg.int({ required: true }) },
    resolve: async (_r, args, ctx) =>
      socialWrite(ctx, await setLike(ctx.db, viewer(ctx), id(args.postId, "postId"), true)),
  }),
  unlikePost: t.field({
    type: LikeResult,
    args: { postId: t.arg.int({ required: true }) },
    resolve: async (_r, args, ctx) =>
      socialWrite(ctx, await setLike(ctx.db, viewer(ctx), id(args.postId, "postId"), false)),
  }),
  follow: t.field({
    type: FollowResult,
    args: { userId: t.arg.int({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const target = id(args.userId, "userId");
      const r = await setFollow(ctx.db, viewer(ctx), target, true);
      auditLater(ctx.c, "social.followed", { user_id: target });
      return socialWrite(ctx, r);
    },
  }),
  unfollow: t.field({
    type: FollowResult,
    args: { userId: t.arg.int({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const target = id(args.userId, "userId");
      const r = await setFollow(ctx.db, viewer(ctx), target, false);
      auditLater(ctx.c, "social.unfollowed", { user_id: target });
      return socialWrite(ctx, r);
    },
  }),
}));
