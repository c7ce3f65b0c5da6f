/**
 * CLI output and error reporting shared by the wallet commands: `--output json` prints one compact JSON
 * object per result on stdout (int64 as strings, stable snake_case keys); `--output text` prints readable
 * lines. Errors go to stderr as `Error: <message> [codespace N]` (or `{"error":{...}}` in json mode) and
 * set a nonzero exit code; stack traces only with OPENLEDGER_DEBUG=1.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { CodedError } from "../types/errors.js";

/** Output formats of `--output`. */
export const OUTPUT_FORMATS = ["json", "text"] as const;
/** The default node home. */
export const DEFAULT_HOME = join(homedir(), ".openledger");
/** Exit code for any failed command. */
export const EXIT_FAILURE = 1;

/** An output format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The global options every wallet command reads. */
export interface GlobalOptions {
  /** Absolute node home. */
  home: string;
  output: OutputFormat;
}

/** Where output goes; process streams by default, replaceable in tests. */
export interface OutputSink {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** The process's stdout/stderr. */
export const processSink: OutputSink = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

let currentSink: OutputSink = processSink;

/** Redirect all command output (tests); returns the previous sink. */
export function setOutputSink(sink: OutputSink): OutputSink {
  const previous = currentSink;
  currentSink = sink;
  return previous;
}

/** The sink commands currently write to. */
export function outputSink(): OutputSink {
  return currentSink;
}

/** Read `--home` and `--output` from a command and its parents (defaults `~/.openledger`, `text`). */
export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as { home?: string; output?: string };
  const output = (o.output ?? "text").toLowerCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(output)) {
    throw new CodedError("cli", 2, `invalid --output ${JSON.stringify(o.output)}: use json or text`);
  }
  return { home: expandHome(o.home ?? DEFAULT_HOME), output: output as OutputFormat };
}

/** `~` and `~/x` → the user's home; relative paths → absolute. */
export function expandHome(p: string): string {
  if (p === "~") return homedir();
  if (p.startsWith("~/")) return join(homedir(), p.slice(2));
  return resolve(p);
}

/** Serialise to compact JSON; bigint → string, bytes → base64. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
    return v;
  });
}

/** Print a result: `value` as JSON, or the lines of `text()` in text mode. */
export function emit(
  format: OutputFormat,
  value: unknown,
  text: () => string[],
  sink: OutputSink = currentSink,
): void {
  if (format === "json") sink.stdout(`${stringifyJson(value)}\n`);
  else sink.stdout(`${text().join("\n")}\n`);
}

/** Print an error on stderr in the chosen format. */
export function printError(e: unknown, format: OutputFormat, sink: OutputSink = currentSink): void {
  const coded = e instanceof CodedError ? e : undefined;
  const message = e instanceof Error ? e.message : String(e);
  if (format === "json") {
    sink.stderr(
      `${stringifyJson({ error: { codespace: coded?.codespace ?? "", code: coded?.code ?? 1, message } })}\n`,
    );
  } else {
    sink.stderr(`Error: ${message}${coded ? ` [${coded.codespace} ${coded.code}]` : ""}\n`);
  }
  if (process.env["OPENLEDGER_DEBUG"] === "1" && e instanceof Error && e.stack) sink.stderr(`${e.stack}\n`);
}

/**
 * Run a command body: on error print it (no stack trace) and set a nonzero exit code, so commander's
 * `parseAsync` resolves normally and the process exits with EXIT_FAILURE.
 */
export async function runCommand(cmd: Command, body: (g: GlobalOptions) => Promise<void>): Promise<void> {
  let format: OutputFormat = "text";
  try {
    const g = globalOptions(cmd);
    format = g.output;
    await body(g);
  } catch (e) {
    printError(e, format);
    process.exitCode = EXIT_FAILURE;
  }
}

/** Render `key: value` lines, skipping undefined values. */
export function kvLines(entries: [string, string | number | boolean | undefined][], indent = ""): string[] {
  return entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${indent}${k}: ${String(v)}`);
}
