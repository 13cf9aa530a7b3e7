import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// E2E=1 builds a test-only variant: automation cannot grant activeTab or optional host
// permissions, so that build alone may read pages served on 127.0.0.1.
const e2e = process.env.E2E === '1';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // GLEANER_OUT_DIR lets parallel work build into its own folder.
  outDir: process.env.GLEANER_OUT_DIR ?? (e2e ? '.output-e2e' : '.output'),
  vite: () => ({
    plugins: [preact()],
    // Lets the test build differ where automation needs it (see entrypoints/background.ts, the welcome tab).
    define: { 'import.meta.env.E2E': JSON.stringify(e2e) },
    // Every character past ASCII written as an escape: Chrome refuses to inject a script file that holds
    // a Unicode noncharacter (Dexie's bundle holds U+FFFF) as "not UTF-8 encoded".
    esbuild: { charset: 'ascii' },
    build: {
      rollupOptions: {
        // zod's pure-annotation comments are dropped by Rollup harmlessly; keep the build output readable.
        onwarn(warning, warn) {
          if (warning.code === 'INVALID_ANNOTATION') return;
          warn(warning);
        },
      },
    },
  }),
  zip: { excludeSources: ['data/**', '.output*/**', 'test/**', 'bench/**'] },
  manifest: ({ browser, manifestVersion }) => ({
    name: e2e ? 'Gleaner (test build)' : 'Gleaner',
    description: 'Capture forum threads and chat archives as attributed, licence-clean Q&A and strategy entries.',
    permissions: [
      'activeTab',
      'scripting',
      'storage',
      'alarms',
      'contextMenus',
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    // Hosts are asked for per site, with a reason, when a feature needs them.
    optional_host_permissions: manifestVersion === 3 ? ['http://*/*', 'https://*/*'] : undefined,
    // Asked for only when the user turns on notifications on the dashboard.
    optional_permissions: manifestVersion === 2 ? ['notifications', 'http://*/*', 'https://*/*'] : ['notifications'],
    host_permissions: e2e ? ['http://127.0.0.1/*'] : undefined,
    action: { default_title: 'Capture this thread with Gleaner' },
    commands: {
      'capture-thread': {
        suggested_key: { default: 'Alt+Shift+G' },
        description: 'Capture the discussion thread on this page',
      },
    },
    browser_specific_settings:
      browser === 'firefox'
        ? {
            gecko: {
              id: 'gleaner@gleaner.invalid',
              strict_min_version: '142.0',
              data_collection_permissions: { required: ['none'] },
            },
          }
        : undefined,
  }),
});
