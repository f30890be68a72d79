/**
 * What the socket transport (socket-transport.ts) needs around a `node:net` socket: its names,
 * and CPython's "Connection lost" error.
 * @module
 */
import net from "node:net";
import { constants as osConstants } from "node:os";
import type { SockName } from "../streams.ts";

/** CPython's `ConnectionResetError('Connection lost')`, as Node spells a reset. */
export function connectionLost(): Error {
  return Object.assign(new Error("Connection lost"), {
    code: "ECONNRESET",
    errno: -osConstants.errno.ECONNRESET,
  });
}

export function sockName(address: string | undefined, port: number | undefined): SockName {
  return [address ?? "", port ?? 0];
}

/** The `peername` and `sockname` of a connected socket; `unixPath` when it is a Unix socket. */
export function socketNames(
  socket: net.Socket,
  unixPath: string | null,
  serverSide: boolean,
): { peername: SockName; sockname: SockName } {
  if (unixPath !== null) {
    // A Unix client's peer is the path and its own name empty; an accepted socket the reverse.
    return { peername: serverSide ? "" : unixPath, sockname: serverSide ? unixPath : "" };
  }
  return {
    peername: sockName(socket.remoteAddress, socket.remotePort),
    sockname: sockName(socket.localAddress, socket.localPort),
  };
}
