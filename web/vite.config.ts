/**
 * Vite build of the portal. The Mekong server serves `web/dist` at `/`; in development
 * `npm run dev` runs this dev server and proxies `/api` to the API process.
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

// 127.0.0.1 rather than localhost: Node may resolve localhost to ::1 while the API listens on IPv4.
const apiTarget = process.env.MEKONG_API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: webRoot,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
    },
  },
});
