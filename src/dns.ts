/**
 * `loop.getaddrinfo()` and `loop.getnameinfo()` on `node:dns`, with CPython's tuple shapes:
 * `[family, type, proto, canonname, sockaddr]` entries and `[host, service]` pairs, and
 * gaierror-like errors carrying Python's messages. Service names come from /etc/services.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#dns
 * @module
 */
import dns from "node:dns";
import { readFileSync } from "node:fs";
import net from "node:net";
import type { BaseEventLoop } from "./base-events.ts";
import type { Future } from "./futures.ts";
import { taskStorage } from "./internal/context.ts";
import type { DatagramAddress } from "./protocols.ts";
import { gaierror, nodeFamily, sockaddr, socket } from "./socket.ts";

/** One entry of `getaddrinfo()`: Python's `(family, type, proto, canonname, sockaddr)`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: DatagramAddress,
];

/** Options of `loop.getaddrinfo()`: Python's keyword arguments, with `socket`'s constants. */
export interface GetaddrinfoOptions {
  /** `socket.AF_INET`, `socket.AF_INET6` or `socket.AF_UNSPEC` (0, the default: both). */
  family?: number;
  /** `socket.SOCK_STREAM`, `socket.SOCK_DGRAM`, `socket.SOCK_RAW` or 0 (the default: each). */
  type?: number;
  /** `socket.IPPROTO_TCP`, `socket.IPPROTO_UDP` or 0 (the default). */
  proto?: number;
  /** `socket.AI_*` flags: `AI_PASSIVE`, `AI_CANONNAME`, `AI_NUMERICHOST`, `AI_NUMERICSERV`, ... */
  flags?: number;
}

const { SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, IPPROTO_TCP, IPPROTO_UDP } = socket;
const PROTO_OF: Readonly<Record<number, number>> = { [SOCK_STREAM]: 6, [SOCK_DGRAM]: 17, [SOCK_RAW]: 0 };

// /etc/services, read once when a service is first named: name/proto -> port, port/proto -> name.
let services: { byName: Map<string, number>; byPort: Map<string, string> } | null = null;

function serviceTable(): { byName: Map<string, number>; byPort: Map<string, string> } {
  if (services !== null) return services;
  const byName = new Map<string, number>();
  const byPort = new Map<string, string>();
  let text = "";
  try {
    text = readFileSync("/etc/services", "latin1");
  } catch {
    // No services file: only numeric ports resolve.
  }
  for (const raw of text.split("\n")) {
    const fields = raw.replace(/#.*/, "").trim().split(/\s+/);
    const [name, spec, ...aliases] = fields;
    const m = spec === undefined ? null : /^(\d+)\/(\w+)$/.exec(spec);
    if (name === undefined || m === null) continue;
    const [, port, proto] = m as unknown as [string, string, string];
    for (const n of [name, ...aliases]) if (!byName.has(`${n}/${proto}`)) byName.set(`${n}/${proto}`, +port);
    if (!byPort.has(`${port}/${proto}`)) byPort.set(`${port}/${proto}`, name);
  }
  services = { byName, byPort };
  return services;
}

/** Python's int check for ports and flags: an integral number. */
function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/** Python's type name of a JavaScript value, for CPython's messages. */
function pyType(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "number") return "float";
  if (typeof value === "boolean") return "bool";
  return Array.isArray(value) ? "list" : typeof value;
}

/** Resolve a Node callback API on the loop: its result settles `fut` from a loop callback. */
function settleOnLoop<T>(loop: BaseEventLoop, fut: Future<T>): (err: Error | null, value?: T) => void {
  return (err, value) => {
    if (loop.isClosed()) return;
    loop.callSoon(() => {
      if (fut.done()) return;
      if (err !== null) fut.setException(err);
      else fut.setResult(value as T);
    });
  };
}

