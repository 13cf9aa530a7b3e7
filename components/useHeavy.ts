import { useEffect, useState } from 'preact/hooks';

type Heavy = typeof import('./curateHeavy.ts');

let loaded: Heavy | null = null;
let loading: Promise<Heavy> | null = null;

export function loadHeavy(): Promise<Heavy> {
  loading ??= import('./curateHeavy.ts').then((m) => (loaded = m));
  return loading;
}

/** The heavy parts once loaded (null until then); loading starts right after the first paint. */
export function useHeavy(): Heavy | null {
  const [m, setM] = useState<Heavy | null>(loaded);
  useEffect(() => {
    if (m) return;
    let live = true;
    const t = setTimeout(() => void loadHeavy().then((x) => live && setM(x)), 0);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, []);
  return m;
}
