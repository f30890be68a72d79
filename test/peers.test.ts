// Optional peers: asyncio-ts/bullmq loads when bullmq and ioredis are installed (they are
// devDependencies here); a missing one gives one line naming the install command. The consumer
// test (test/package.test.ts) shows the same from a project without them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { missingPeers, requirePeers } from "../src/internal/peers.ts";

describe("optional peer dependencies", () => {
  it("asyncio-ts/bullmq imports when its peers are installed", async () => {
    const module = await import("../src/bullmq/index.ts");
    assert.deepEqual(module.PEER_DEPENDENCIES, ["bullmq", "ioredis"]);
    assert.deepEqual(missingPeers(module.PEER_DEPENDENCIES), []);
  });

  it("names only the missing ones, and the whole install command", () => {
    assert.deepEqual(missingPeers(["ioredis", "no-such-package-asyncio-ts"]), ["no-such-package-asyncio-ts"]);
    assert.throws(
      () => {
        requirePeers("bullmq", ["ioredis", "no-such-package-asyncio-ts"]);
      },
      {
        message:
          "asyncio-ts/bullmq needs no-such-package-asyncio-ts, not installed: run `npm install ioredis no-such-package-asyncio-ts`",
      },
    );
    assert.doesNotThrow(() => {
      requirePeers("bullmq", ["ioredis"]);
    });
  });
});
