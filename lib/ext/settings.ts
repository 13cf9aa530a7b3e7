import { browser } from 'wxt/browser';
import type { HubConfig } from '../hub/client.ts';

/** Small preferences live in storage.local (never synced: the token must not leave this browser). */
export interface Settings {
  hubUrl: string;
  token: string;
  displayName: string;
  /** Single-letter shortcuts in the curate view (j, k, q, a, s, n); off for people whom they trip up (WCAG 2.1.4). */
  singleKeys: boolean;
}

const DEFAULTS: Settings = { hubUrl: '', token: '', displayName: '', singleKeys: true };

export async function getSettings(): Promise<Settings> {
  const got = (await browser.storage.local.get('settings')) as { settings?: Partial<Settings> };
  return { ...DEFAULTS, ...got.settings };
}

export async function saveSettings(s: Settings): Promise<void> {
  await browser.storage.local.set({ settings: { hubUrl: s.hubUrl.trim().replace(/\/+$/, ''), token: s.token.trim(), displayName: s.displayName.trim(), singleKeys: s.singleKeys !== false } });
}

export function hubConfig(s: Settings): HubConfig | null {
  return s.hubUrl && s.token ? { url: s.hubUrl, token: s.token } : null;
}
