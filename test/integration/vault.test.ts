import { describe, expect, it } from "vitest";
import { verifyVaultProof } from "../../scripts/verify-vault-proof.mjs";
import { canonicalText, hashCanonical } from "../../src/services/vault/canonical.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { mineOk, testChain, verify } from "../helpers/chain.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Entry = {
  id: string;
  canonical_text: string;
  hashes: { sha256: string; sha512: string; sha3_256: string };
  anchor: { status: string; transaction_hash: string | null; block_height: number | null };
};

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

describe("IP Vault: canonical text and hashes", () => {
  it("canonicalises by the documented rules and names its hashes correctly (SHA3-256, not Keccak)", async () => {
    expect(canonicalText("  Hello   world \r\n\r\n   second\tline  \r\n \n")).toBe("Hello world\nsecond\tline");
    const abc = await hashCanonical("abc");
    expect(abc.sha256).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(abc.sha3_256).toBe("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    expect(abc.sha512.startsWith("ddaf35a193617aba")).toBe(true);
  });

  it("records entries per user: list with paging, others' entries are 404", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const e = await ok<Entry>(
      await api("/api/vault/leos", {
        method: "POST",
        headers: a.headers,
        json: { idea: "  An  idea \r\n\r\nline two ", title: "Idea" },
      }),
      201,
    );
    expect(e.canonical_text).toBe("An idea\nline two");
    expect(e.hashes).toEqual(
      await hashCanonical("An idea\nline two").then((h) => ({
        sha256: h.sha256,
        sha512: h.sha512,
        sha3_256: h.sha3_256,
      })),
    );
    expect(e.anchor.status).toBe("none");
    await ok(await api("/api/vault/leos", { method: "POST", headers: a.headers, json: { idea: "second" } }), 201);
    const page = await ok<{ leos: Entry[]; total: number }>(
      await api("/api/vault/leos?per_page=1&page=2", { headers: a.headers }),
    );
    expect(page.total).toBe(2);
    expect(page.leos.map((x) => x.id)).toEqual([e.id]);
    await expectProblem(await api(`/api/vault/leos/${e.id}`, { headers: b.headers }), 404);
    await expectProblem(await api(`/api/vault/leos/${e.id}/anchor`, { method: "POST", headers: b.headers }), 404);
    await expectProblem(
      await api("/api/vault/leos", { method: "POST", headers: a.headers, json: { idea: "   \r\n " } }),
      422,
    );
  });
});

describe("IP Vault: anchoring on RoadChain", () => {
  it("anchors through a signed transaction mined like any other, and the proof verifies offline with the script", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const chain = testChain();
    const original = "My  invention:\r\n  a kiln that dries timber in a week.  \r\n";
    const e = await ok<Entry>(
      await api("/api/vault/leos", { method: "POST", headers: a.headers, json: { idea: original } }),
      201,
    );
    const h = { ...a.headers, ...chain.headers };
    const pending = await ok<Entry>(await api(`/api/vault/leos/${e.id}/anchor`, { method: "POST", headers: h }), 202);
    expect(pending.anchor.status).toBe("pending");
    await expectProblem(await api(`/api/vault/leos/${e.id}/anchor`, { method: "POST", headers: h }), 409);
    await expectProblem(await api(`/api/vault/leos/${e.id}/proof`, { headers: h }), 409);

    const tx = await ok<{ message: string; amount: string; from_address: string; to_address: string }>(
      await api(`/api/blockchain/transactions/${pending.anchor.transaction_hash}`, { headers: chain.headers }),
    );
    expect(tx).toMatchObject({ message: `roadchain-vault-v1:sha256:${e.hashes.sha256}`, amount: "0.00010000" });
    expect(tx.to_address).toBe(tx.from_address);

    const block = await mineOk(chain, a);
    await mineOk(chain, a);
    await mineOk(chain, a);
    const anchored = await ok<Entry>(await api(`/api/vault/leos/${e.id}`, { headers: a.headers }));
    expect(anchored.anchor).toMatchObject({ status: "anchored", block_height: block.height });
    const events = await ok<Array<{ type: string }>>(
      await api(`/api/vault/leos/${e.id}/events`, { headers: a.headers }),
    );
    expect(events.map((x) => x.type)).toEqual(["created", "anchor_requested", "anchored"]);
    const notes = await ok<Array<{ type: string }>>(await api("/api/notifications", { headers: a.headers }));
    expect(notes.map((n) => n.type)).toContain("vault.anchored");

    const proof = await ok<Record<string, any>>(await api(`/api/vault/leos/${e.id}/proof`, { headers: a.headers }));
    expect(proof.chain.headers).toHaveLength(2);
    const result = await verifyVaultProof(proof, original);
    expect(result).toMatchObject({ valid: true, problems: [] });
    expect(result.head?.height).toBe(block.height + 2);

    // Each part of the proof is load-bearing: change any and the script says so.
    const tamper = (edit: (p: any) => void) => {
      const copy = structuredClone(proof);
      edit(copy);
      return verifyVaultProof(copy);
    };
    expect((await tamper((p) => (p.entry.canonical_text += "!"))).valid).toBe(false);
    expect((await tamper((p) => (p.transaction.message = p.transaction.message.replace(/.$/, "0")))).valid).toBe(false);
    expect((await tamper((p) => (p.transaction.timestamp += 1))).valid).toBe(false);
    expect((await tamper((p) => (p.block.header.nonce += 1))).valid).toBe(false);
    expect((await tamper((p) => (p.chain.headers[0].previous_hash = "0".repeat(64)))).valid).toBe(false);
    expect((await verifyVaultProof(proof, "another text")).valid).toBe(false);
    if (proof.merkle.path.length)
      expect((await tamper((p) => (p.merkle.path[0].hash = "f".repeat(64)))).valid).toBe(false);

    expect((await verify(chain)).valid).toBe(true);
  });
});
