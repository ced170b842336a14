import { defineConfig } from 'vitest/config';

// Where `npm run dev` (and `npm run preview`) forward backend paths.
// Override with LICHENG_BACKEND=http://host:port when the API runs elsewhere.
const backend = process.env.LICHENG_BACKEND ?? 'http://127.0.0.1:8080';

/** antd and what it is built from (its icons, rc-components, dayjs). */
const antdModules = /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|dayjs)[\\/]/;

const proxy = Object.fromEntries(
  ['/api', '/healthz', '/readyz', '/metrics'].map((path) => [
    path,
    { target: backend, changeOrigin: false },
  ]),
);

export default defineConfig({
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      // antd ships `"use client"` directives (meant for React Server Components); harmless here.
      checks: { moduleLevelDirective: false },
      output: {
        // Vendor chunks change rarely, so browsers keep them cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            // The antd the first page (sign-in) needs; the rest (the signed-in frame's menu and
            // dropdowns, App's message/modal, tables, upload, drawer…) goes to a second vendor chunk
            // that every lazy page shares, so a new page does not grow the first load.
            // `npm run size` checks the first load against its budget (350 KB gzip).
            { name: 'antd', test: antdModules, tags: ['$initial'] },
            { name: 'antd-pages', test: antdModules },
          ],
        },
      },
    },
    // Each antd vendor chunk is ~450-700 kB minified (~150-210 kB gzip); the budget that matters
    // is the first page's (`npm run size`).
    chunkSizeWarningLimit: 1000,
  },
  test: {
    environment: 'happy-dom',
    environmentOptions: { happyDOM: { url: 'http://localhost:5173/' } },
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // Page tests render the whole app; leave room for a loaded CI machine.
    testTimeout: 20_000,
    // Run the tests in a zone far from Taipei so that time-zone handling is really exercised.
    env: { TZ: 'America/Los_Angeles' },
  },
});
