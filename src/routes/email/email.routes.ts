import { createRoute, z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/errors.ts";
import { PaginationQuery } from "../../lib/pagination.ts";
import { IdParams } from "../../lib/params.ts";
import { AUTH_PROBLEM_STATUSES, BEARER_SECURITY, requireAuth } from "../../middleware/auth.ts";
import {
  CreateFolderBody,
  DraftBody,
  DraftPatchBody,
  EmailSchema,
  FolderSchema,
  MailPatchBody,
  SendEmailBody,
} from "./email.schemas.ts";

const common = { tags: ["RoadMail"], middleware: [requireAuth], security: BEARER_SECURITY };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });
const listHeaders = z.object({
  "X-Total-Count": z.string().openapi({ description: "Emails in this folder" }),
  "X-Unread-Count": z.string().openapi({ description: "Unread emails in this folder" }),
});
const mailList = (description: string) => ({
  200: { description, headers: listHeaders, content: { "application/json": { schema: z.array(EmailSchema) } } },
});
const AUTH = AUTH_PROBLEM_STATUSES;

export const listFolders = createRoute({
  ...common,
  method: "get",
  path: "/api/email/folders",
  summary: "My folders (Inbox, Sent, Drafts, Spam, Trash, then custom ones) with total and unread counts",
  responses: { 200: json(z.array(FolderSchema), "My folders"), ...problemResponses(...AUTH) },
});

export const createFolder = createRoute({
  ...common,
  method: "post",
  path: "/api/email/folders",
  summary: "Create a custom folder",
  request: jsonBody(CreateFolderBody),
  responses: { 201: json(FolderSchema, "The new folder"), ...problemResponses(...AUTH, 409, 413, 415, 422) },
});

export const deleteFolder = createRoute({
  ...common,
  method: "delete",
  path: "/api/email/folders/{id}",
  summary: "Delete a custom folder; its emails go back to Inbox (or Sent, for my sent copies)",
  request: { params: IdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(...AUTH, 404, 409, 422) },
});

export const listFolderEmails = createRoute({
  ...common,
  method: "get",
  path: "/api/email/folders/{id}/emails",
  summary: "Emails in one of my folders, newest first",
  request: { params: IdParams, query: PaginationQuery },
  responses: { ...mailList("A page of the folder"), ...problemResponses(...AUTH, 404, 422) },
});

export const inbox = createRoute({
  ...common,
  method: "get",
  path: "/api/email/inbox",
  summary: "My inbox, newest first",
  request: { query: PaginationQuery },
  responses: { ...mailList("A page of my inbox"), ...problemResponses(...AUTH, 422) },
});

export const sent = createRoute({
  ...common,
  method: "get",
  path: "/api/email/sent",
  summary: "Emails I sent, newest first",
  request: { query: PaginationQuery },
  responses: { ...mailList("A page of my sent emails"), ...problemResponses(...AUTH, 422) },
});

export const drafts = createRoute({
  ...common,
  method: "get",
  path: "/api/email/drafts",
  summary: "My drafts, newest first",
  request: { query: PaginationQuery },
  responses: { ...mailList("A page of my drafts"), ...problemResponses(...AUTH, 422) },
});

export const send = createRoute({
  ...common,
  method: "post",
  path: "/api/email/send",
  summary: "Send an email to registered users (to, cc and bcc are all delivered; bcc stays hidden)",
  request: jsonBody(SendEmailBody),
  responses: { 201: json(EmailSchema, "My sent copy"), ...problemResponses(...AUTH, 404, 413, 415, 422, 429) },
});

export const createDraft = createRoute({
  ...common,
  method: "post",
  path: "/api/email/drafts",
  summary: "Save a draft",
  request: jsonBody(DraftBody),
  responses: { 201: json(EmailSchema, "The draft"), ...problemResponses(...AUTH, 404, 413, 415, 422) },
});

export const updateDraft = createRoute({
  ...common,
  method: "patch",
  path: "/api/email/drafts/{id}",
  summary: "Change a draft (only the fields given)",
  request: { params: IdParams, ...jsonBody(DraftPatchBody) },
  responses: { 200: json(EmailSchema, "The draft"), ...problemResponses(...AUTH, 404, 409, 413, 415, 422) },
});

export const sendDraft = createRoute({
  ...common,
  method: "post",
  path: "/api/email/drafts/{id}/send",
  summary: "Send a draft (once: a second send is a 409)",
  request: { params: IdParams },
  responses: { 200: json(EmailSchema, "My sent copy"), ...problemResponses(...AUTH, 404, 409, 422, 429) },
});

export const getEmail = createRoute({
  ...common,
  method: "get",
  path: "/api/email/{id}",
  summary: "One of my emails; opening it marks it read",
  request: { params: IdParams },
  responses: { 200: json(EmailSchema, "The email"), ...problemResponses(...AUTH, 404, 422) },
});

export const getThread = createRoute({
  ...common,
  method: "get",
  path: "/api/email/{id}/thread",
  summary: "The conversation this email belongs to (my copies, oldest first)",
  request: { params: IdParams },
  responses: { 200: json(z.array(EmailSchema), "The thread"), ...problemResponses(...AUTH, 404, 422) },
});

export const updateEmail = createRoute({
  ...common,
  method: "patch",
  path: "/api/email/{id}",
  summary: "Mark read/unread, star/unstar, or move to another of my folders",
  request: { params: IdParams, ...jsonBody(MailPatchBody) },
  responses: { 200: json(EmailSchema, "The email"), ...problemResponses(...AUTH, 404, 409, 413, 415, 422) },
});

export const deleteEmail = createRoute({
  ...common,
  method: "delete",
  path: "/api/email/{id}",
  summary: "Move to Trash; deleting from Trash removes it from my mailbox only",
  request: { params: IdParams },
  responses: { 204: { description: "Moved to Trash, or deleted for me" }, ...problemResponses(...AUTH, 404, 422) },
});