/** The `[socktype, proto]` pairs an entry is made for, given the options and the port. */
function socktypes(type: number, proto: number, named: string | null): [number, number][] {
  if (type !== 0 && type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_RAW) {
    throw gaierror(socket.EAI_SOCKTYPE);
  }
  if (type !== 0 && type !== SOCK_RAW && proto !== 0 && proto !== PROTO_OF[type]) {
    throw gaierror(socket.EAI_SOCKTYPE);
  }
  if (type === 0 && proto !== 0 && proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) {
    throw gaierror(socket.EAI_SERVICE);
  }
  let pairs: [number, number][] =
    type !== 0
      ? [[type, proto === 0 ? (PROTO_OF[type] ?? 0) : proto]]
      : [
          [SOCK_STREAM, IPPROTO_TCP],
          [SOCK_DGRAM, IPPROTO_UDP],
          [SOCK_RAW, 0],
        ];
  if (type === 0 && proto !== 0) pairs = pairs.filter(([, p]) => p === proto);
  if (named !== null) {
    // A named service exists per protocol; a raw socket has none.
    const table = serviceTable().byName;
    pairs = pairs.filter(
      ([t]) => t !== SOCK_RAW && table.has(`${named}/${t === SOCK_STREAM ? "tcp" : "udp"}`),
    );
    if (pairs.length === 0) throw gaierror(socket.EAI_SERVICE);
  }
  return pairs;
}

/** The port of each socktype: a number, a numeric string, or a service name (null: port 0). */
function portFor(port: string | number | null, socktype: number): number {
  if (port === null) return 0;
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  return serviceTable().byName.get(`${port}/${socktype === SOCK_STREAM ? "tcp" : "udp"}`) ?? 0;
}

/** CPython's `loop.getaddrinfo()`, run in the awaiting task. @internal */
export async function getaddrinfoNow(
  loop: BaseEventLoop,
  host: string | null | undefined,
  port: string | number | null | undefined,
  options: GetaddrinfoOptions = {},
): Promise<AddrInfo[]> {
  const { family = 0, type = 0, proto = 0, flags = 0 } = options;
  if (host != null && typeof host !== "string") {
    throw new TypeError("getaddrinfo() argument 1 must be string or None");
  }
  if (port != null && typeof port !== "string" && !isInt(port)) {
    // CPython 3.13 socketmodule.c: `OSError("Int or String expected")`.
    throw new TypeError("Int or String expected");
  }
  for (const [name, value] of [
    ["family", family],
    ["type", type],
    ["proto", proto],
    ["flags", flags],
  ] as const) {
    if (!isInt(value))
      throw new TypeError(`${name} must be an integer (a socket constant), got ${String(value)}`);
  }
  if (host == null && port == null) throw gaierror(socket.EAI_NONAME);
  const fam = nodeFamily(family);
  if (fam === null) throw gaierror(socket.EAI_FAMILY);
  let p: string | number | null = port ?? null;
  let named: string | null = null;
  if (typeof p === "string" && !/^\d+$/.test(p)) {
    if ((flags & socket.AI_NUMERICSERV) !== 0) throw gaierror(socket.EAI_NONAME);
    named = p;
  } else if (p !== null) {
    p = Number(p);
    if (p < 0 || p > 65535) throw gaierror(socket.EAI_SERVICE);
    if (type === SOCK_RAW && p !== 0) throw gaierror(socket.EAI_SERVICE);
  }
  const pairs = socktypes(type, proto, named);

  let addresses: { address: string; family: number }[];
  if (host == null) {
    // No host: the wildcard addresses (AI_PASSIVE) or the loopback ones, in glibc's order.
    addresses =
      (flags & socket.AI_PASSIVE) !== 0
        ? [
            { address: "0.0.0.0", family: 4 },
            { address: "::", family: 6 },
          ]
        : [
            { address: "::1", family: 6 },
            { address: "127.0.0.1", family: 4 },
          ];
    addresses = addresses.filter((a) => fam === 0 || a.family === fam);
  } else if (net.isIP(host) !== 0) {
    const ipFamily = net.isIP(host);
    if (fam !== 0 && fam !== ipFamily) throw gaierror(socket.EAI_ADDRFAMILY);
    addresses = [{ address: host, family: ipFamily }];
  } else {
    if ((flags & socket.AI_NUMERICHOST) !== 0 || host === "") throw gaierror(socket.EAI_NONAME);
    const hints = flags & (socket.AI_ADDRCONFIG | socket.AI_V4MAPPED | socket.AI_ALL);
    const fut = loop.createFuture<dns.LookupAddress[]>();
    const lookupOptions: dns.LookupAllOptions = {
      all: true,
      family: fam,
      order: "verbatim",
      // Node's own hint values are the platform's.
      hints:
        ((hints & socket.AI_ADDRCONFIG) !== 0 ? dns.ADDRCONFIG : 0) |
        ((hints & socket.AI_V4MAPPED) !== 0 ? dns.V4MAPPED : 0) |
        ((hints & socket.AI_ALL) !== 0 ? dns.ALL : 0),
    };
    taskStorage.exit(() => {
      dns.lookup(host, lookupOptions, settleOnLoop(loop, fut));
    });
    try {
      addresses = await fut;
    } catch (e) {
      throw fromNodeError(e);
    }
  }

  const out: AddrInfo[] = [];
  const canon = (flags & socket.AI_CANONNAME) !== 0 && host != null ? host : "";
  for (const { address, family: f } of addresses) {
    for (const [t, pr] of pairs) {
      const pyFamily = f === 6 ? socket.AF_INET6 : socket.AF_INET;
      out.push([pyFamily, t, pr, out.length === 0 ? canon : "", sockaddr(address, portFor(p, t))]);
    }
  }
  return out;
}

