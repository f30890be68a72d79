/**
 * The HTTP messages of the opening handshake (websockets' http11.py): the client's `Request` and
 * the server's `Response`. Headers are WHATWG `Headers`: case-insensitive and multi-valued, as
 * websockets' `Headers`.
 * @see https://websockets.readthedocs.io/en/stable/reference/datastructures.html#http-messages
 * @module
 */
import { Buffer } from "node:buffer";
import { STATUS_CODES } from "node:http";

/**
 * The opening handshake request: the path (with its query string) and the headers.
 * @see https://websockets.readthedocs.io/en/stable/reference/datastructures.html#websockets.http11.Request
 */
export class Request {
  /** The request path, including the query string (`/chat?room=1`). */
  readonly path: string;
  /** The request headers. */
  readonly headers: Headers;

  constructor(path: string, headers: Headers) {
    this.path = path;
    this.headers = headers;
  }
}

/**
 * An HTTP response of the opening handshake: the server's `101 Switching Protocols`, or a
 * rejection (`connection.respond(403, "Forbidden\n")`).
 * @see https://websockets.readthedocs.io/en/stable/reference/datastructures.html#websockets.http11.Response
 */
export class Response {
  /** The status code (`101`, `403`, …). */
  readonly statusCode: number;
  /** The reason phrase (`Forbidden`). */
  readonly reasonPhrase: string;
  /** The response headers; a handler may change them before the response is sent. */
  readonly headers: Headers;
  /** The body. */
  readonly body: Uint8Array;

  constructor(
    statusCode: number,
    reasonPhrase: string,
    headers: Headers,
    body: Uint8Array = new Uint8Array(),
  ) {
    this.statusCode = statusCode;
    this.reasonPhrase = reasonPhrase;
    this.headers = headers;
    this.body = body;
  }
}

/** Headers from Node's `rawHeaders` (name, value, name, value, …). */
export function headersFromRaw(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] as string, raw[i + 1] as string);
    } catch {
      // A header WHATWG refuses (an invalid name): Node accepted it, we leave it out.
    }
  }
  return headers;
}

/** The reason phrase of a status code (`Forbidden`). */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? "";
}

/**
 * A plain-text response rejecting the handshake, as websockets' `ServerProtocol.reject()` builds
 * it: `Date`, `Connection: close`, `Content-Length` and `Content-Type: text/plain; charset=utf-8`.
 */
export function rejectResponse(status: number, text: string): Response {
  const body = Buffer.from(text, "utf8");
  const headers = new Headers([
    ["Date", new Date().toUTCString()],
    ["Connection", "close"],
    ["Content-Length", String(body.length)],
    ["Content-Type", "text/plain; charset=utf-8"],
  ]);
  return new Response(status, reasonPhrase(status), headers, body);
}

/** The bytes of `response` on the wire (HTTP/1.1). */
export function serializeResponse(response: Response): Buffer {
  let head = `HTTP/1.1 ${String(response.statusCode)} ${response.reasonPhrase}\r\n`;
  for (const [name, value] of response.headers) head += `${name}: ${value}\r\n`;
  head += "\r\n";
  return Buffer.concat([Buffer.from(head, "latin1"), response.body]);
}
