// The rate limits' view of the caller: CF-Connecting-IP parsed once into address, loopback, identity.
import { describe, expect, it } from "vitest";
import { clientAddress, clientIp, expandIpv6, ipIdentity, isLoopback } from "../../src/lib/client-info.ts";

const from = (ip: string) => clientAddress(new Headers({ "CF-Connecting-IP": ip }));

describe("expandIpv6", () => {
  it.each([
    ["::", [0, 0, 0, 0, 0, 0, 0, 0]],
    ["::1", [0, 0, 0, 0, 0, 0, 0, 1]],
    ["1::", [1, 0, 0, 0, 0, 0, 0, 0]],
    ["2001:DB8::8:800:200C:417A", [0x2001, 0xdb8, 0, 0, 0x8, 0x800, 0x200c, 0x417a]],
    ["1:2:3:4:5:6:7:8", [1, 2, 3, 4, 5, 6, 7, 8]],
    ["1:2:3:4:5:6::8", [1, 2, 3, 4, 5, 6, 0, 8]],
    ["::ffff:192.0.2.1", [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]],
    ["1:2:3:4:5:6:1.2.3.4", [1, 2, 3, 4, 5, 6, 0x0102, 0x0304]],
  ])("expands %s", (ip, groups) => {
    expect(expandIpv6(ip)).toEqual(groups);
  });

  it.each([
    "",
    ":",
    ":::",
    ":1::",
    "1:",
    "1::2:",
    "1::2::3",
    "12345::",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::8",
    "::g",
    "fe80::1%eth0",
    "1.2.3.4",
    "::1.2.3",
    "::01.2.3.4",
    "::256.1.1.1",
    "::1.2.3.4:5",
    "1:2:3:4:5:6:7:1.2.3.4",
  ])("refuses %j", (ip) => {
    expect(expandIpv6(ip)).toBeNull();
  });
});

describe("clientAddress", () => {
  it("agrees with clientIp, isLoopback and ipIdentity", () => {
    for (const ip of [
      "203.0.113.9",
      "127.0.0.1",
      "::1",
      "::ffff:127.1.2.3",
      "::ffff:128.0.0.1",
      "2001:DB8:a:b:1:2:3:4",
    ]) {
      const ipOnly = clientIp(new Headers({ "CF-Connecting-IP": ip }))!;
      expect(from(ip)).toEqual({ ip: ipOnly, loopback: isLoopback(ipOnly), identity: ipIdentity(ipOnly) });
    }
  });

  it("groups IPv6 by /64 in one spelling, and knows loopback", () => {
    expect(from("2001:0DB8:000a:b:ffff::1")).toMatchObject({ identity: "2001:db8:a:b::/64", loopback: false });
    expect(from("2001:db8:a:b:9::")!.identity).toBe("2001:db8:a:b::/64");
    expect(from("0:0:0:0:0:0:0:1")!.loopback).toBe(true);
    expect(from("::ffff:127.0.0.1")!.loopback).toBe(true);
    expect(from("::2")!.loopback).toBe(false);
    expect(from("127.0.0.1")).toEqual({ ip: "127.0.0.1", loopback: true, identity: "127.0.0.1" });
    expect(from("  198.51.100.7 ")).toEqual({ ip: "198.51.100.7", loopback: false, identity: "198.51.100.7" });
  });

  it("is null without a well-formed address", () => {
    expect(clientAddress(new Headers())).toBeNull();
    for (const ip of ["", "not-an-ip", "256.1.1.1", "1::2::3", "1".repeat(46)]) expect(from(ip)).toBeNull();
  });
});
