import { z } from "@hono/zod-openapi";
import { KeysetQuery } from "../../lib/pagination.ts";
import { IdParams } from "../../lib/params.ts";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageHeaders } from "../keyset.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import {
  CreateFolderBody,
  DraftBody,
  DraftPatchBody,
  EmailSchema,
  FolderSchema,
  MailPatchBody,
  SendEmailBody,
} from "./email.schemas.ts";

const { user } = routeKit("RoadMail", "Mail between BlackRoad users: folders, inbox, sent, drafts and threads");

const listHeaders = NextPageHeaders.extend({
  "X-Total-Count": z.string().openapi({ description: "Emails in this folder" }),
  "X-Unread-Count": z.string().openapi({ description: "Unread emails in this folder" }),
});
const mailList = (description: string) => ({
  200: { description, headers: listHeaders, content: { "application/json": { schema: z.array(EmailSchema) } } },
});

export const listFolders = user({
  operationId: "listMailFolders",
  method: "get",
  path: "/api/email/folders",
  summary: "My folders (Inbox, Sent, Drafts, Spam, Trash, then custom ones) with total and unread counts",
  responses: { 200: json(z.array(FolderSchema), "My folders") },
});

export const createFolder = user({
  operationId: "createMailFolder",
  method: "post",
  path: "/api/email/folders",
  summary: "Create a custom folder",
  request: jsonBody(CreateFolderBody),
  responses: { 201: json(FolderSchema, "The new folder"), ...problemResponses(409, 413, 415, 422) },
});

export const deleteFolder = user({
  operationId: "deleteMailFolder",
  method: "delete",
  path: "/api/email/folders/{id}",
  summary: "Delete a custom folder; its emails go back to Inbox (or Sent, for my sent copies)",
  request: { params: IdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(404, 409, 422) },
});

export const listFolderEmails = user({
  operationId: "listFolderEmails",
  method: "get",
  path: "/api/email/folders/{id}/emails",
  summary: "Emails in one of my folders, newest first",
  request: { params: IdParams, query: KeysetQuery },
  responses: { ...mailList("A page of the folder"), ...problemResponses(404, 422) },
});

export const inbox = user({
  operationId: "listInbox",
  method: "get",
  path: "/api/email/inbox",
  summary: "My inbox, newest first",
  request: { query: KeysetQuery },
  responses: { ...mailList("A page of my inbox"), ...problemResponses(422) },
});

export const sent = user({
  operationId: "listSent",
  method: "get",
  path: "/api/email/sent",
  summary: "Emails I sent, newest first",
  request: { query: KeysetQuery },
  responses: { ...mailList("A page of my sent emails"), ...problemResponses(422) },
});

export const drafts = user({
  operationId: "listDrafts",
  method: "get",
  path: "/api/email/drafts",
  summary: "My drafts, newest first",
  request: { query: KeysetQuery },
  responses: { ...mailList("A page of my drafts"), ...problemResponses(422) },
});

export const send = user({
  operationId: "sendEmail",
  method: "post",
  path: "/api/email/send",
  summary: "Send an email to registered users (to, cc and bcc are all delivered; bcc stays hidden)",
  request: jsonBody(SendEmailBody),
  responses: { 201: json(EmailSchema, "My sent copy"), ...problemResponses(404, 413, 415, 422, 429) },
});

export const createDraft = user({
  operationId: "createDraft",
  method: "post",
  path: "/api/email/drafts",
  summary: "Save a draft",
  request: jsonBody(DraftBody),
  responses: { 201: json(EmailSchema, "The draft"), ...problemResponses(404, 413, 415, 422) },
});

export const updateDraft = user({
  operationId: "updateDraft",
  method: "patch",
  path: "/api/email/drafts/{id}",
  summary: "Change a draft (only the fields given)",
  request: { params: IdParams, ...jsonBody(DraftPatchBody) },
  responses: { 200: json(EmailSchema, "The draft"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const sendDraft = user({
  operationId: "sendDraft",
  method: "post",
  path: "/api/email/drafts/{id}/send",
  summary: "Send a draft (once: a second send is a 409)",
  request: { params: IdParams },
  responses: { 200: json(EmailSchema, "My sent copy"), ...problemResponses(404, 409, 422, 429) },
});

export const getEmail = user({
  operationId: "getEmail",
  method: "get",
  path: "/api/email/{id}",
  summary: "One of my emails; opening it marks it read",
  request: { params: IdParams },
  responses: { 200: json(EmailSchema, "The email"), ...problemResponses(404, 422) },
});

/** Its earlier path, ambiguous beside /api/email/folders/{id}: still served, deprecated and undocumented. */
export const LEGACY_THREAD_PATH = "/api/email/{id}/thread";

export const getThread = user({
  operationId: "getEmailThread",
  method: "get",
  path: "/api/email/threads/{id}",
  summary: "The conversation this email belongs to (my copies, oldest first)",
  description: "`id` is any email of the thread. The earlier path `/api/email/{id}/thread` still answers (deprecated).",
  request: { params: IdParams },
  responses: { 200: json(z.array(EmailSchema), "The thread"), ...problemResponses(404, 422) },
});

export const updateEmail = user({
  operationId: "updateEmail",
  method: "patch",
  path: "/api/email/{id}",
  summary: "Mark read/unread, star/unstar, or move to another of my folders",
  request: { params: IdParams, ...jsonBody(MailPatchBody) },
  responses: { 200: json(EmailSchema, "The email"), ...problemResponses(404, 409, 413, 415, 422) },
});

export const deleteEmail = user({
  operationId: "deleteEmail",
  method: "delete",
  path: "/api/email/{id}",
  summary: "Move to Trash; deleting from Trash removes it from my mailbox only",
  request: { params: IdParams },
  responses: { 204: { description: "Moved to Trash, or deleted for me" }, ...problemResponses(404, 422) },
});
