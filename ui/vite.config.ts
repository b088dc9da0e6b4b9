import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const page = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

// The build lands inside the Python package, which serves it (no Node at install or run time).
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../matchscope/web/ui",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    manifest: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: { index: page("index.html"), graphiql: page("graphiql.html") },
    },
  },
  server: { proxy: { "/graphql": { target: "http://127.0.0.1:8000", ws: true } } },
});
