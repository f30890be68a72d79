// A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI (the TLS tests
// of streams, HTTP and WebSockets, and the surface walk's I/O cases).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SelfSigned {
  key: Buffer;
  cert: Buffer;
}

/** Make a key and certificate (`rsa`: RSA 2048; `ec`: P-256) valid for a day or two. */
export function selfSignedCertificate(kind: "rsa" | "ec" = "rsa"): SelfSigned {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-cert-"));
  try {
    const newkey =
      kind === "rsa"
        ? ["-newkey", "rsa:2048"]
        : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        ...newkey,
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem",
      ],
      { cwd: dir, stdio: "ignore" },
    );
    return {
      key: fs.readFileSync(path.join(dir, "key.pem")),
      cert: fs.readFileSync(path.join(dir, "cert.pem")),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
