import { useCallback, useEffect, useRef } from 'react';

/** After Fluent's own focus restore (a task of its own right after the focus loss) has had its turn. */
const AFTER_RESTORE_MS = 50;
/** How long a dialog may take to close (Fluent's exit motion) before the focus is looked at again. */
const DIALOG_EXIT_MS = 400;

const gone = (element: Element) =>
  !element.isConnected ||
  element.matches(':disabled') ||
  element.closest('[inert]') !== null ||
  element.getClientRects().length === 0;

/**
 * Where the keyboard focus goes when the control that has it goes away: an action's button once the deal no longer
 * allows the action (Accept, Decline, Mark as won …), or a dialog's button when the dialog closes and the button
 * that opened it is gone too. Left alone, the focus falls back to the page's body, and a keyboard or screen-reader
 * user starts again from the top of the page; it goes to `target()` instead (the deal's heading, with tabIndex -1).
 *
 * The browser reports a focused element that is removed or disabled as a focus loss (focusout with no next
 * element); the check runs a moment later, after Fluent's dialogs have given the focus back where they can. A
 * focus the user takes away themselves (a click on the page's background) is left as it is: the element that had
 * it is still there. Browsers that report no focus loss for a removed element are covered by `settled`, which the
 * caller runs after an action has changed the page.
 */
export function useFocusFallback(target: () => HTMLElement | null): { settled: () => void } {
  const last = useRef<Element | null>(null);
  const check = useCallback(() => {
    const active = document.activeElement;
    if (active && active !== document.body) return;
    if (last.current && !gone(last.current)) return;
    target()?.focus();
  }, [target]);

  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (ms: number) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        check();
      }, ms);
      timers.add(timer);
    };
    const onFocusIn = (event: FocusEvent) => {
      last.current = event.target as Element;
    };
    const onFocusOut = (event: FocusEvent) => {
      if (event.relatedTarget !== null) return;
      later(AFTER_RESTORE_MS);
      later(DIALOG_EXIT_MS);
    };
    document.addEventListener('focusin', onFocusIn);
    document.addEventListener('focusout', onFocusOut);
    return () => {
      document.removeEventListener('focusin', onFocusIn);
      document.removeEventListener('focusout', onFocusOut);
      for (const timer of timers) clearTimeout(timer);
    };
  }, [check]);

  const settled = useCallback(() => {
    setTimeout(check, DIALOG_EXIT_MS);
  }, [check]);
  return { settled };
}
