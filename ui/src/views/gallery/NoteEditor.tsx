import { useState } from "react";
import { Overlay } from "../../components/Overlay";
import type { ReviewStatus } from "../../gql/graphql";
import { REVIEW_NAMES } from "../../vocabulary";

const WITH_NOTE: readonly ReviewStatus[] = ["CONFIRMED", "LABEL_ERROR", "IGNORED"];

interface Props {
  status: ReviewStatus;
  note: string | null;
  onSave: (status: ReviewStatus, note: string | null) => void;
  onCancel: () => void;
}

/**
 * The review note of the selected entry. A note needs a status (the API refuses one on UNREVIEWED): an unreviewed
 * entry gets the status chosen here. Enter saves, Shift+Enter breaks the line, Esc leaves it as it was.
 */
export function NoteEditor({ status, note, onSave, onCancel }: Props) {
  const [text, setText] = useState(note ?? "");
  const [chosen, setChosen] = useState<ReviewStatus>(status === "UNREVIEWED" ? "CONFIRMED" : status);
  const save = () => {
    onSave(chosen, text.trim() === "" ? null : text);
  };
  return (
    <Overlay label="review note" testId="note-editor" onClose={onCancel} small>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <h2>Review note</h2>
        <textarea
          name="note"
          rows={4}
          autoFocus
          value={text}
          onChange={(event) => {
            setText(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              save();
            } else if (event.key === "Escape") {
              event.preventDefault();
              onCancel();
            }
          }}
        />
        <div className="row">
          <label>
            status{" "}
            <select
              name="status"
              value={chosen}
              onChange={(event) => {
                setChosen(event.target.value as ReviewStatus);
              }}
            >
              {WITH_NOTE.map((value) => (
                <option key={value} value={value}>
                  {REVIEW_NAMES[value]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Save note</button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Overlay>
  );
}
