import { unprocessable } from "../../lib/errors.ts";

const MAX_NAME_BYTES = 255;

/**
 * A file or folder name as stored: the last path segment of what the client sent (no directories,
 * so `../../etc/passwd` is `passwd`), without control characters, without characters Windows and
 * shells trip over (`<>:"|?*` become `_`), whitespace collapsed, no leading dots or spaces (no
 * hidden files, no `.`/`..`), at most 255 UTF-8 bytes (the extension kept). Nothing left → 422.
 */
export function sanitizeName(raw: string, field = "name"): string {
  const segment =
    raw
      .split(/[/\\]/)
      .filter((s) => s.trim() !== "")
      .pop() ?? "";
  let name = segment
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+/, "")
    .trim();
  if (name === "")
    throw unprocessable(`${field} is empty once made safe`, [
      { path: field, message: "Give a name with at least one visible character" },
    ]);
  const encoder = new TextEncoder();
  if (encoder.encode(name).length > MAX_NAME_BYTES) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    let stem = name.slice(0, name.length - ext.length);
    while (encoder.encode(stem + ext).length > MAX_NAME_BYTES) stem = Array.from(stem).slice(0, -1).join("");
    name = stem + ext;
  }
  return name;
}

/** The extension in lower case without the dot (`Report.PDF` → `pdf`), or "" when there is none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** `Content-Disposition` with an ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(kind: "attachment" | "inline", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
