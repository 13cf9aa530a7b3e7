import { browser } from 'wxt/browser';
import type { HubConfig } from '../hub/client.ts';

/** Small preferences live in storage.local (never synced: the token must not leave this browser). */
export interface Settings {
  hubUrl: string;
  token: string;
  displayName: string;
}

const DEFAULTS: Settings = { hubUrl: '', token: '', displayName: '' };

export async function getSettings(): Promise<Settings> {
  const got = (await browser.storage.local.get('settings')) as { settings?: Partial<Settings> };
  return { ...DEFAULTS, ...got.settings };
}

export async function saveSettings(s: Settings): Promise<void> {
  await browser.storage.local.set({ settings: { hubUrl: s.hubUrl.trim().replace(/\/+$/, ''), token: s.token.trim(), displayName: s.displayName.trim() } });
}

export function hubConfig(s: Settings): HubConfig | null {
  return s.hubUrl && s.token ? { url: s.hubUrl, token: s.token } : null;
}
