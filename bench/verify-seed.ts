/**
 * A RoadChain of genesis + n valid blocks for one chain name, written straight into PostgreSQL:
 * real proof of work (difficulty 1), every 10th block holding a transfer signed by a real wallet.
 * Used by verify-10k.ts and verify-scale.ts.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { generateWallet, signWithWallet } from "../src/lib/crypto/wallet-keys.ts";
import { type BlockHeader, genesisBlock } from "../src/services/chain/block-hash.ts";
import { merkleRoot } from "../src/services/chain/merkle.ts";
import { mineHeader } from "../src/services/chain/proof-of-work.ts";
import {
  hashTransaction,
  type TransactionPayload,
  transactionSigningPayload,
} from "../src/services/chain/transaction-hash.ts";

const BLOCK_COLUMNS =
  "chain,height,timestamp_ms,previous_hash,merkle_root,nonce,difficulty,miner_address,reward,transaction_count,hash";
const TX_COLUMNS =
  "chain,transaction_hash,from_address,to_address,amount,fee,message,nonce,timestamp_ms,signature,sender_public_key,block_height,is_confirmed";

/** Returns the number of signed transfers written. */
export async function seedChain(databaseUrl: string, chain: string, n: number): Promise<number> {
  const masterKey = randomBytes(32).toString("base64url");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const alice = await generateWallet(masterKey);
  const bob = await generateWallet(masterKey);
  const genesis = await genesisBlock();
  let prevHash = genesis.hash;
  let blockRows: unknown[][] = [rowOf(chain, genesis.header, genesis.hash)];
  let txRows: unknown[][] = [];
  let txCount = 0;
  const flush = async () => {
    if (blockRows.length) await insert(client, "blocks", BLOCK_COLUMNS, blockRows);
    if (txRows.length) await insert(client, "transactions", TX_COLUMNS, txRows);
    blockRows = [];
    txRows = [];
  };
  try {
    for (let h = 1; h <= n; h++) {
      const ts = genesis.header.timestamp + h * 1000;
      const hashes: string[] = [];
      if (h % 10 === 0) {
        const payload: TransactionPayload = {
          from_address: alice.address,
          to_address: bob.address,
          amount: "1.00000000",
          fee: "0.00000000",
          message: null,
          timestamp: ts - 1,
          nonce: `seed${h}`,
        };
        const hash = await hashTransaction(payload);
        const text = transactionSigningPayload(payload);
        const signature = await signWithWallet(alice.encryptedPrivateKey, alice.address, masterKey, text);
        txRows.push([
          chain,
          hash,
          alice.address,
          bob.address,
          "1",
          "0",
          null,
          payload.nonce,
          payload.timestamp,
          signature,
          alice.publicKey,
          h,
          true,
        ]);
        hashes.push(hash);
        txCount++;
      }
      const mined = await mineHeader(
        {
          height: h,
          timestamp: ts,
          previous_hash: prevHash,
          merkle_root: await merkleRoot(hashes),
          miner_address: alice.address,
          reward: "50.00000000",
          transaction_count: hashes.length,
        },
        1,
      );
      blockRows.push(rowOf(chain, mined.header, mined.hash));
      prevHash = mined.hash;
      if (blockRows.length === 1000) await flush();
    }
    await flush();
  } finally {
    await client.end();
  }
  return txCount;
}

function rowOf(chain: string, h: BlockHeader, hash: string): unknown[] {
  return [
    chain,
    h.height,
    h.timestamp,
    h.previous_hash,
    h.merkle_root,
    h.nonce,
    h.difficulty,
    h.miner_address,
    h.reward,
    h.transaction_count,
    hash,
  ];
}

async function insert(client: pg.Client, table: string, columns: string, rows: unknown[][]) {
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((v) => (values.push(v), `$${values.length}`)).join(",")})`);
  await client.query(`insert into ${table} (${columns}) values ${tuples.join(",")}`, values);
}
