/**
 * Vite build of the OpenLedger Explorer: Preact through esbuild's automatic JSX runtime (no plugin),
 * relative asset paths (served under `/explorer/` by the node and at `/` by `openledgerd explorer`),
 * output in `dist/explorer/www` next to the compiled server code.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("../dist/explorer/www", import.meta.url)),
    emptyOutDir: true,
    target: "es2020",
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  },
  logLevel: "warn",
});
