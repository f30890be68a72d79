/**
 * websockets' exceptions (exceptions.py): `name` is the Python class name, messages are
 * websockets' own words, each class has a stable `code`, and a `Symbol.for` brand makes
 * `instanceof` agree across two installed copies of the package.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html
 * @module
 */
import { brand as brandClass, brandedHasInstance } from "../internal/brand.ts";
import type { Close } from "./frames.ts";
import type { Response } from "./http11.ts";

const brand = (cls: abstract new (...args: never[]) => object, name: string): void => {
  brandClass(cls, name, "asyncio-ts.websockets");
};

/**
 * Base class for all exceptions defined by websockets.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.WebSocketException
 */
export class WebSocketException extends Error {
  readonly code: string = "ERR_WEBSOCKETS";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, value);
  }
}
brand(WebSocketException, "WebSocketException");

function closedMessage(rcvd: Close | null, sent: Close | null, rcvdThenSent: boolean | null): string {
  if (rcvd === null) {
    return sent === null
      ? "no close frame received or sent"
      : `sent ${String(sent)}; no close frame received`;
  }
  if (sent === null) return `received ${String(rcvd)}; no close frame sent`;
  return rcvdThenSent === true
    ? `received ${String(rcvd)}; then sent ${String(sent)}`
    : `sent ${String(sent)}; then received ${String(rcvd)}`;
}

/**
 * Raised when trying to interact with a closed connection. `rcvd` and `sent` are the close frames
 * received and sent (null when there was none); `rcvdThenSent` tells their order when both exist.
 * The message is websockets': `received 1000 (OK); then sent 1000 (OK)`.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.ConnectionClosed
 */
export class ConnectionClosed extends WebSocketException {
  override readonly code: string = "ERR_WEBSOCKETS_CONNECTION_CLOSED";
  /** The close frame received, if any. */
  readonly rcvd: Close | null;
  /** The close frame sent, if any. */
  readonly sent: Close | null;
  /** Whether the close frame was received before one was sent (null unless both exist). */
  readonly rcvdThenSent: boolean | null;

  constructor(
    rcvd: Close | null,
    sent: Close | null,
    rcvdThenSent: boolean | null = null,
    options?: ErrorOptions,
  ) {
    super(closedMessage(rcvd, sent, rcvdThenSent), options);
    this.rcvd = rcvd;
    this.sent = sent;
    this.rcvdThenSent = rcvdThenSent;
  }
}
brand(ConnectionClosed, "ConnectionClosed");

/**
 * Like {@link ConnectionClosed}, when the connection terminated properly: a close frame with code
 * 1000 (OK), 1001 (going away) or no code was received and sent.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.ConnectionClosedOK
 */
export class ConnectionClosedOK extends ConnectionClosed {
  override readonly code: string = "ERR_WEBSOCKETS_CONNECTION_CLOSED_OK";
}
brand(ConnectionClosedOK, "ConnectionClosedOK");

/**
 * Like {@link ConnectionClosed}, when the connection terminated with an error: a close frame with
 * another code was received or sent, or the closing handshake did not complete.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.ConnectionClosedError
 */
export class ConnectionClosedError extends ConnectionClosed {
  override readonly code: string = "ERR_WEBSOCKETS_CONNECTION_CLOSED_ERROR";
}
brand(ConnectionClosedError, "ConnectionClosedError");

/**
 * Raised when connecting to a URI that is not a valid WebSocket URI: `http://x isn't a valid URI:
 * scheme isn't ws or wss`.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.InvalidURI
 */
export class InvalidURI extends WebSocketException {
  override readonly code: string = "ERR_WEBSOCKETS_INVALID_URI";
  /** The URI given. */
  readonly uri: string;
  /** What is wrong with it. */
  readonly msg: string;
  constructor(uri: string, msg: string) {
    super(`${uri} isn't a valid URI: ${msg}`);
    this.uri = uri;
    this.msg = msg;
  }
}
brand(InvalidURI, "InvalidURI");

/**
 * Base class for exceptions raised when the opening handshake fails.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.InvalidHandshake
 */
export class InvalidHandshake extends WebSocketException {
  override readonly code: string = "ERR_WEBSOCKETS_INVALID_HANDSHAKE";
}
brand(InvalidHandshake, "InvalidHandshake");

/**
 * Raised when a handshake request or response breaks a security rule (a redirect to a
 * non-secure URI, too many redirects).
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.SecurityError
 */
export class SecurityError extends InvalidHandshake {
  override readonly code: string = "ERR_WEBSOCKETS_SECURITY";
}
brand(SecurityError, "SecurityError");

/**
 * Raised when a handshake request or response is malformed.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.InvalidMessage
 */
export class InvalidMessage extends InvalidHandshake {
  override readonly code: string = "ERR_WEBSOCKETS_INVALID_MESSAGE";
}
brand(InvalidMessage, "InvalidMessage");

/**
 * Raised when a handshake response rejects the WebSocket upgrade: `server rejected WebSocket
 * connection: HTTP 403`. `response` holds the status, headers and body.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.InvalidStatus
 */
export class InvalidStatus extends InvalidHandshake {
  override readonly code: string = "ERR_WEBSOCKETS_INVALID_STATUS";
  /** The HTTP response that rejected the upgrade. */
  readonly response: Response;
  constructor(response: Response) {
    super(`server rejected WebSocket connection: HTTP ${String(response.statusCode)}`);
    this.response = response;
  }
}
brand(InvalidStatus, "InvalidStatus");

/**
 * Raised when receiving or sending a frame that breaks the protocol, such as a close frame with
 * an invalid code (`invalid status code`).
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.ProtocolError
 */
export class ProtocolError extends WebSocketException {
  override readonly code: string = "ERR_WEBSOCKETS_PROTOCOL";
}
brand(ProtocolError, "ProtocolError");

/**
 * Raised when receiving or sending messages concurrently: two tasks in `recv()` at once
 * (`cannot call recv while another coroutine is already running recv or recv_streaming`), two
 * pings with the same payload.
 * @see https://websockets.readthedocs.io/en/stable/reference/exceptions.html#websockets.exceptions.ConcurrencyError
 */
export class ConcurrencyError extends WebSocketException {
  override readonly code: string = "ERR_WEBSOCKETS_CONCURRENCY";
}
brand(ConcurrencyError, "ConcurrencyError");
