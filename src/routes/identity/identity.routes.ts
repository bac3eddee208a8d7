import { problemResponses } from "../../lib/problem-responses.ts";
import { json, jsonBody, routeKit } from "../route-kit.ts";
import * as s from "./identity.schemas.ts";

const { user } = routeKit("Identity", "My profile (with its completeness) and my linked accounts");

export const getProfile = user({
  operationId: "getIdentityProfile",
  method: "get",
  path: "/api/identity/profile",
  summary: "My profile and how complete it is",
  responses: { 200: json(s.ProfileSchema, "The profile (empty fields until saved)") },
});
export const updateProfile = user({
  operationId: "updateIdentityProfile",
  method: "put",
  path: "/api/identity/profile",
  summary: "Save profile fields (those left out stay as they are; null clears one)",
  request: jsonBody(s.UpdateProfileBody),
  responses: { 200: json(s.ProfileSchema, "The profile"), ...problemResponses(404, 413, 415, 422) },
});
export const getLinked = user({
  operationId: "getLinkedAccounts",
  method: "get",
  path: "/api/identity/linked",
  summary: "Which accounts are linked (github, wallet, discord, railway) and the linked accounts",
  responses: { 200: json(s.LinkedSchema, "Linked accounts") },
});
export const link = user({
  operationId: "linkAccount",
  method: "post",
  path: "/api/identity/linked",
  summary: "Link an account of a provider that offers no proof (recorded unverified; replaces my earlier one)",
  request: jsonBody(s.LinkBody),
  responses: { 200: json(s.LinkedSchema, "Linked accounts"), ...problemResponses(413, 415, 422) },
});
export const linkGithub = user({
  operationId: "linkGithubAccount",
  method: "post",
  path: "/api/identity/linked/github",
  summary:
    "Link my GitHub account, verified: GitHub says whose the token is (503 while the GitHub integration is not configured)",
  request: jsonBody(s.GithubLinkBody),
  responses: { 200: json(s.LinkedSchema, "Linked accounts"), ...problemResponses(409, 413, 415, 422) },
});
export const unlink = user({
  operationId: "unlinkAccount",
  method: "delete",
  path: "/api/identity/linked/{provider}",
  summary: "Unlink my account of a provider",
  request: { params: s.ProviderParams },
  responses: { 204: { description: "Unlinked" }, ...problemResponses(404, 422) },
});
