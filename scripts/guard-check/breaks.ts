// The deliberate breaks `npm run guard-check` applies, one at a time, to a scratch copy of the
// repository. Each removes one rule guarding money, identity or data; the listed test files must
// then fail (an assertion, not a load error). `search` must occur exactly once in `file`: when a
// refactor moves or rewrites a check, the break reports "not applicable" and the run fails, so
// this table is updated together with the code (never silently skipped).
export type Break = {
  /** Short id, also the filter on the command line (`npm run guard-check -- verify`). */
  name: string;
  /** The rule the break removes, in words. */
  rule: string;
  file: string;
  search: string;
  replace: string;
  /** Test files (repository paths) that must fail once the rule is gone. */
  tests: string[];
};

const VERIFY = "src/services/chain/verify-checks.ts";
const DO = "src/durable-objects/roadchain.ts";
const PROPOSAL = "src/services/chain/proposal-check.ts";
const VERIFY_TESTS = ["test/unit/chain-verify.test.ts", "test/integration/chain-verify-guards.test.ts"];
const APPEND_TESTS = ["test/integration/chain-append-guards.test.ts"];
const PROPOSAL_TESTS = ["test/unit/chain-proposal-check.test.ts", ...APPEND_TESTS];

export const BREAKS: Break[] = [
  // ---- the nine of issue 25 (unguarded until chain-verify-guards / chain-append-guards) ----
  {
    name: "verify-proof-of-work",
    rule: "/verify: every block's hash meets its difficulty",
    file: VERIFY,
    search: `else if (typeof recomputed === "string" && !meetsDifficulty(recomputed, row.difficulty)) {`,
    replace: `else if (false) {`,
    tests: VERIFY_TESTS,
  },
  {
    name: "verify-timestamp-order",
    rule: "/verify: a block is not dated before its parent",
    file: VERIFY,
    search: `if (prev && row.timestampMs < prev.timestampMs) report(`,
    replace: `if (false) report(`,
    tests: VERIFY_TESTS,
  },
  {
    name: "append-previous-hash",
    rule: "RoadChain DO: a proposal must build on the head's hash (else stale)",
    file: DO,
    search: ` || header.previous_hash !== head.hash) return { status: "stale", head };`,
    replace: `) return { status: "stale", head };`,
    tests: APPEND_TESTS,
  },
  {
    name: "append-merkle-root",
    rule: "RoadChain DO (checkProposal): the header's merkle root covers the listed transactions",
    file: PROPOSAL,
    search: `if ((await merkleRoot(proposal.transactions.map((t) => t.hash))) !== header.merkle_root) return`,
    replace: `if (false) return`,
    tests: PROPOSAL_TESTS,
  },
  {
    name: "append-proof-of-work",
    rule: "RoadChain DO (checkProposal): the block hash meets the difficulty",
    file: PROPOSAL,
    search: `if (!meetsDifficulty(proposal.hash, header.difficulty)) return`,
    replace: `if (false) return`,
    tests: PROPOSAL_TESTS,
  },
  {
    name: "append-timestamp",
    rule: "RoadChain DO (checkProposal): a block is not dated before the head",
    file: PROPOSAL,
    search: `if (header.timestamp < head.timestamp) return`,
    replace: `if (false) return`,
    tests: PROPOSAL_TESTS,
  },
  {
    name: "append-ascending-ids",
    rule: "RoadChain DO (checkProposal): transactions are listed in ascending id order",
    file: PROPOSAL,
    search: `if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) return`,
    replace: `if (false) return`,
    tests: PROPOSAL_TESTS,
  },
  {
    name: "write-block-transaction-hashes",
    rule: "writeBlock: listed transaction hashes equal the stored rows'",
    file: "src/services/chain/block-writer.ts",
    search: ` && row.transactionHash === proposal.transactions[i]!.hash`,
    replace: ``,
    tests: ["test/integration/chain-append-guards.test.ts"],
  },
  {
    name: "transfer-invalidates-cache",
    rule: "a transfer invalidates the cached chain reads (stats)",
    file: "src/routes/blockchain/blockchain.handlers.ts",
    // Anchored on the transfer call it follows (the mining handler has its own invalidation).
    search: `idempotency: claim, actor: actorOf(c) },\n    );\n    await invalidateCache(redis, ["chain"]);\n`,
    replace: `idempotency: claim, actor: actorOf(c) },\n    );\n`,
    tests: ["test/integration/blockchain-blocks.test.ts"],
  },
  // ---- /verify checks that were caught at one layer only ----
  {
    name: "verify-previous-hash",
    rule: "/verify: each previous_hash is the hash of the block below",
    file: VERIFY,
    search: `if (prev && row.previousHash !== prev.hash) report(`,
    replace: `if (false) report(`,
    tests: VERIFY_TESTS,
  },
  {
    name: "verify-merkle-root",
    rule: "/verify: the merkle root covers the block's stored transactions",
    file: VERIFY,
    search: `if (root !== undefined && root !== block.merkleRoot)\n    problems.push(`,
    replace: `if (false)\n    problems.push(`,
    tests: ["test/unit/chain-verify.test.ts", "test/integration/blockchain-tamper.test.ts"],
  },
  // ---- verified checkpoints and the chunked full pass (issue 22) ----
  {
    name: "verify-sample-windows",
    rule: "/verify: old blocks below the checkpoint are re-checked in random windows",
    file: "src/services/chain/verify-incremental.ts",
    search: "for (const [a, b] of sampleWindows(from - 1,",
    replace: "for (const [a, b] of sampleWindows(-1,",
    tests: ["test/unit/chain-verify-incremental.test.ts", "test/integration/chain-verify-checkpoints.test.ts"],
  },
  {
    name: "verify-checkpoint-hash",
    rule: "/verify: the checkpoint's block still has the hash it was verified with",
    file: "src/services/chain/verify-incremental.ts",
    search: "walked.first.hash !== checkpoint.hash) {",
    replace: "false) {",
    tests: ["test/unit/chain-verify-incremental.test.ts"],
  },
  {
    name: "verify-job-chunk-link",
    rule: "full pass: each chunk links its first block to the last block of the chunk before",
    file: "src/services/chain/verify-job.ts",
    search: "prev: state.prev ?? undefined,",
    replace: "prev: undefined,",
    tests: ["test/unit/chain-verify-incremental.test.ts"],
  },
  {
    name: "verify-job-drops-checkpoints",
    rule: "full pass: a problem inside a verified range drops the checkpoints it contradicts",
    file: "src/durable-objects/chain-verifier.ts",
    search: "void this.dropFrom(chain, Math.max(0, result.first_invalid_height - 1));",
    replace: "void 0;",
    tests: ["test/integration/chain-verify-checkpoints.test.ts"],
  },
  // ---- already caught before issue 25: kept caught ----
  {
    name: "balance-condition",
    rule: "a transfer debits only a balance that covers it (the check on the locked row)",
    file: "src/services/chain/transfer.ts",
    search: `where id = \${sender.id} and balance >= \${debitText}::numeric`,
    replace: `where id = \${sender.id}`,
    tests: ["test/integration/blockchain-transactions.test.ts"],
  },
  {
    name: "amount-decimals",
    rule: "amounts have at most 8 decimal places",
    file: "src/services/chain/amount.ts",
    search: `if (fracPart.length > AMOUNT_DECIMALS) {`,
    replace: `if (false) {`,
    tests: ["test/unit/chain-amount.test.ts", "test/integration/blockchain-transactions.test.ts"],
  },
  {
    name: "amount-negative",
    rule: "amounts are not negative",
    file: "src/services/chain/amount.ts",
    search: `if (input.startsWith("-")) return fail(`,
    replace: `if (false) return fail(`,
    tests: ["test/unit/chain-amount.test.ts", "test/integration/blockchain-transactions.test.ts"],
  },
  {
    name: "amount-minimum-transfer",
    rule: "a transfer moves at least 0.0001 coins",
    file: "src/services/chain/transfer.ts",
    search: `if (input.amountUnits < MIN_TRANSFER_UNITS) {`,
    replace: `if (false) {`,
    tests: ["test/integration/blockchain-transactions.test.ts"],
  },
  {
    name: "idempotency-body",
    rule: "an Idempotency-Key reused with a different body is refused (422)",
    file: "src/services/idempotency.ts",
    search: `if (row.requestHash !== input.requestHash) {`,
    replace: `if (false) {`,
    tests: ["test/integration/blockchain-idempotency.test.ts"],
  },
  {
    name: "token-typ",
    rule: "an access token is not a refresh token and vice versa (JWT typ)",
    file: "src/lib/jwt.ts",
    search: `      typ: TYP[kind],\n      issuer: JWT_ISSUER,`,
    replace: `      issuer: JWT_ISSUER,`,
    tests: ["test/unit/jwt.test.ts", "test/integration/auth-tokens.test.ts"],
  },
  {
    name: "family-revoked-refused",
    rule: "a revoked refresh-token family cannot refresh",
    file: "src/services/auth/tokens.ts",
    search: `if (!family || family.userId !== userId || family.revokedAt) return`,
    replace: `if (!family || family.userId !== userId) return`,
    tests: ["test/integration/auth-refresh.test.ts"],
  },
  {
    name: "family-revoked-on-reuse",
    rule: "reusing a rotated refresh token revokes its whole family",
    file: "src/services/auth/tokens.ts",
    search: `.set({ revokedAt: now, revokedReason: "reuse_detected" satisfies RevokeReason })`,
    replace: `.set({ lastUsedAt: now })`,
    tests: ["test/integration/auth-refresh.test.ts"],
  },
  {
    name: "owner-mail",
    rule: "RoadMail: a message is read only by its own mailbox",
    file: "src/services/email/messages.ts",
    search: `const [row] = await selectMail(db).where(and(eq(emailMailbox.id, id), eq(emailMailbox.userId, userId)));`,
    replace: `const [row] = await selectMail(db).where(eq(emailMailbox.id, id));`,
    tests: ["test/integration/email.test.ts", "test/integration/email-mailbox.test.ts"],
  },
  {
    name: "owner-social-post",
    rule: "Social: only the author edits a post",
    file: "src/services/social/posts.ts",
    search: `const mine = and(eq(posts.id, id), eq(posts.userId, userId));`,
    replace: `const mine = eq(posts.id, id);`,
    tests: ["test/integration/social.test.ts"],
  },
  {
    name: "owner-video",
    rule: "BlackStream: only the uploader deletes a video",
    file: "src/services/video/videos.ts",
    search: `db.delete(videos).where(and(eq(videos.id, id), eq(videos.userId, userId)))`,
    replace: `db.delete(videos).where(eq(videos.id, id))`,
    tests: ["test/integration/video.test.ts"],
  },
  {
    name: "owner-ai-conversation",
    rule: "AI chat: a conversation belongs to its user",
    file: "src/services/ai-chat/conversations.ts",
    search: `const ownedBy = (userId: number, id: number) => and(eq(conversations.id, id), eq(conversations.userId, userId));`,
    replace: `const ownedBy = (_userId: number, id: number) => eq(conversations.id, id);`,
    tests: ["test/integration/ai-chat.test.ts"],
  },
  {
    name: "owner-session",
    rule: "Sessions: a user ends only their own sessions",
    file: "src/services/auth/tokens.ts",
    search: `.where(and(eq(refreshTokenFamilies.id, sessionId), eq(refreshTokenFamilies.userId, userId), isNull(refreshTokenFamilies.revokedAt)))`,
    replace: `.where(and(eq(refreshTokenFamilies.id, sessionId), isNull(refreshTokenFamilies.revokedAt)))`,
    tests: ["test/integration/auth-sessions.test.ts"],
  },
  {
    name: "owner-wallet-transactions",
    rule: "RoadChain: a user lists only their own wallets' transactions",
    file: "src/services/chain/reads.ts",
    search: `.from(wallets).where(eq(wallets.userId, sql.placeholder("userId")))`,
    replace: `.from(wallets).where(sql\`\${sql.placeholder("userId")}::int is not null\`)`,
    tests: ["test/integration/blockchain-transactions.test.ts"],
  },
  {
    name: "owner-device",
    rule: "Devices: a device (its metrics, commands and token) belongs to its owner",
    file: "src/services/devices/registry.ts",
    search:
      "const mine = (userId: number, deviceId: string) => and(eq(devices.userId, userId), eq(devices.deviceId, deviceId));",
    replace: "const mine = (_userId: number, deviceId: string) => eq(devices.deviceId, deviceId);",
    tests: ["test/integration/devices.test.ts"],
  },
  {
    name: "device-token-names-device",
    rule: "Devices: a heartbeat's token must be the token of the device in its path",
    file: "src/services/devices/heartbeat.ts",
    search: "if (!row || row.deviceId !== deviceId) throw deviceUnauthorized();",
    replace: "if (!row) throw deviceUnauthorized();",
    tests: ["test/integration/devices.test.ts"],
  },
  {
    name: "search-private-posts",
    rule: "Search: another user's private posts never appear",
    file: "src/services/search/search.ts",
    search: "visible: sql`(p.is_public or p.user_id = ${userId})`",
    replace: "visible: sql`true`",
    tests: ["test/integration/search.test.ts"],
  },
  {
    name: "search-own-files",
    rule: "Search: only my own files appear",
    file: "src/services/search/search.ts",
    search: "visible: sql`f.user_id = ${userId}`",
    replace: "visible: sql`true`",
    tests: ["test/integration/search.test.ts"],
  },
  {
    name: "search-own-capture",
    rule: "Search: only my own capture items appear",
    file: "src/services/search/search.ts",
    search: "visible: sql`ci.user_id = ${userId}`",
    replace: "visible: sql`true`",
    tests: ["test/integration/search.test.ts"],
  },
  {
    name: "editor-if-match",
    rule: "Code editor: a save over a version other than the one opened stores nothing (412)",
    file: "src/services/vscode/editor.ts",
    search: 'replace: { id: current.id, ifMatch: ifMatch === "*" ? undefined : ifMatch }',
    replace: "replace: { id: current.id, ifMatch: undefined }",
    tests: ["test/integration/vscode.test.ts"],
  },
  {
    name: "owner-capture-item",
    rule: "Capture: an item belongs to its user",
    file: "src/services/capture/items.ts",
    search:
      "const mine = (userId: number, id: number) => and(eq(captureItems.id, id), eq(captureItems.userId, userId));",
    replace: "const mine = (_userId: number, id: number) => eq(captureItems.id, id);",
    tests: ["test/integration/capture.test.ts"],
  },
  {
    name: "compliance-own-events",
    rule: "Compliance: a user reads only their own audit events (administrators anyone's)",
    file: "src/routes/compliance/compliance.handlers.ts",
    search: "return { userId: admin ? q.user_id : me, type: q.type, from: q.from, to: q.to };",
    replace: "return { userId: q.user_id, type: q.type, from: q.from, to: q.to };",
    tests: ["test/integration/compliance.test.ts"],
  },
  {
    name: "owner-creator-project",
    rule: "Creator: a project belongs to its user",
    file: "src/services/creator/projects.ts",
    search:
      "const mine = (userId: number, id: number) => and(eq(creativeProjects.id, id), eq(creativeProjects.userId, userId));",
    replace: "const mine = (_userId: number, id: number) => eq(creativeProjects.id, id);",
    tests: ["test/integration/creator.test.ts"],
  },
  {
    name: "owner-creator-asset-file",
    rule: "Creator: only the owner's own files can be linked as assets",
    file: "src/services/creator/projects.ts",
    search: "f as (select id from ${files} where id = ${fileId} and user_id = ${userId}),",
    replace: "f as (select id from ${files} where id = ${fileId}),",
    tests: ["test/integration/creator.test.ts"],
  },
  {
    name: "identity-avatar-own-file",
    rule: "Identity: the avatar is one of the user's own files",
    file: "src/services/identity/profile.ts",
    search:
      "const [f] = await db.select({ type: files.contentType }).from(files).where(and(eq(files.id, input.avatarFileId), eq(files.userId, userId)));",
    replace:
      "const [f] = await db.select({ type: files.contentType }).from(files).where(eq(files.id, input.avatarFileId));",
    tests: ["test/integration/identity.test.ts"],
  },
  {
    name: "identity-github-proof",
    rule: "Identity: a GitHub account is linked only with a token GitHub accepts",
    file: "src/services/identity/profile.ts",
    search: "if (res.status === 401 || res.status === 403) throw new ApiError(422,",
    replace: "if (false) throw new ApiError(422,",
    tests: ["test/integration/identity.test.ts"],
  },
  {
    name: "limiter-key-ip",
    rule: "rate limits are counted per client IP",
    file: "src/middleware/rate-limit.ts",
    search: 'const identifier = `${ip ? ipIdentity(ip) : "unknown"}:${endpoint}`;',
    replace: "const identifier = `everyone:${endpoint}`;",
    tests: ["test/integration/auth-rate-limit.test.ts"],
  },
  {
    name: "limiter-key-endpoint",
    rule: "rate limits are counted per route",
    file: "src/middleware/rate-limit.ts",
    search: 'const identifier = `${ip ? ipIdentity(ip) : "unknown"}:${endpoint}`;',
    replace: 'const identifier = `${ip ? ipIdentity(ip) : "unknown"}`;',
    tests: ["test/integration/auth-rate-limit.test.ts"],
  },
  {
    name: "graphql-page-size",
    rule: "GraphQL: a page larger than 50 is refused before any I/O",
    file: "src/routes/graphql/schema/limits.ts",
    search: "if (raw > MAX_PAGE_SIZE) {",
    replace: "if (false) {",
    tests: ["test/integration/graphql-writes.test.ts"],
  },
  {
    name: "browser-redirect-check",
    rule: "Browser fetch: every redirect's target is judged by the SSRF rules before it is followed",
    file: "src/services/browser/fetch-page.ts",
    search: "if (!next.ok) throw refused",
    replace: "if (false) throw refused",
    tests: ["test/integration/browser.test.ts"],
  },
  {
    name: "browser-private-range",
    rule: "Browser fetch: the 10/8 private range is refused",
    file: "src/services/browser/url-policy.ts",
    search: '["10.0.0.0", 8, "private"],',
    replace: "",
    tests: ["test/integration/browser.test.ts"],
  },
  {
    name: "browser-size-cap",
    rule: "Browser fetch: a streamed body past 2 MB is refused",
    file: "src/services/browser/fetch-page.ts",
    search: "if (size > max) {",
    replace: "if (false) {",
    tests: ["test/integration/browser.test.ts"],
  },
  {
    name: "owner-game-save",
    rule: "Games: a save is its owner's (another user's is a 404)",
    file: "src/services/games/saves.ts",
    search: "and(eq(gameSaves.id, id), eq(gameSaves.userId, userId), eq(gameSaves.game, game))",
    replace: "and(eq(gameSaves.id, id), eq(gameSaves.game, game))",
    tests: ["test/integration/games.test.ts"],
  },
  {
    name: "games-version-check",
    rule: "Games: a move writes only over the version it read (concurrent moves are never lost)",
    file: "src/services/games/saves.ts",
    search: ".where(and(mine(userId, game, id), eq(gameSaves.version, save.version)))",
    replace: ".where(mine(userId, game, id))",
    tests: ["test/integration/games.test.ts"],
  },
  // ---- faults injected mid-request (test/integration/faults.test.ts, the local cloud's fault lane) ----
  {
    name: "idempotency-release-completed",
    rule: "A failed keyed request releases only its own pending claim, never a result that committed",
    file: "src/services/idempotency.ts",
    search: "    await db.delete(idempotencyKeys).where(claimIsOurs(claim));",
    replace:
      "    await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.userId, claim.userId), eq(idempotencyKeys.key, claim.key)));",
    tests: ["test/integration/faults.test.ts"],
  },
  {
    name: "db-query-deadline",
    rule: "Every Postgres call has a 10 s deadline: a silent database is a 503, never a hang",
    file: "src/lib/db.ts",
    search: "const QUERY_TIMEOUT_MS = 10_000;",
    replace: "const QUERY_TIMEOUT_MS = 60_000;",
    tests: ["test/integration/faults.test.ts"],
  },
  {
    name: "redis-deadline",
    rule: "Every Redis call has a 1 s deadline: a silent Redis fails auth closed quickly, never a hang",
    file: "src/lib/redis.ts",
    search: "      signal: () => AbortSignal.timeout(REDIS_TIMEOUT_MS),",
    replace: "      signal: undefined,",
    tests: ["test/integration/faults.test.ts"],
  },
];
