import { useState } from "react";
import { request } from "../../api/client";
import { LabelErrorsQuery } from "../../api/operations";
import type { LabelErrorsQuery as LabelErrorsResult } from "../../gql/graphql";
import { ErrorNote } from "../../components/Status";

/** Every page of `labelErrors`: the COCO-style objects, oldest review first (what `matchscope label-errors` writes). */
async function allLabelErrors(evaluationId: string): Promise<unknown[]> {
  const found: unknown[] = [];
  let after: string | null = null;
  for (;;) {
    const result: LabelErrorsResult = await request(LabelErrorsQuery, { id: evaluationId, after });
    const node = result.node;
    if (!node || !("labelErrors" in node)) throw new Error("No such evaluation is visible with this key.");
    found.push(...node.labelErrors.edges.map((edge) => edge.node.coco));
    if (!node.labelErrors.pageInfo.hasNextPage) return found;
    after = node.labelErrors.pageInfo.endCursor ?? null;
  }
}

function save(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/** A button that downloads the LABEL_ERROR reviews of the evaluation's dataset and model as a COCO-style list. */
export function LabelErrorsDownload({ evaluationId, fileName }: { evaluationId: string; fileName: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = () => {
    setBusy(true);
    setError(null);
    allLabelErrors(evaluationId).then(
      (errors) => {
        save(fileName, `${JSON.stringify(errors, null, 2)}\n`);
        setBusy(false);
      },
      (failure: unknown) => {
        setError(failure instanceof Error ? failure.message : String(failure));
        setBusy(false);
      },
    );
  };
  return (
    <p>
      <button type="button" onClick={download} disabled={busy} data-testid="download-label-errors">
        {busy ? "Reading the label errors…" : "Download label errors (COCO-style JSON)"}
      </button>{" "}
      <span className="muted">
        every LABEL_ERROR review of this dataset and model, as <code>matchscope label-errors</code> writes them
      </span>
      {error && <ErrorNote error={error} />}
    </p>
  );
}
