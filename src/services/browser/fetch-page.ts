/**
 * The page fetcher behind `GET /api/browser/fetch`: a URL a signed-in user asked for, fetched
 * safely (url-policy.ts on the URL and on every redirect, a size cap, one deadline for the whole
 * chain, no cookies or caller headers forwarded) and its title and text extracted with HTMLRewriter.
 */
import { ApiError } from "../../lib/errors.ts";
import { checkUrl } from "./url-policy.ts";

export const PAGE_LIMITS = { maxBytes: 2 * 1024 * 1024, deadlineMs: 10_000, maxRedirects: 5, maxTextChars: 100_000 };

export type FetchedPage = {
  requested_url: string;
  url: string;
  status: number;
  content_type: string | null;
  redirects: string[];
  bytes: number;
  title: string | null;
  text: string;
  /** The body as text for text types (HTML, plain text, JSON, XML…); null for anything else. */
  content: string | null;
};

const refused = (detail: string) =>
  new ApiError(422, "url-not-allowed", detail, { errors: [{ path: "url", message: detail }] });
const upstream = (status: 502 | 504, code: string, detail: string) => new ApiError(status, code, detail);

const TEXTUAL = /^(text\/|application\/(json|xml|xhtml\+xml|javascript|ld\+json|rss\+xml|atom\+xml))/i;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

export async function fetchPage(
  fetcher: typeof fetch,
  requested: string,
  limits: typeof PAGE_LIMITS = PAGE_LIMITS,
): Promise<FetchedPage> {
  const first = checkUrl(requested);
  if (!first.ok) throw refused(first.reason);
  const deadline = AbortSignal.timeout(limits.deadlineMs);
  const redirects: string[] = [];
  let url = first.url;
  try {
    for (;;) {
      const res = await fetcher(url.href, {
        redirect: "manual", // each hop is checked before it is followed
        signal: deadline,
        headers: { "User-Agent": "BlackRoadBrowser/1.0 (+https://blackroad.systems)", Accept: "text/html,*/*;q=0.8" },
      });
      const location = res.headers.get("Location");
      if (REDIRECT.has(res.status) && location) {
        await res.body?.cancel();
        if (redirects.length >= limits.maxRedirects) {
          throw upstream(502, "too-many-redirects", `More than ${limits.maxRedirects} redirects from ${requested}`);
        }
        const next = checkUrl(location, url);
        if (!next.ok) throw refused(`A redirect to ${location} was refused: ${next.reason}`);
        redirects.push(next.url.href);
        url = next.url;
        continue;
      }
      const body = await readCapped(res, limits.maxBytes);
      const contentType = res.headers.get("Content-Type");
      const textual = contentType === null || TEXTUAL.test(contentType);
      const content = textual ? decode(body, contentType) : null;
      const isHtml = content !== null && /html/i.test(contentType ?? "text/html");
      const { title, text } = isHtml ? await extract(content) : { title: null, text: content ?? "" };
      return {
        requested_url: first.url.href,
        url: url.href,
        status: res.status,
        content_type: contentType,
        redirects,
        bytes: body.byteLength,
        title,
        text: text.slice(0, limits.maxTextChars),
        content,
      };
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (deadline.aborted) {
      throw upstream(504, "page-timeout", `${url.host} did not answer within ${limits.deadlineMs / 1000} s`);
    }
    throw upstream(502, "page-unreachable", `${url.host} could not be reached`);
  }
}

/** Reads the body, refusing (and cancelling) past `max` bytes, whether or not Content-Length is honest. */
async function readCapped(res: Response, max: number): Promise<Uint8Array> {
  const tooLarge = () => upstream(502, "page-too-large", `The page is larger than ${max / 1024 / 1024} MB`);
  if (Number(res.headers.get("Content-Length") ?? 0) > max) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function decode(body: Uint8Array, contentType: string | null): string {
  const charset = contentType?.match(/charset="?([\w-]+)/i)?.[1] ?? "utf-8";
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder().decode(body); // an unknown label: UTF-8, with replacement characters
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
const squash = (s: string) => decodeEntities(s).replace(/\s+/g, " ").trim();

/** Title and visible text of an HTML document (scripts, styles and templates left out). */
async function extract(html: string): Promise<{ title: string | null; text: string }> {
  let title = "";
  let sawTitle = false;
  let hidden = 0;
  const parts: string[] = [];
  const rewriter = new HTMLRewriter()
    .on("title", {
      element() {
        sawTitle = true;
      },
      text(t) {
        title += t.text;
      },
    })
    // Text chunks can split anywhere; elements separate words (<p>a</p><p>b</p> is "a b").
    .on("*", {
      element() {
        parts.push(" ");
      },
    })
    .on("script, style, noscript, template, title", {
      element(el) {
        hidden++;
        el.onEndTag(() => void hidden--);
      },
    })
    .onDocument({
      text(t) {
        if (hidden === 0) parts.push(t.text);
      },
    });
  await rewriter.transform(new Response(html)).arrayBuffer();
  return { title: sawTitle ? squash(title) : null, text: squash(parts.join("")) };
}
