// The Postgres wire protocol, as much of it as the WebSocket sessions and the server pool need:
// following typed messages across chunks, the startup packet, and building messages.

/**
 * Follows a stream of typed protocol messages (type byte + int32 length) across chunks and calls
 * `onMessage` for each header (with the status byte for ReadyForQuery). When `onMessage` returns
 * "stop", returns the offset in the current chunk where that message starts; otherwise -1.
 */
export function messageWatcher(onMessage: (type: number, status: number | undefined, offset: number) => "stop" | void) {
  let head = Buffer.alloc(0); // a header split across chunks
  let headAt = 0; // offset in the current chunk where `head` began
  let skip = 0; // body bytes of the current message still to pass
  return (chunk: Buffer): number => {
    let i = 0;
    headAt = 0; // a header continued from the previous chunk counts as starting here
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      if (head.length === 0) headAt = i;
      const need = (head.length >= 1 && head[0] === 0x5a ? 6 : 5) - head.length;
      head = Buffer.concat([head, chunk.subarray(i, i + need)]);
      i += Math.min(need, chunk.length - i);
      if (head.length < 5 || (head[0] === 0x5a && head.length < 6)) continue;
      const length = head.readInt32BE(1);
      skip = length + 1 - head.length;
      const verdict = onMessage(head[0]!, head[0] === 0x5a ? head[5] : undefined, headAt);
      head = Buffer.alloc(0);
      if (verdict === "stop") return headAt;
    }
    return -1;
  };
}

export function parseStartup(packet: Buffer): Record<string, string> {
  const fields = packet.subarray(8).toString("utf8").split("\0");
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length && fields[i]; i += 2) params[fields[i]!] = fields[i + 1]!;
  return params;
}

export function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export const cstring = (s: string) => Buffer.from(`${s}\0`, "utf8");
export const queryMessage = (sql: string) => message("Q", cstring(sql));

export function errorResponse(code: string, text: string): Buffer {
  return message(
    "E",
    Buffer.concat([cstring("SFATAL"), cstring("VFATAL"), cstring(`C${code}`), cstring(`M${text}`), Buffer.from([0])]),
  );
}
