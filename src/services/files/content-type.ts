import { ApiError } from "../../lib/errors.ts";
import { extensionOf } from "./names.ts";

/** Formats recognised by their first bytes (magic numbers). */
const SIGNATURES: Array<{ type: string; test: (b: Uint8Array) => boolean }> = [
  { type: "image/png", test: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: "image/jpeg", test: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  { type: "image/gif", test: (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a") },
  { type: "image/webp", test: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP") },
  { type: "application/pdf", test: (b) => ascii(b, 0, "%PDF-") },
  { type: "application/zip", test: (b) => starts(b, [0x50, 0x4b, 0x03, 0x04]) || starts(b, [0x50, 0x4b, 0x05, 0x06]) },
  { type: "application/gzip", test: (b) => starts(b, [0x1f, 0x8b]) },
  { type: "video/mp4", test: (b) => ascii(b, 4, "ftyp") },
  { type: "audio/mpeg", test: (b) => ascii(b, 0, "ID3") || starts(b, [0xff, 0xfb]) },
  { type: "video/webm", test: (b) => starts(b, [0x1a, 0x45, 0xdf, 0xa3]) },
];

/** Types that are containers of these (a .docx is a zip): declared types accepted for a detected one. */
const FAMILIES: Record<string, string[]> = {
  "application/zip": [
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/epub+zip",
    "application/java-archive",
    "application/x-zip-compressed",
  ],
  "video/mp4": ["video/quicktime", "audio/mp4", "video/x-m4v", "audio/x-m4a"],
  "video/webm": ["audio/webm", "video/x-matroska"],
};

/** Extension → type for names whose bytes say nothing definite (text, or unknown binary). */
const BY_EXTENSION: Record<string, string> = {
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  js: "text/javascript",
  mjs: "text/javascript",
  ts: "text/plain",
  tsx: "text/plain",
  jsx: "text/javascript",
  css: "text/css",
  html: "text/html",
  htm: "text/html",
  xml: "application/xml",
  svg: "image/svg+xml",
  py: "text/x-python",
  rs: "text/plain",
  go: "text/plain",
  sh: "text/x-shellscript",
  yaml: "text/yaml",
  yml: "text/yaml",
  toml: "text/plain",
  sql: "text/plain",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
  zip: "application/zip",
  mp4: "video/mp4",
  mp3: "audio/mpeg",
  webm: "video/webm",
  gz: "application/gzip",
};

const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-sh|yaml|toml|sql)|image\/svg\+xml)|\+json$|\+xml$/;

function starts(b: Uint8Array, sig: number[]) {
  return b.length >= sig.length && sig.every((v, i) => b[i] === v);
}
function ascii(b: Uint8Array, at: number, s: string) {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** UTF-8 text without NUL bytes (a truncated last character at the cut is allowed). */
export function looksLikeText(head: Uint8Array, complete: boolean): boolean {
  if (head.includes(0)) return false;
  let bytes = head;
  if (!complete) {
    // Drop up to 3 trailing bytes of a multi-byte sequence cut at the sample's end.
    let cut = bytes.length;
    for (let i = 1; i <= 3 && cut - i >= 0; i++) {
      const v = bytes[cut - i]!;
      if ((v & 0xc0) === 0xc0) {
        cut -= i;
        break;
      }
      if ((v & 0x80) === 0) break;
    }
    bytes = bytes.subarray(0, cut);
  }
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export const isTextual = (type: string) => TEXTUAL.test(type);

/**
 * The content type to store, checked against the bytes. `head` is the first bytes (≥ 512 or the
 * whole file); `declared` what the client said (multipart part type or Content-Type), if anything.
 *  - bytes with a known signature: that type, and a declared type from another family is a 415;
 *  - otherwise a declared (or extension-implied) text type must be UTF-8 text without NUL;
 *  - a declared signature type whose bytes lack the signature (a "PNG" that is not) is a 415.
 */
export function checkContentType(
  name: string,
  declared: string | undefined,
  head: Uint8Array,
  complete: boolean,
): string {
  const claim = normalise(declared);
  const byExt = BY_EXTENSION[extensionOf(name)];
  const detected = SIGNATURES.find((s) => s.test(head))?.type;
  const wanted = claim ?? byExt;
  if (detected) {
    if (wanted && wanted !== detected && !FAMILIES[detected]?.includes(wanted)) {
      throw mismatch(name, wanted, detected);
    }
    return claim && FAMILIES[detected]?.includes(claim) ? claim : detected;
  }
  if (wanted && isKnownSignature(wanted))
    throw mismatch(name, wanted, looksLikeText(head, complete) ? "text" : "unrecognised bytes");
  const text = looksLikeText(head, complete);
  if (wanted && isTextual(wanted)) {
    if (!text) throw mismatch(name, wanted, "binary bytes");
    return wanted;
  }
  if (wanted) return wanted;
  return text ? "text/plain" : "application/octet-stream";
}

function isKnownSignature(type: string) {
  return SIGNATURES.some((s) => s.type === type) || Object.values(FAMILIES).some((f) => f.includes(type));
}

function normalise(type: string | undefined): string | undefined {
  const t = type?.split(";")[0]?.trim().toLowerCase();
  if (!t || t === "application/octet-stream" || !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(t)) return undefined;
  return t;
}

function mismatch(name: string, claimed: string, found: string) {
  return new ApiError(415, "content-type-mismatch", `${name} was sent as ${claimed}, but its bytes are ${found}`);
}
