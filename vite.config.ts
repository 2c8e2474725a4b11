import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web workspace: sources in web/, built to web/dist, served by the API server (server/http/web-app.ts).
// `npx vite` runs a dev server that proxies the API to a running `npm start`.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': `http://localhost:${process.env.PORT ?? 3000}` },
  },
});
