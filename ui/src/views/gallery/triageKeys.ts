import { useEffect, useRef } from "react";

export const GALLERY_KEYS: readonly (readonly [string, string])[] = [
  ["j", "next entry"],
  ["k", "previous entry"],
  ["Enter", "open the selected entry's item"],
  ["Esc", "close the item or this help"],
  ["?", "show or hide this help"],
];

export interface TriageActions {
  move: (step: 1 | -1) => void;
  open: () => void;
  close: () => void;
  toggleHelp: () => void;
}

interface TriageState {
  help: boolean;
  detailOpen: boolean;
}

const TEXT_INPUTS = new Set(["text", "number", "search", "password", "email", "url"]);

/** Keys typed into a field are the field's (a checkbox or a button keeps the shortcuts). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return TEXT_INPUTS.has(target.type);
  return target.isContentEditable || target.tagName === "SELECT" || target.tagName === "TEXTAREA";
}

/** The gallery's keyboard, in the grid and in the detail view alike; one listener for the page's life. */
export function useTriageKeys(actions: TriageActions, state: TriageState): void {
  const latest = useRef({ actions, state });
  latest.current = { actions, state };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const { actions: act, state: now } = latest.current;
      if (typing(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "?") act.toggleHelp();
      else if (event.key === "Escape") {
        if (now.help) act.toggleHelp();
        else if (now.detailOpen) act.close();
        else return;
      } else if (now.help) return;
      else if (event.key === "j") act.move(1);
      else if (event.key === "k") act.move(-1);
      else if (event.key === "Enter" && !now.detailOpen) act.open();
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, []);
}
