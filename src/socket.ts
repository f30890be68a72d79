/**
 * The constants of Python's `socket` module that the loop's network methods take and return
 * (`family`, `type`, `proto`, `flags` of `getaddrinfo()`, `createDatagramEndpoint()`, ...), with
 * the platform's values, as Python has them: `asyncio.socket.AF_INET` is Python's
 * `socket.AF_INET`. Also the address helpers shared by the datagram transport and dns.ts.
 * @module
 */
import net from "node:net";
import { taskStorage } from "./internal/context.ts";
import { reprValue } from "./internal/repr.ts";
import type { DatagramAddress } from "./protocols.ts";

const darwin = process.platform === "darwin";
const win32 = process.platform === "win32";

/**
 * Python's `socket` constants used by the loop's network methods, with this platform's values.
 * @extension Python has them in its `socket` module; `import { socket } from "asyncio-ts"` reads
 * the same: `socket.AF_INET`.
 * @see https://docs.python.org/3.13/library/socket.html#constants
 */
export const socket = Object.freeze({
  AF_UNSPEC: 0,
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: darwin ? 30 : win32 ? 23 : 10,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  IPPROTO_IP: 0,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  AI_PASSIVE: 1,
  AI_CANONNAME: 2,
  AI_NUMERICHOST: 4,
  AI_V4MAPPED: darwin ? 0x800 : 8,
  AI_ALL: darwin ? 0x100 : 0x10,
  AI_ADDRCONFIG: darwin ? 0x400 : 0x20,
  AI_NUMERICSERV: darwin ? 0x1000 : 0x400,
  NI_NUMERICHOST: darwin ? 2 : 1,
  NI_NUMERICSERV: darwin ? 8 : 2,
  NI_NOFQDN: darwin ? 1 : 4,
  NI_NAMEREQD: darwin ? 4 : 8,
  NI_DGRAM: 16,
  EAI_BADFLAGS: darwin ? 3 : -1,
  EAI_NONAME: darwin ? 8 : -2,
  EAI_AGAIN: darwin ? 2 : -3,
  EAI_FAIL: darwin ? 4 : -4,
  EAI_NODATA: darwin ? 7 : -5,
  EAI_FAMILY: darwin ? 5 : -6,
  EAI_SOCKTYPE: darwin ? 10 : -7,
  EAI_SERVICE: darwin ? 9 : -8,
  EAI_ADDRFAMILY: darwin ? 1 : -9,
} as const);

/** glibc's gai_strerror() texts, which Python's gaierror messages carry. */
const GAI_MESSAGES: Readonly<Record<number, string>> = {
  [socket.EAI_BADFLAGS]: "Bad value for ai_flags",
  [socket.EAI_NONAME]: "Name or service not known",
  [socket.EAI_AGAIN]: "Temporary failure in name resolution",
  [socket.EAI_FAIL]: "Non-recoverable failure in name resolution",
  [socket.EAI_NODATA]: "No address associated with hostname",
  [socket.EAI_FAMILY]: "ai_family not supported",
  [socket.EAI_SOCKTYPE]: "ai_socktype not supported",
  [socket.EAI_SERVICE]: "Servname not supported for ai_socktype",
  [socket.EAI_ADDRFAMILY]: "Address family for hostname not supported",
};

/** Node's code for each EAI error (dns reports EAI_NONAME and EAI_NODATA as ENOTFOUND). */
const GAI_CODES: Readonly<Record<number, string>> = {
  [socket.EAI_BADFLAGS]: "EAI_BADFLAGS",
  [socket.EAI_NONAME]: "ENOTFOUND",
  [socket.EAI_AGAIN]: "EAI_AGAIN",
  [socket.EAI_FAIL]: "EAI_FAIL",
  [socket.EAI_NODATA]: "ENOTFOUND",
  [socket.EAI_FAMILY]: "EAI_FAMILY",
  [socket.EAI_SOCKTYPE]: "EAI_SOCKTYPE",
  [socket.EAI_SERVICE]: "EAI_SERVICE",
  [socket.EAI_ADDRFAMILY]: "EAI_ADDRFAMILY",
};

/**
 * Python's `socket.gaierror`: an address lookup failed. `message` is Python's
 * (`[Errno -2] Name or service not known`), `errno` the EAI number, `code` Node's code for it
 * (`ENOTFOUND`, `EAI_AGAIN`, ...), `args` Python's `(errno, strerror)`.
 */
export interface GaiError extends Error {
  readonly name: "gaierror";
  readonly errno: number;
  readonly code: string;
  readonly strerror: string;
  readonly args: [errno: number, strerror: string];
}

/** A gaierror for EAI error `errno` (one of the `socket.EAI_*`). */
export function gaierror(errno: number, options?: ErrorOptions): GaiError {
  const strerror = GAI_MESSAGES[errno] ?? "Unknown error";
  const error = new Error(`[Errno ${errno}] ${strerror}`, options);
  return Object.assign(error, {
    name: "gaierror" as const,
    errno,
    code: GAI_CODES[errno] ?? "EAI_SYSTEM",
    strerror,
    args: [errno, strerror] as [number, string],
  });
}

/** The Node family number (4, 6) of a Python family, 0 for AF_UNSPEC; null for another family. */
export function nodeFamily(family: number): 0 | 4 | 6 | null {
  if (family === socket.AF_UNSPEC) return 0;
  if (family === socket.AF_INET) return 4;
  if (family === socket.AF_INET6) return 6;
  return null;
}

/**
 * Python's socket address of `host:port`: `[host, port]` for IPv4, `[host, port, 0, scopeId]`
 * for IPv6 (the scope id is the numeric zone of `fe80::1%2`, else 0).
 */
export function sockaddr(host: string, port: number): DatagramAddress {
  if (net.isIPv6(host)) {
    const pct = host.indexOf("%");
    const zone = pct === -1 ? "" : host.slice(pct + 1);
    return [host, port, 0, /^\d+$/.test(zone) ? Number(zone) : 0];
  }
  return [host, port];
}

/** A socket from `sock=`: a `net.Socket`, or a file descriptor of a connected stream socket. */
export function streamSocketOf(sock: unknown): net.Socket {
  if (sock instanceof net.Socket) return sock;
  if (typeof sock === "number" && Number.isInteger(sock) && sock >= 0) {
    return taskStorage.exit(
      () => new net.Socket({ fd: sock, allowHalfOpen: true, readable: true, writable: true }),
    );
  }
  // CPython 3.13 base_events.py: `A Stream Socket was expected, got {sock!r}`.
  throw new TypeError(
    `A Stream Socket was expected, got ${reprValue(sock)}: pass a net.Socket or the file descriptor of a connected socket`,
  );
}
