/**
 * A small structured logger: one line per event on stderr, `time level module msg k=v …`. Each part
 * of the node gets a child logger named after it (the Lodestar habit).
 */

/** Log levels in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger bound to a module name. */
export class Logger {
  /** A logger writing lines at or above `level` to `write`. */
  constructor(
    private readonly module: string,
    private readonly level: LogLevel = "info",
    private readonly write: (line: string) => void = (l) => process.stderr.write(l),
  ) {}

  /** A logger for a sub-part. */
  child(module: string): Logger {
    return new Logger(module, this.level, this.write);
  }

  /** Debug detail. */
  debug(msg: string, fields: Record<string, unknown> = {}): void {
    this.log("debug", msg, fields);
  }

  /** Normal operation. */
  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.log("info", msg, fields);
  }

  /** Something is off but the node goes on. */
  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.log("warn", msg, fields);
  }

  /** A failure. */
  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.log("error", msg, fields);
  }

  private log(level: LogLevel, msg: string, fields: Record<string, unknown>): void {
    if (LEVELS[level] < LEVELS[this.level]) return;
    const kv = Object.entries(fields)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(" ");
    this.write(
      `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${this.module}: ${msg}${kv ? ` ${kv}` : ""}\n`,
    );
  }
}

function formatValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === "string") return /\s/.test(v) ? JSON.stringify(v) : v;
  if (typeof v === "bigint") return v.toString();
  return JSON.stringify(v) ?? String(v);
}
