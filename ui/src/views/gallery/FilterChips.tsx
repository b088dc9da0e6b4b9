import type { MatchFilter } from "../../gql/graphql";
import { ERROR_TYPE_COLOURS } from "../../palette";
import { ERROR_TYPE_NAMES } from "../../vocabulary";
import { replace } from "./FilterBar";

interface ChipProps {
  param: string;
  value: string;
  text: string;
  onRemove: () => void;
  colour?: string;
}

function Chip({ param, value, text, onRemove, colour }: ChipProps) {
  return (
    <span className="chip" data-testid="filter-chip" data-param={param} data-value={value}>
      {colour && <span className="chip-dot" style={{ background: colour }} />}
      {text}
      <button type="button" onClick={onRemove} aria-label={`remove the filter ${text}`}>
        ×
      </button>
    </span>
  );
}

/** The filters that links set (an error type from the TIDE bars, one item), each as a chip that removes it. */
export function FilterChips({ filter }: { filter: MatchFilter }) {
  const errorTypes = filter.errorTypes ?? [];
  if (errorTypes.length === 0 && !filter.itemId) return null;
  return (
    <div className="chips" data-testid="filter-chips">
      {errorTypes.map((type) => (
        <Chip
          key={type}
          param="errorType"
          value={type}
          text={`error type: ${ERROR_TYPE_NAMES[type]}`}
          colour={ERROR_TYPE_COLOURS[type]}
          onRemove={() => {
            replace({ errorType: errorTypes.filter((each) => each !== type).join(",") || null });
          }}
        />
      ))}
      {filter.itemId && (
        <Chip
          param="item"
          value={String(filter.itemId)}
          text="one item"
          onRemove={() => {
            replace({ item: null });
          }}
        />
      )}
    </div>
  );
}
