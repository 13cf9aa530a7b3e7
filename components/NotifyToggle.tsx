import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';

/** Opt-in system notifications for review changes: the permission is requested only from this click. */
export function NotifyToggle() {
  const [on, setOn] = useState(false);
  useEffect(() => void browser.permissions.contains({ permissions: ['notifications'] }).then(setOn), []);
  const toggle = async (want: boolean) => {
    if (want) await browser.permissions.request({ permissions: ['notifications'] });
    else await browser.permissions.remove({ permissions: ['notifications'] });
    setOn(await browser.permissions.contains({ permissions: ['notifications'] }));
  };
  return (
    <label class="consent__agree">
      <input type="checkbox" data-testid="notify" checked={on} onChange={(e) => void toggle(e.currentTarget.checked)} />
      <span>Notify me when a reviewer changes the state of a submission (asks your browser for the notifications permission).</span>
    </label>
  );
}
