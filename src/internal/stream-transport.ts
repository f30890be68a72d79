/**
 * What the socket transport (socket-transport.ts) needs around a `node:net` socket: its names,
 * CPython's "Connection lost" error, and the TLS socket put over it for `ssl` and `startTls()`.
 * @module
 */
import net from "node:net";
import { constants as osConstants } from "node:os";
import tls from "node:tls";
import { cipherBits, type TlsParams } from "../sslproto.ts";
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

/** Put a TLS socket over `plain`, as the server or the client `params` say. */
export function wrapTls(plain: net.Socket, params: TlsParams): tls.TLSSocket {
  if (params.serverSide) {
    return new tls.TLSSocket(plain, {
      isServer: true,
      secureContext: params.context,
      requestCert: params.requestCert,
      rejectUnauthorized: params.rejectUnauthorized,
      ...(params.ALPNProtocols === undefined ? {} : { ALPNProtocols: params.ALPNProtocols }),
    });
  }
  const name = params.serverHostname;
  return tls.connect({
    socket: plain,
    secureContext: params.context,
    rejectUnauthorized: params.rejectUnauthorized,
    // RFC 6066 forbids an IP address as SNI; the certificate is still checked against it.
    ...(name === "" || net.isIP(name) !== 0 ? {} : { servername: name }),
    checkServerIdentity: (_host, cert) => (name === "" ? undefined : tls.checkServerIdentity(name, cert)),
    ...(params.ALPNProtocols === undefined ? {} : { ALPNProtocols: params.ALPNProtocols }),
  });
}

/** The extra information of a TLS connection once its handshake is done. */
export function tlsExtra(
  t: tls.TLSSocket,
  context: tls.SecureContext,
): {
  sslcontext: tls.SecureContext;
  peercert: tls.PeerCertificate | null;
  cipher: [name: string, version: string, secretBits: number | null];
  compression: null;
  ssl_object: tls.TLSSocket;
} {
  const cert = t.getPeerCertificate();
  const cipher = t.getCipher();
  return {
    sslcontext: context,
    // Python's getpeercert() is None without a certificate; Node returns an empty object.
    peercert: Object.keys(cert).length === 0 ? null : cert,
    cipher: [cipher.name, cipher.version, cipherBits(cipher.name)],
    compression: null,
    ssl_object: t,
  };
}
