import type { ReactNode } from "react";

interface Props {
  label: string;
  testId: string;
  onClose: () => void;
  small?: boolean;
  children: ReactNode;
}

/** A dialog over the page; a click outside it closes it. */
export function Overlay({ label, testId, onClose, small = false, children }: Props) {
  return (
    <div className="overlay" role="dialog" aria-label={label} data-testid={testId} onClick={onClose}>
      <div
        className={`dialog ${small ? "small" : ""}`}
        onClick={(event) => {
          event.stopPropagation();
        }}
      >
        {children}
      </div>
    </div>
  );
}
