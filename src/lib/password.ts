import bcrypt from "bcryptjs";

/**
 * Password hashing and policy (OWASP Password Storage; ASVS 6.2).
 *
 * - bcrypt (bcryptjs) at BCRYPT_ROUNDS (12 in production ≈ 0.5 s of CPU per hash: see
 *   bench/login-cpu.ts). Hashes made at another cost are re-done at the next successful login.
 * - bcrypt only reads the first 72 bytes, so longer passwords are refused (422) instead of being
 *   silently truncated; the limit is in UTF-8 bytes (18 four-byte emoji are 72 bytes).
 * - Passwords are normalised to Unicode NFC before hashing and measuring, so "é" typed as one code
 *   point or as e + combining accent is the same password on every keyboard. Nothing else is
 *   changed: spaces are kept, never trimmed.
 * - At least 8 characters (code points), no composition rules, common passwords refused.
 */
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_BYTES = 72;

export function normalizePassword(password: string): string {
  return password.normalize("NFC");
}

export function passwordBytes(password: string): number {
  return new TextEncoder().encode(normalizePassword(password)).length;
}

/** Why `password` is not acceptable as a new password, or undefined when it is. */
export function passwordPolicyProblem(password: string): string | undefined {
  const normalized = normalizePassword(password);
  if ([...normalized].length < PASSWORD_MIN_CHARS) return `must be at least ${PASSWORD_MIN_CHARS} characters`;
  if (passwordBytes(normalized) > PASSWORD_MAX_BYTES) return `must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8`;
  if (isCommonPassword(normalized)) return "is too common; choose a less guessable password";
  return undefined;
}

export async function hashPassword(password: string, rounds: number): Promise<string> {
  const normalized = normalizePassword(password);
  // Guards against a caller skipping the policy: never hash what bcrypt would truncate.
  if (passwordBytes(normalized) > PASSWORD_MAX_BYTES) throw new RangeError("password longer than 72 bytes");
  return bcrypt.hash(normalized, rounds);
}

export type PasswordCheck = { ok: boolean; needsRehash: boolean };

/**
 * Compares `password` with `hash`, spending the same bcrypt work whether or not there is a hash:
 * for an unknown user (`hash` null) it compares against a dummy hash at the configured cost, so
 * "no such user" and "wrong password" take the same time. A password over 72 bytes never matches
 * (bcrypt would compare only its first 72 bytes) but still costs one compare.
 */
export async function verifyPassword(password: string, hash: string | null, rounds: number): Promise<PasswordCheck> {
  const normalized = normalizePassword(password);
  const tooLong = passwordBytes(normalized) > PASSWORD_MAX_BYTES;
  const usable = hash !== null && isBcryptHash(hash);
  if (!usable || tooLong) {
    await bcrypt.compare(tooLong ? "x" : normalized, dummyHash(usable ? bcrypt.getRounds(hash) : rounds));
    return { ok: false, needsRehash: false };
  }
  const ok = await bcrypt.compare(normalized, hash);
  return { ok, needsRehash: ok && bcrypt.getRounds(hash) !== rounds };
}

const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

export function isBcryptHash(hash: string): boolean {
  return BCRYPT_HASH.test(hash);
}

export function hashRounds(hash: string): number {
  return bcrypt.getRounds(hash);
}

/**
 * Hashes of a random password nobody knows, one per cost, generated once offline: computing one
 * at start-up would cost up to seconds of CPU in the first request of every isolate.
 */
const DUMMY_HASHES: Record<number, string> = {
  4: "$2b$04$saJynhOjFsZuM/mntRN7ieZsauQwHpNa/vw7keLQ77wSWsgENYSY.",
  5: "$2b$05$JPTVHksM7DdyjQ6u8qBh0.7PSlAcn/HkAqCOWoHA8o4A4Opn/GF7y",
  6: "$2b$06$iWQVv1d7Df8SeRA9Hl.9MebuSDKjUUoI5O/CrWJE6Ko8N0jBPwsMG",
  7: "$2b$07$/Rv.0W5I3n.SZxMnBvzZjOUp2zjIid09uUxdMYnMBfOc3ytvWNHs.",
  8: "$2b$08$5of2I/ef8RSAfvjc7pBvAefH/YFAWfnAO.De1FWGrvX2vAeuxwLS6",
  9: "$2b$09$6c4E1BGS7ZwoI7ak7zv.kepKdZeQWcTLc4jCrTE4JLEvu6qDJ7Hb.",
  10: "$2b$10$wOX2xTuUuNi4P5eYMcl7uejigKLbHKOk7/cB2qg0PFxua6/JDqO3S",
  11: "$2b$11$oOOxqWqgVr9.YZBl.nUjQuDWddzEq/t39kVU4avWxRfK/Zgi.X9Ca",
  12: "$2b$12$wlCnkeeTvio7LX7lRE1gTeAt39eSIdNCDsKomGy43UWM5j47Xp6u2",
  13: "$2b$13$jgYxVksQY.544/GvAlgQwujGXmXHFRBz7o57OjdFBpHP0jnpYTSkm",
  14: "$2b$14$/aiYWAt36.FYTCm5YdfDleWJICrl/QbeoVmbvrHb.ym8pmXo.XG.O",
  15: "$2b$15$UoeobRmMJaLEMupm/i1sN.2etY0ibkg/CZtjRU5IhLnzA7FyTYyUy",
};

export function dummyHash(rounds: number): string {
  return DUMMY_HASHES[rounds] ?? DUMMY_HASHES[12]!;
}

/**
 * A short block list of the most common passwords of 8+ characters (shorter ones already fail the
 * length rule), compared case-insensitively. Written for this project; a fuller list (e.g. a
 * breached-password k-anonymity check) can replace it behind the same function.
 */
const COMMON_PASSWORDS = new Set(
  `
password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword pa$$word passwort
12345678 123456789 1234567890 0123456789 87654321 987654321 9876543210 11111111 111111111 00000000
12341234 123123123 12121212 11223344 112233445566 123qweasd 123qweasdzxc 1q2w3e4r 1q2w3e4r5t 1qaz2wsx
1qazxsw2 zaq12wsx zaq1zaq1 qwertyui qwertyuiop qwerty123 qwerty1234 qwerty12 asdfghjk asdfghjkl
zxcvbnm1 zxcvbnmm 1234qwer qwer1234 abcd1234 abc12345 abcdefgh abcdefg1 a1b2c3d4 aa123456
iloveyou iloveyou1 iloveyou2 sunshine sunshine1 princess princess1 football football1 baseball
basketball superman batman123 starwars trustno1 whatever letmein1 letmein123 welcome1 welcome123
welcome12 changeme changeme1 changeme123 administrator admin123 admin1234 adminadmin rootroot
master123 mustang1 michael1 jennifer charlie1 computer internet monkey123 dragon123 shadow123
freedom1 liverpool chelsea1 arsenal1 123abc123 q1w2e3r4 q1w2e3r4t5 asdf1234 asdfasdf qazwsxedc
secret123 default1 test1234 testtest testing123 blackroad blackroad1 blackroad123 roadchain
`
    .split(/\s+/)
    .filter(Boolean),
);

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(normalizePassword(password).toLowerCase());
}
