/** The launchers' runtime settings: V8 flags in the shebang, glibc env filled in without overriding. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { NODE_RUNTIME_ENV, NODE_RUNTIME_FLAGS, nodeRuntimeEnv } from "../../../src/node/runtimeFlags.js";

describe("runtime flags", () => {
  it("fill in the glibc settings where the environment has none, keeping values already set", () => {
    const env = nodeRuntimeEnv({ PATH: "/bin", MALLOC_ARENA_MAX: "4" });
    assert.equal(env["PATH"], "/bin");
    assert.equal(env["MALLOC_ARENA_MAX"], "4");
    assert.equal(env["MALLOC_MMAP_THRESHOLD_"], NODE_RUNTIME_ENV["MALLOC_MMAP_THRESHOLD_"]);
  });

  it("are the ones the openledgerd shebang, npm start and the Docker image use", () => {
    const settings = [
      ...Object.entries(NODE_RUNTIME_ENV).map(([k, v]) => `${k}=${v}`),
      ...NODE_RUNTIME_FLAGS,
    ];
    const root = new URL("../../../", import.meta.url);
    const shebang = readFileSync(new URL("src/cli/main.ts", root), "utf8").split("\n")[0]!;
    const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
      scripts: Record<string, string>;
    };
    const docker = readFileSync(new URL("docker/Dockerfile", root), "utf8");
    for (const s of settings) {
      assert.ok(shebang.includes(s), `shebang lacks ${s}`);
      assert.ok(pkg.scripts["start"]!.includes(s), `npm start lacks ${s}`);
      assert.ok(docker.includes(s), `Dockerfile lacks ${s}`);
    }
  });
});
