import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import {
  appConfigPath,
  defaultAppConfig,
  readAppConfig,
  writeAppConfig,
} from "../../../src/config/config.js";
import { CodedError } from "../../../src/types/errors.js";

function withHome(f: (home: string) => void): void {
  const home = mkdtempSync(join(tmpdir(), "openledger-apicfg-"));
  try {
    mkdirSync(dirname(appConfigPath(home)), { recursive: true });
    f(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe("app.toml [api] (REST gateway) settings", () => {
  it("defaults to enabled on loopback with CORS off", () => {
    const d = defaultAppConfig().api;
    assert.deepEqual(d, {
      enable: true,
      address: "tcp://127.0.0.1:1317",
      enabledUnsafeCors: false,
      corsAllowedOrigins: [],
      maxBodyBytes: 1_000_000,
      maxOpenConnections: 1000,
    });
  });

  it("round-trips through app.toml and reads the SDK's key names", () => {
    withHome((home) => {
      const c = defaultAppConfig();
      c.api = {
        ...c.api,
        enabledUnsafeCors: true,
        corsAllowedOrigins: ["http://a.example"],
        maxBodyBytes: 5,
      };
      writeAppConfig(home, c);
      assert.deepEqual(readAppConfig(home).api, c.api);
      writeFileSync(
        appConfigPath(home),
        '[api]\nenable = false\naddress = "tcp://0.0.0.0:1318"\nenabled-unsafe-cors = true\n',
      );
      const r = readAppConfig(home).api;
      assert.equal(r.enable, false);
      assert.equal(r.address, "tcp://0.0.0.0:1318");
      assert.equal(r.enabledUnsafeCors, true);
      assert.equal(r.maxBodyBytes, 1_000_000);
    });
  });

  it("refuses wrong types with a coded config error", () => {
    withHome((home) => {
      for (const bad of ['enabled-unsafe-cors = "yes"', "max-body-bytes = 0", 'cors-allowed-origins = "x"']) {
        writeFileSync(appConfigPath(home), `[api]\n${bad}\n`);
        assert.throws(
          () => readAppConfig(home),
          (e: unknown) => e instanceof CodedError && e.codespace === "config",
          bad,
        );
      }
    });
  });
});
