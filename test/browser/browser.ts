/**
 * Browser test kit: Debian's Chromium (`/usr/bin/chromium`, or `$CHROMIUM_PATH`) driven headless by
 * playwright-core with a fresh profile, loopback only. A missing Chromium is an error, never a skip.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** The Chromium binary. */
export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** Where screenshots go (gitignored). */
export const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts/explorer");

/** The built explorer's index page. */
export const BUILT_INDEX = resolve(import.meta.dirname, "../../dist/explorer/www/index.html");

/** Throw a clear error unless Chromium and the built app are present. */
export function requirePrerequisites(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y --no-install-recommends chromium; .ci/run does) or set CHROMIUM_PATH`,
    );
  if (!existsSync(BUILT_INDEX))
    throw new Error(`the explorer is not built (${BUILT_INDEX} missing): run \`npm run build\` first`);
}

/** A headless browser context with a throw-away profile; `close()` removes the profile. */
export async function launch(viewport = { width: 1280, height: 900 }): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  requirePrerequisites();
  const profile = mkdtempSync(join(tmpdir(), "openledger-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
