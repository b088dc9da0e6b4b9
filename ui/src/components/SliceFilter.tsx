import { useId, useState, type SyntheticEvent } from "react";
import { navigate, withParams } from "../router";
import { isPairs, parseValue, showValue, SLICE_PARAM, sliceParam, type SliceState } from "../slice";
import { useSliceSuggestions } from "./sliceSuggestions";

function setSlice(pairs: Record<string, unknown> | null) {
  navigate(withParams({ [SLICE_PARAM]: pairs === null ? null : sliceParam(pairs), open: null }), { replace: true });
}

function PairChip({ name, text, onRemove }: { name: string; text: string; onRemove: () => void }) {
  return (
    <span className="chip" data-testid="slice-chip" data-key={name}>
      {text}
      <button type="button" onClick={onRemove} aria-label={`remove ${text} from the slice`}>
        ×
      </button>
    </span>
  );
}

/**
 * The slice in the URL as key = value chips and a form that adds a pair. A value is typed as JSON (`2` a number,
 * `"2"` a string, `true`, `null`); text that is not JSON is a string. Once the form is used it suggests the keys
 * and values of the dataset's first items.
 */
export function SliceFilter({ slice, datasetId }: { slice: SliceState; datasetId: string }) {
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [used, setUsed] = useState(false);
  const suggestions = useSliceSuggestions(datasetId, used);
  const keysId = useId();
  const valuesId = useId();
  const pairs = isPairs(slice.value) ? slice.value : null;
  const add = (event: SyntheticEvent) => {
    event.preventDefault();
    if (key === "") return;
    setSlice({ ...(pairs ?? {}), [key]: parseValue(value) });
    setKey("");
    setValue("");
  };
  return (
    <form className="slice" aria-label="slice" data-testid="slice" onSubmit={add}>
      <span className="slice-title" title="entries and metrics of the items whose metadata has these values">
        slice (item metadata)
      </span>
      {pairs &&
        Object.entries(pairs).map(([name, each]) => (
          <PairChip
            key={name}
            name={name}
            text={`${name} = ${showValue(each)}`}
            onRemove={() => {
              const rest = Object.fromEntries(Object.entries(pairs).filter(([other]) => other !== name));
              setSlice(rest);
            }}
          />
        ))}
      {slice.value !== null && !pairs && (
        // Not an object: the API says why; the chip takes it away.
        <PairChip
          name=""
          text={showValue(slice.value)}
          onRemove={() => {
            setSlice(null);
          }}
        />
      )}
      <input
        name="slice-key"
        aria-label="metadata key"
        placeholder="key"
        list={keysId}
        onFocus={() => {
          setUsed(true);
        }}
        value={key}
        onChange={(event) => {
          setKey(event.target.value);
        }}
      />
      <span>=</span>
      <input
        name="slice-value"
        aria-label="metadata value"
        placeholder='value (2, "2", true, null)'
        list={valuesId}
        onFocus={() => {
          setUsed(true);
        }}
        value={value}
        onChange={(event) => {
          setValue(event.target.value);
        }}
      />
      <button type="submit" disabled={key === ""}>
        add
      </button>
      <datalist id={keysId} data-testid="slice-keys">
        {[...suggestions.keys()].map((each) => (
          <option key={each} value={each} />
        ))}
      </datalist>
      <datalist id={valuesId} data-testid="slice-values">
        {(suggestions.get(key) ?? []).map((each) => (
          <option key={each} value={each} />
        ))}
      </datalist>
    </form>
  );
}
