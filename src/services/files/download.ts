import { ApiError } from "../../lib/errors.ts";
import { contentDisposition } from "./names.ts";
import type { FileRow } from "./rows.ts";

/** Types a browser may show inline without running anything of ours' origin (no HTML, no SVG). */
const INLINE_SAFE = /^(image\/(png|jpeg|gif|webp)|application\/pdf|text\/plain|video\/(mp4|webm)|audio\/mpeg)$/;

type Range = { offset: number; length: number };

/** One `bytes=` range (RFC 9110 §14.1.2); several ranges or a malformed header are ignored (a 200). */
export function parseRange(header: string | undefined, size: number): Range | "unsatisfiable" | undefined {
  const m = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return size === 0 ? "unsatisfiable" : { offset: size - length, length };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

const etagList = (h: string) => h.split(",").map((t) => t.trim().replace(/^W\//, ""));

/**
 * The download response for a file row: 304 for a matching If-None-Match (or If-Modified-Since),
 * 412 for a failed If-Match, 206 for a satisfiable Range (unless If-Range names another version),
 * 416 for an unsatisfiable one, else 200 with the whole object.
 */
export async function serveFile(
  bucket: R2Bucket,
  file: FileRow,
  req: Request,
  opts: { inline: boolean; cache: "private" | "public" },
): Promise<Response> {
  const h = req.headers;
  const lastModified = new Date(Math.floor(file.updatedAt.getTime() / 1000) * 1000);
  const headers = new Headers({
    ETag: file.etag,
    "Last-Modified": lastModified.toUTCString(),
    "Accept-Ranges": "bytes",
    "Cache-Control": `${opts.cache}, max-age=0, must-revalidate`,
    "X-Content-Type-Options": "nosniff",
    // Even a file opened directly cannot run script in our origin.
    "Content-Security-Policy":
      "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox",
  });
  const ifMatch = h.get("If-Match");
  if (ifMatch && ifMatch.trim() !== "*" && !etagList(ifMatch).includes(file.etag)) {
    throw new ApiError(412, "precondition-failed", "If-Match does not name the file's current version");
  }
  const inm = h.get("If-None-Match");
  const notModified = inm
    ? inm.trim() === "*" || etagList(inm).includes(file.etag)
    : isNotModifiedSince(h.get("If-Modified-Since"), lastModified);
  if (notModified) return new Response(null, { status: 304, headers });

  let range = parseRange(h.get("Range") ?? undefined, file.size);
  const ifRange = h.get("If-Range");
  if (range && ifRange && ifRange.trim() !== file.etag && ifRange.trim() !== lastModified.toUTCString())
    range = undefined;
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${file.size}`);
    throw new ApiError(416, "range-not-satisfiable", `The file has ${file.size} bytes`, {
      headers: Object.fromEntries(headers),
    });
  }
  const object = await bucket.get(file.storageKey, range ? { range } : undefined);
  if (!object)
    throw new ApiError(503, "storage-unavailable", "The file's bytes cannot be read right now; retry shortly");
  const inline = opts.inline && INLINE_SAFE.test(file.contentType);
  headers.set("Content-Type", file.contentType + (file.contentType.startsWith("text/") ? "; charset=utf-8" : ""));
  headers.set("Content-Disposition", contentDisposition(inline ? "inline" : "attachment", file.name));
  if (range) {
    headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${file.size}`);
    headers.set("Content-Length", String(range.length));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("Content-Length", String(file.size));
  return new Response(object.body, { status: 200, headers });
}

function isNotModifiedSince(since: string | null, lastModified: Date): boolean {
  if (!since) return false;
  const t = Date.parse(since);
  return Number.isFinite(t) && lastModified.getTime() <= t;
}
