import { useState, type SubmitEvent } from "react";
import { request } from "../api/client";
import { CalculateMutation } from "../api/operations";
import { navigate, path } from "../router";

interface Pair {
  groundTruthLabel: string;
  modelPredictionLabel: string;
}

interface Props {
  datasetId: string;
  labels: string[];
  models: { id: string; name: string }[];
}

export function EvaluateForm({ datasetId, labels, models }: Props) {
  const [modelId, setModelId] = useState(models[0]?.id ?? "");
  const [classAgnostic, setClassAgnostic] = useState(true);
  const [pairs, setPairs] = useState<Pair[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const setPair = (index: number, change: Partial<Pair>) => {
    setPairs((current) => current.map((pair, at) => (at === index ? { ...pair, ...change } : pair)));
  };
  const addPair = () => {
    setClassAgnostic(false);
    setPairs((current) => [...current, { groundTruthLabel: labels[0] ?? "", modelPredictionLabel: labels[0] ?? "" }]);
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const options = pairs.length > 0 ? { classAgnostic: false, allowedLabelMatches: pairs } : { classAgnostic };
    try {
      const result = await request(CalculateMutation, { datasetId, modelId, options });
      const payload = result.calculateEvaluationMetrics;
      if (payload.__typename === "AsyncJob") {
        navigate(path.job(payload.id));
        return;
      }
      if (payload.__typename === "ValidationError") {
        const details = payload.errors.map((e) => `${e.field} = ${e.value}: ${e.message}`).join("; ");
        setError(`${payload.message}${payload.field ? ` (${payload.field})` : ""}${details ? ` — ${details}` : ""}`);
      } else {
        setError(payload.message);
      }
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="panel"
      aria-label="Calculate evaluation metrics"
      onSubmit={(event) => {
        void submit(event);
      }}
    >
      <h2>Calculate evaluation metrics</h2>
      <div className="row">
        <label>
          model{" "}
          <select
            name="model"
            value={modelId}
            onChange={(event) => {
              setModelId(event.target.value);
            }}
          >
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.name}
              </option>
            ))}
          </select>
        </label>
        <label title="Any ground truth may match any prediction; off: labels must be equal or an allowed pair">
          <input
            type="checkbox"
            name="classAgnostic"
            checked={classAgnostic && pairs.length === 0}
            disabled={pairs.length > 0}
            onChange={(event) => {
              setClassAgnostic(event.target.checked);
            }}
          />{" "}
          class-agnostic matching
        </label>
      </div>
      <fieldset>
        <legend>Allowed label pairs (ground truth → prediction)</legend>
        {pairs.length === 0 && <p className="muted">None: labels match only when equal (unless class-agnostic).</p>}
        <datalist id="label-options">
          {labels.map((label) => (
            <option key={label} value={label} />
          ))}
        </datalist>
        {pairs.map((pair, index) => (
          <div className="row" key={index} data-testid="label-pair">
            <input
              aria-label="ground-truth label"
              list="label-options"
              value={pair.groundTruthLabel}
              onChange={(event) => {
                setPair(index, { groundTruthLabel: event.target.value });
              }}
            />
            →
            <input
              aria-label="prediction label"
              list="label-options"
              value={pair.modelPredictionLabel}
              onChange={(event) => {
                setPair(index, { modelPredictionLabel: event.target.value });
              }}
            />
            <button
              type="button"
              onClick={() => {
                setPairs((current) => current.filter((_, at) => at !== index));
              }}
            >
              remove
            </button>
          </div>
        ))}
        <button type="button" onClick={addPair}>
          add a pair
        </button>
      </fieldset>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || modelId === ""}>
        {busy ? "Starting…" : "Calculate evaluation metrics"}
      </button>
    </form>
  );
}
