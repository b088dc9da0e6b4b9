import { useEffect, useRef } from "react";
import type { ReviewStatus } from "../../gql/graphql";

/** The review keys of DESIGN §9 (c, l, i) and u to take a review back. */
export const REVIEW_KEYS: readonly (readonly [string, ReviewStatus])[] = [
  ["c", "CONFIRMED"],
  ["l", "LABEL_ERROR"],
  ["i", "IGNORED"],
  ["u", "UNREVIEWED"],
];

export const GALLERY_KEYS: readonly (readonly [string, string])[] = [
  ["j", "next entry"],
  ["k", "previous entry"],
  ["Enter", "open the selected entry's item"],
  ["c", "review: confirmed"],
  ["l", "review: label error"],
  ["i", "review: ignored"],
  ["u", "review: back to unreviewed"],
  ["n", "edit the review note"],
  ["Esc", "close the item or this help"],
  ["?", "show or hide this help"],
];

export interface TriageActions {
  move: (step: 1 | -1) => void;
  open: () => void;
  close: () => void;
  toggleHelp: () => void;
  review: (status: ReviewStatus) => void;
  editNote: () => void;
}

interface TriageState {
  help: boolean;
  detailOpen: boolean;
  /** A dialog that owns the keyboard (the note editor). */
  busy: boolean;
}

const TEXT_INPUTS = new Set(["text", "number", "search", "password", "email", "url"]);

/** Keys typed into a field are the field's (a checkbox or a button keeps the shortcuts). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return TEXT_INPUTS.has(target.type);
  return target.isContentEditable || target.tagName === "SELECT" || target.tagName === "TEXTAREA";
}

const STATUS_BY_KEY = new Map(REVIEW_KEYS);

/** The gallery's keyboard, in the grid and in the detail view alike; one listener for the page's life. */
export function useTriageKeys(actions: TriageActions, state: TriageState): void {
  const latest = useRef({ actions, state });
  latest.current = { actions, state };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const { actions: act, state: now } = latest.current;
      if (now.busy || typing(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      const status = STATUS_BY_KEY.get(event.key);
      if (event.key === "?") act.toggleHelp();
      else if (event.key === "Escape") {
        if (now.help) act.toggleHelp();
        else if (now.detailOpen) act.close();
        else return;
      } else if (now.help) return;
      else if (event.key === "j") act.move(1);
      else if (event.key === "k") act.move(-1);
      else if (event.key === "Enter" && !now.detailOpen) act.open();
      else if (status) act.review(status);
      else if (event.key === "n") act.editNote();
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, []);
}
