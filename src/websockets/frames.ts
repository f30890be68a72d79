/**
 * Close frames (websockets' frames.py): `Close` with its code and reason, the close codes, and
 * how websockets prints them ("1000 (OK)").
 * @see https://websockets.readthedocs.io/en/stable/reference/datastructures.html#websockets.frames.Close
 * @module
 */
import { inspectCustom } from "../internal/repr.ts";

/** Close code values for WebSocket close frames (websockets' `CloseCode`). */
export const CloseCode = {
  NORMAL_CLOSURE: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  NO_STATUS_RCVD: 1005,
  ABNORMAL_CLOSURE: 1006,
  INVALID_DATA: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  MANDATORY_EXTENSION: 1010,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_GATEWAY: 1014,
  TLS_HANDSHAKE: 1015,
} as const;
/** One of {@link CloseCode}'s values. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

// websockets 14 frames.py CLOSE_CODE_EXPLANATIONS.
const EXPLANATIONS: ReadonlyMap<number, string> = new Map([
  [1000, "OK"],
  [1001, "going away"],
  [1002, "protocol error"],
  [1003, "unsupported data"],
  [1005, "no status received [internal]"],
  [1006, "abnormal closure [internal]"],
  [1007, "invalid frame payload data"],
  [1008, "policy violation"],
  [1009, "message too big"],
  [1010, "mandatory extension"],
  [1011, "internal error"],
  [1012, "service restart"],
  [1013, "try again later"],
  [1014, "bad gateway"],
  [1015, "TLS handshake failure [internal]"],
]);

/** The codes an endpoint may put in a close frame, besides 3000–4999 (websockets' EXTERNAL_CLOSE_CODES). */
const EXTERNAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
]);

/** The codes of a normal closure (websockets 14's OK_CLOSE_CODES). */
export const OK_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1005]);

/** Whether `code` may be sent in a close frame. */
export function isExternalCloseCode(code: number): boolean {
  return EXTERNAL_CLOSE_CODES.has(code) || (Number.isInteger(code) && code >= 3000 && code < 5000);
}

/**
 * The code and reason of a close frame. `String(close)` is websockets' text: `1000 (OK)`,
 * `1001 (going away) bye`, `4000 (private use)`.
 * @see https://websockets.readthedocs.io/en/stable/reference/datastructures.html#websockets.frames.Close
 */
export class Close {
  /** The close code. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;

  constructor(code: number, reason: string) {
    this.code = code;
    this.reason = reason;
  }

  toString(): string {
    let explanation: string;
    if (this.code >= 3000 && this.code < 4000) explanation = "registered";
    else if (this.code >= 4000 && this.code < 5000) explanation = "private use";
    else explanation = EXPLANATIONS.get(this.code) ?? "unknown";
    const result = `${String(this.code)} (${explanation})`;
    return this.reason === "" ? result : `${result} ${this.reason}`;
  }

  [inspectCustom](): string {
    return `Close(code=${String(this.code)}, reason=${JSON.stringify(this.reason)})`;
  }
}
