/**
 * Loads the .proto files the REST gateway derives its routes from, with protobufjs, into one `Root`
 * (field names kept as in the .proto files, snake_case, as grpc-gateway's `OrigName` prints them).
 *
 * Files are found by import name (`cosmos/bank/v1beta1/query.proto`) in an ordered list of proto
 * roots: the repository's own `proto/` first (OpenLedger's `openledger/<module>/v1/*.proto`, and the
 * Cosmos files we override, e.g. the SDK 0.50 `cosmos/tx/v1beta1/service.proto`), then the
 * directories of `OPENLEDGER_PROTO_PATH` (colon-separated), then the `@protobufs/*` packages in
 * node_modules (the Cosmos SDK, google, gogoproto, cosmos_proto, amino and tendermint protos), and
 * last `proto/third_party/` (minimal copies for codegen, used only where nothing else has the file).
 * An earlier root shadows a file of the same name in a later one; `third_party/` and `generated/`
 * folders are never walked as part of a root.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import protobuf from "protobufjs";

/** Built-in protobufjs files (no file on disk needed). */
const BUNDLED = new Set(
  ["any", "duration", "empty", "struct", "timestamp", "wrappers", "field_mask"].map(
    (n) => `google/protobuf/${n}.proto`,
  ),
);

/** What was loaded. */
export interface LoadedProtos {
  root: protobuf.Root;
  /** Import names loaded. */
  files: string[];
  /** Files that failed to parse or resolve (skipped), with the reason. */
  errors: { file: string; error: string }[];
  /** The proto roots searched, in order. */
  dirs: string[];
}

/** The repository's own `proto/` folder (next to `src/` and `dist/`). */
export function repoProtoDir(): string {
  return resolve(import.meta.dirname, "../../proto");
}

/** The folder holding the `@protobufs/*` packages, when installed. */
export function protobufsPackagesDir(): string | undefined {
  try {
    const req = createRequire(import.meta.url);
    return dirname(dirname(req.resolve("@protobufs/cosmos/package.json")));
  } catch {
    return undefined;
  }
}

/** The default proto roots, in search order. */
export function defaultProtoDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [repoProtoDir()];
  for (const d of (env.OPENLEDGER_PROTO_PATH ?? "").split(":")) if (d !== "") dirs.push(resolve(d));
  const pkgs = protobufsPackagesDir();
  if (pkgs !== undefined) dirs.push(pkgs);
  dirs.push(join(repoProtoDir(), "third_party"));
  return dirs.filter((d) => existsSync(d));
}

/** Every `.proto` file under `dir`, as import names relative to it (sorted). */
export function listProtoFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(join(dir, rel)).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      if (e === "node_modules" || e === "third_party" || e === "generated" || e.startsWith(".")) continue;
      const r = rel === "" ? e : `${rel}/${e}`;
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(join(dir, r));
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(r);
      else if (e.endsWith(".proto")) out.push(r);
    }
  };
  walk("");
  return out;
}

/**
 * Load every `.proto` file of `dirs` (an earlier dir shadowing a later one) into one Root.
 * Files whose imports (transitively) cannot be found, or whose types do not resolve, are skipped and
 * reported in `errors`, so one broken or incomplete file never hides the others; never throws.
 */
export function loadProtos(dirs: string[] = defaultProtoDirs()): LoadedProtos {
  const locate = (name: string): string | undefined => {
    for (const d of dirs) {
      const p = join(d, name);
      if (existsSync(p)) return p;
    }
    if (name === "google/protobuf/descriptor.proto") {
      try {
        const req = createRequire(import.meta.url);
        return join(dirname(req.resolve("protobufjs/package.json")), "google/protobuf/descriptor.proto");
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  const names: string[] = [];
  const seen = new Set<string>();
  for (const d of dirs) {
    for (const f of listProtoFiles(d)) {
      if (seen.has(f) || BUNDLED.has(f)) continue;
      seen.add(f);
      names.push(f);
    }
  }
  const errors: { file: string; error: string }[] = [];
  // 1. Drop files whose import closure has a missing file.
  const missing = new Map<string, string>();
  const importsOf = new Map<string, string[]>();
  const closureMissing = (name: string, stack: Set<string>): string | undefined => {
    if (BUNDLED.has(name)) return undefined;
    if (missing.has(name)) return missing.get(name);
    if (stack.has(name)) return undefined;
    const path = locate(name);
    if (path === undefined) return name;
    let imports = importsOf.get(name);
    if (!imports) {
      imports = readImports(path);
      importsOf.set(name, imports);
    }
    stack.add(name);
    for (const i of imports) {
      const m = closureMissing(i, stack);
      if (m !== undefined) {
        stack.delete(name);
        missing.set(name, m);
        return m;
      }
    }
    stack.delete(name);
    return undefined;
  };
  let candidates: string[] = [];
  for (const f of names) {
    const m = closureMissing(f, new Set());
    if (m === undefined) candidates.push(f);
    else errors.push({ file: f, error: `imports ${m}, which is not in any proto root` });
  }
  // 2. Load the rest together; on a resolution error drop the file defining the failing type, retry.
  for (let attempt = 0; attempt < 25; attempt++) {
    const root = new protobuf.Root();
    const byPath = new Map<string, string>();
    root.resolvePath = (_origin: string, target: string): string => {
      if (BUNDLED.has(target) || isAbsolute(target)) return target;
      const p = locate(target);
      if (p === undefined) return target;
      byPath.set(p, target);
      return p;
    };
    try {
      root.loadSync(candidates, { keepCase: true });
      root.resolveAll();
      return { root, files: candidates, errors, dirs };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const culprit = culpritFile(root, msg, byPath);
      if (culprit === undefined || !candidates.includes(culprit)) {
        errors.push({ file: culprit ?? "(load)", error: msg });
        break;
      }
      errors.push({ file: culprit, error: msg });
      const dependents = new Set([culprit]);
      let grew = true;
      while (grew) {
        grew = false;
        for (const f of candidates) {
          if (dependents.has(f)) continue;
          if ((importsOf.get(f) ?? []).some((i) => dependents.has(i))) {
            dependents.add(f);
            grew = true;
          }
        }
      }
      candidates = candidates.filter((f) => !dependents.has(f));
    }
  }
  return { root: new protobuf.Root(), files: [], errors, dirs };
}

const IMPORT_RE = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm;

/** The import names of a .proto file (empty when unreadable). */
function readImports(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? "").filter((s) => s !== "");
}

/** The import name of the file defining the type a protobufjs error names. */
function culpritFile(root: protobuf.Root, message: string, byPath: Map<string, string>): string | undefined {
  const m = /in (?:Type|Service|Enum|Namespace|Method|Field) (\.?[\w.]+)/.exec(message);
  if (!m?.[1]) return undefined;
  let obj: protobuf.ReflectionObject | null = null;
  try {
    obj = root.lookup(m[1]);
  } catch {
    obj = null;
  }
  const file = obj?.filename;
  if (!file) return undefined;
  return byPath.get(file) ?? file;
}
