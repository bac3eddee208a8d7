import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parseQuery, splitHighlights } from "../../src/services/search/query.ts";

describe("search query parsing", () => {
  it("matches the word being typed as a prefix, letters and digits only", () => {
    expect(parseQuery("solar kil")).toEqual({ web: "solar", prefix: "'kil':*" });
    expect(parseQuery("kil")).toEqual({ web: "", prefix: "'kil':*" });
    expect(parseQuery("o'brien")).toEqual({ web: "", prefix: "'o':* & 'brien':*" });
    expect(parseQuery("x') | 'yz:*")).toEqual({ web: "x') |", prefix: "'yz':*" }); // tsquery syntax stays out
  });

  it("does not extend a finished word, a negated word, `or`, an open quote or a one-letter word", () => {
    expect(parseQuery("solar kiln ").prefix).toBeNull();
    expect(parseQuery("solar -kiln").prefix).toBeNull();
    expect(parseQuery("solar or").prefix).toBeNull();
    expect(parseQuery('"solar ki').prefix).toBeNull();
    expect(parseQuery('"solar kiln"').prefix).toBeNull();
    expect(parseQuery("solar k").prefix).toBeNull();
  });

  it("round-trips cursors and refuses anything else", () => {
    const c = { rank: "0.0909091", kind: "post" as const, key: "0000000042" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(
      decodeCursor(encodeCursor({ rank: "1e-05", kind: "vault", key: "0b1f6e5c-4d0a-4f59-9c1e-2b7f0a6d9e11" }))?.kind,
    ).toBe("vault");
    for (const bad of [
      "",
      "x",
      btoa("[1,2,3]"),
      btoa('["0.1","users","1"]'),
      btoa('["0.1; drop","post","1"]'),
      btoa('["0.1","post","1\' or 1=1"]'),
    ])
      expect(decodeCursor(bad)).toBeNull();
  });

  it("splits a headline into plain text and marked parts", () => {
    expect(splitHighlights("a \uE000b\uE001 c \uE000d\uE001")).toEqual({
      snippet: "a b c d",
      highlights: [
        { text: "a ", match: false },
        { text: "b", match: true },
        { text: " c ", match: false },
        { text: "d", match: true },
      ],
    });
  });
});
