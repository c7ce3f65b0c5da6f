/** e2e helpers of the Model Factory and the serving gateway: `factory train` arguments, `openledgerd serve`. */
import { type ChildProcess, spawn } from "node:child_process";
import { CLI, freePort } from "./harness.js";

/** A running gateway: its process and port. */
export interface Gateway {
  process: ChildProcess;
  port: number;
}

/**
 * Start `openledgerd serve --node <rpcUrl> --port <free> --data-dir <dataDir> --operator <operator> ...extra`
 * and wait for "serving on"; rejects with its output when it exits first. `onSpawn` gets the process at
 * once (so the caller can kill it in `after` even if startup fails).
 */
export async function startGateway(
  rpcUrl: string,
  dataDir: string,
  operator: string,
  extra: string[] = [],
  onSpawn?: (p: ChildProcess) => void,
): Promise<Gateway> {
  const port = await freePort();
  const g = spawn(
    process.execPath,
    [
      CLI,
      "serve",
      "--node",
      rpcUrl,
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--operator",
      operator,
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  onSpawn?.(g);
  await new Promise<void>((ok, fail) => {
    let out = "";
    g.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("serving on")) ok();
    });
    g.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    g.once("exit", (code) => fail(new Error(`gateway exited ${code}: ${out}`)));
  });
  return { process: g, port };
}

/** `factory train --datanet <id@version> --order <n> --out <dir>`, registering the model when `register` is given. */
export function trainArgs(
  datanet: string,
  order: number,
  out: string,
  register?: { from: string; inputPrice?: string; outputPrice?: string },
): string[] {
  const args = ["factory", "train", "--datanet", datanet, "--order", String(order), "--out", out];
  if (!register) return args;
  args.push("--register", "--from", register.from);
  if (register.inputPrice !== undefined) args.push("--input-price", register.inputPrice);
  if (register.outputPrice !== undefined) args.push("--output-price", register.outputPrice);
  return args;
}
