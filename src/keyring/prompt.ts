/**
 * Terminal input for the CLI wallet: hidden password prompts, y/N confirmations and reading all of stdin.
 * Prompts are written to stderr so stdout stays machine-readable.
 */
import { createInterface } from "node:readline";
import { KeyringCode, keyringError } from "./errors.js";

/** Where prompts read from and write to; the process's stdin/stderr by default, replaceable in tests. */
export interface PromptIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  output: NodeJS.WritableStream;
}

/** The default prompt streams: stdin and stderr. */
export function processIo(): PromptIo {
  return { input: process.stdin, output: process.stderr };
}

/** True when stdin is an interactive terminal (prompts are possible). */
export function stdinIsTty(io: PromptIo = processIo()): boolean {
  return io.input.isTTY === true;
}

/** Ask for a secret without echoing it; Ctrl-C or Ctrl-D abort with `keyring` code 12. */
export function promptHidden(question: string, io: PromptIo = processIo()): Promise<string> {
  const { input, output } = io;
  output.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    const raw = typeof input.setRawMode === "function" && input.isTTY === true;
    if (raw) input.setRawMode!(true);
    input.resume();
    const finish = (err?: Error) => {
      input.removeListener("data", onData);
      if (raw) input.setRawMode!(false);
      input.pause();
      output.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      const chars = [...chunk.toString()];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i]!;
        if (ch === "\r" || ch === "\n") {
          // Keep what was typed (or pasted) after Enter for the next prompt.
          const rest = chars.slice(ch === "\r" && chars[i + 1] === "\n" ? i + 2 : i + 1).join("");
          finish();
          if (rest !== "" && "unshift" in input) (input as NodeJS.ReadableStream).unshift(Buffer.from(rest));
          return;
        }
        if (ch === "\u0003" || ch === "\u0004") {
          return finish(keyringError(KeyringCode.NotConfirmed, "aborted"));
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on("data", onData);
  });
}

/** Ask a question and return the typed line (echoed). */
export function promptLine(question: string, io: PromptIo = processIo()): Promise<string> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  io.output.write(question);
  return new Promise((resolve) => {
    let done = false;
    rl.once("line", (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once("close", () => {
      if (!done) resolve("");
    });
  });
}

/** Ask `question [y/N]`; true only for y/yes. */
export async function confirm(question: string, io: PromptIo = processIo()): Promise<boolean> {
  const answer = (await promptLine(`${question} [y/N]: `, io)).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}

/** Read stdin to its end as UTF-8 (e.g. a mnemonic piped in); at most `limit` bytes. */
export async function readAllStdin(
  input: NodeJS.ReadableStream = process.stdin,
  limit = 1 << 20,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > limit) throw keyringError(KeyringCode.InvalidInput, `stdin larger than ${limit} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Read the first non-empty line of stdin (a mnemonic typed on a terminal, or piped). */
export async function readStdinLine(io: PromptIo = processIo(), question = ""): Promise<string> {
  if (stdinIsTty(io)) return promptLine(question, io);
  const all = await readAllStdin(io.input);
  return all.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
}
