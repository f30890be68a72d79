/**
 * asyncio-ts/websockets: the `websockets` library's asyncio API (version 14 and later) on the
 * `ws` package. Importing the core (`asyncio-ts`) never loads `ws`; this subpath does.
 * @example
 * import * as asyncio from "asyncio-ts";
 * import { serve, connect, type ServerConnection } from "asyncio-ts/websockets";
 *
 * const echo = async (ws: ServerConnection) => {
 *   for await (const message of ws) await ws.send(message);
 * };
 * await asyncio.run(async () => {
 *   await serve(echo, "127.0.0.1", 8765).with(async () => {
 *     await connect("ws://127.0.0.1:8765").with(async (ws) => {
 *       await ws.send("Hello");
 *       console.log(await ws.recv()); // Hello
 *     });
 *   });
 * });
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html
 * @module
 */

// server
export { serve, Server, ServerConnection } from "./server.ts";
export type { Serve, ServeOptions, Handler, ProcessRequestResult } from "./server.ts";
// client
export { connect, ClientConnection, processException, backoff, parseUri, USER_AGENT } from "./client.ts";
export type { Connect, ConnectOptions, WebSocketURI } from "./client.ts";
// connection
export { Connection, State, broadcast } from "./connection.ts";
export type { ConnectionOptions, Data, DataLike, SendOptions, BroadcastOptions } from "./connection.ts";
// frames, http11
export { Close, CloseCode } from "./frames.ts";
export { Request, Response } from "./http11.ts";
// exceptions
export {
  WebSocketException,
  ConnectionClosed,
  ConnectionClosedOK,
  ConnectionClosedError,
  InvalidURI,
  InvalidHandshake,
  SecurityError,
  InvalidMessage,
  InvalidStatus,
  ProtocolError,
  ConcurrencyError,
} from "./exceptions.ts";
