// Builds the page into --outDir (CMake passes build/clients/web/dist). No inline scripts or
// styles, so the gateway's Content-Security-Policy needs no 'unsafe-inline'.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: false,
    sourcemap: false,
    target: 'es2020',
  },
});