/** Node's dns error as Python's gaierror, when it is one; else Node's error unchanged. */
function fromNodeError(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  const errno =
    code === "ENOTFOUND" || code === "ENODATA"
      ? socket.EAI_NONAME
      : code === "EAI_AGAIN"
        ? socket.EAI_AGAIN
        : code === "EAI_FAIL"
          ? socket.EAI_FAIL
          : code === "EAI_FAMILY"
            ? socket.EAI_FAMILY
            : null;
  return errno === null ? e : gaierror(errno, { cause: e });
}

/** CPython's `loop.getnameinfo()`, run in the awaiting task. @internal */
export async function getnameinfoNow(
  loop: BaseEventLoop,
  sockaddrArg: DatagramAddress,
  flags = 0,
): Promise<[host: string, service: string]> {
  const sa: unknown = sockaddrArg;
  if (!Array.isArray(sa)) throw new TypeError("getnameinfo() argument 1 must be a tuple");
  if (sa.length < 2 || sa.length > 4) throw new TypeError("getnameinfo(): illegal sockaddr argument");
  const [host, port] = sa as unknown[];
  if (typeof host !== "string") throw new TypeError("getnameinfo(): illegal sockaddr argument");
  if (!isInt(port)) throw new TypeError(`'${pyType(port)}' object cannot be interpreted as an integer`);
  if (!isInt(flags))
    throw new TypeError(`flags must be an integer (socket.NI_* constants), got ${String(flags)}`);
  // CPython resolves the host with AI_NUMERICHOST first: a name is an error.
  if (net.isIP(host) === 0) throw gaierror(socket.EAI_NONAME);
  if (port < 0 || port > 65535) throw new RangeError("getnameinfo(): port must be 0-65535.");
  const service =
    (flags & socket.NI_NUMERICSERV) !== 0
      ? String(port)
      : (serviceTable().byPort.get(`${port}/${(flags & socket.NI_DGRAM) !== 0 ? "udp" : "tcp"}`) ??
        String(port));
  if ((flags & socket.NI_NUMERICHOST) !== 0) {
    if ((flags & socket.NI_NAMEREQD) !== 0) throw gaierror(socket.EAI_NONAME);
    return [host, service];
  }
  const fut = loop.createFuture<string>();
  const settle = settleOnLoop(loop, fut);
  taskStorage.exit(() => {
    dns.lookupService(host, port, (err, hostname) => {
      settle(err, hostname);
    });
  });
  try {
    let name = await fut;
    if ((flags & socket.NI_NOFQDN) !== 0) name = name.split(".")[0] ?? name;
    return [name, service];
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (code !== "ENOTFOUND") throw fromNodeError(e);
    // No name for the address: the numeric host, unless a name is required.
    if ((flags & socket.NI_NAMEREQD) !== 0) throw gaierror(socket.EAI_NONAME, { cause: e });
    return [host, service];
  }
}
