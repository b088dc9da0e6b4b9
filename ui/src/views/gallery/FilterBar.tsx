import { useState } from "react";
import { navigate, withParams, type ParamValue } from "../../router";
import type { MatchFilter, MatchOrder } from "../../gql/graphql";
import { ERROR_TYPE_NAMES, ERROR_TYPES, REVIEW_NAMES, REVIEW_STATUSES } from "../../vocabulary";
import { OUTCOME_SHORT, OUTCOMES } from "./filters";

interface Props {
  labels: string[];
  filter: MatchFilter;
  order: MatchOrder;
}

export function replace(updates: Record<string, ParamValue>) {
  navigate(withParams({ ...updates, open: null }), { replace: true });
}

interface GroupProps<Value extends string> {
  legend: string;
  /** The URL parameter: the chosen values, comma-separated. */
  name: string;
  values: readonly Value[];
  names: Record<Value, string>;
  chosen: readonly Value[] | null | undefined;
}

function CheckboxGroup<Value extends string>({ legend, name, values, names, chosen }: GroupProps<Value>) {
  const checked = chosen ?? [];
  const toggle = (value: Value) => {
    const next = checked.includes(value) ? checked.filter((each) => each !== value) : [...checked, value];
    replace({ [name]: next.join(",") || null });
  };
  return (
    <fieldset data-testid={`filter-${name}`}>
      <legend>{legend}</legend>
      {values.map((value) => (
        <label key={value}>
          <input
            type="checkbox"
            name={`${name}-${value}`}
            checked={checked.includes(value)}
            onChange={() => {
              toggle(value);
            }}
          />{" "}
          {names[value]}
        </label>
      ))}
    </fieldset>
  );
}

function RangeField({ name, label, value }: { name: string; label: string; value: number | null | undefined }) {
  const [text, setText] = useState(value === null || value === undefined ? "" : String(value));
  return (
    <label>
      {label}{" "}
      <input
        type="number"
        min={0}
        max={1}
        step={0.01}
        name={name}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
        }}
        onBlur={() => {
          replace({ [name]: text === "" ? null : text });
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter") replace({ [name]: text === "" ? null : text });
        }}
      />
    </label>
  );
}

export function FilterBar({ labels, filter, order }: Props) {
  const labelSelect = (name: "gt" | "pred", title: string, chosen: string | undefined) => (
    <label>
      {title}{" "}
      <select
        name={name}
        value={chosen ?? ""}
        onChange={(event) => {
          replace({ [name]: event.target.value || null });
        }}
      >
        <option value="">any</option>
        {labels.map((label) => (
          <option key={label} value={label}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form className="filters" aria-label="filters" onSubmit={(event) => { event.preventDefault(); }}>
      <CheckboxGroup legend="outcome" name="outcome" values={OUTCOMES} names={OUTCOME_SHORT} chosen={filter.outcomes} />
      <CheckboxGroup
        legend="error type"
        name="errorType"
        values={ERROR_TYPES}
        names={ERROR_TYPE_NAMES}
        chosen={filter.errorTypes}
      />
      <CheckboxGroup legend="review" name="review" values={REVIEW_STATUSES} names={REVIEW_NAMES} chosen={filter.reviewStatuses} />
      {labelSelect("gt", "ground truth", filter.groundTruthLabels?.join(","))}
      {labelSelect("pred", "prediction", filter.predictionLabels?.join(","))}
      <RangeField key={`minIou-${String(filter.minIou)}`} name="minIou" label="IoU ≥" value={filter.minIou} />
      <RangeField key={`maxIou-${String(filter.maxIou)}`} name="maxIou" label="IoU ≤" value={filter.maxIou} />
      <RangeField key={`minConf-${String(filter.minConfidence)}`} name="minConf" label="conf ≥" value={filter.minConfidence} />
      <RangeField key={`maxConf-${String(filter.maxConfidence)}`} name="maxConf" label="conf ≤" value={filter.maxConfidence} />
      <label>
        order by{" "}
        <select
          name="sort"
          value={order.field === "CONFIDENCE" ? "conf" : "iou"}
          onChange={(event) => {
            replace({ sort: event.target.value === "conf" ? "conf" : null });
          }}
        >
          <option value="iou">IoU</option>
          <option value="conf">confidence</option>
        </select>{" "}
        <select
          name="order"
          value={order.direction === "ASC" ? "asc" : "desc"}
          onChange={(event) => {
            replace({ order: event.target.value === "asc" ? "asc" : null });
          }}
        >
          <option value="desc">highest first</option>
          <option value="asc">lowest first</option>
        </select>
      </label>
    </form>
  );
}
