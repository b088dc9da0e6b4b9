import { request } from "../../api/client";
import { FlipsQuery } from "../../api/operations";
import { ErrorNote } from "../../components/Status";
import type { Thresholds } from "../../components/Thresholds";
import type { FlipKind } from "../../gql/graphql";
import { pageOf, useInfiniteScroll, usePaged } from "../../paging";
import { navigate, withParams } from "../../router";
import { FlipTile } from "./FlipTile";

const PAGE_SIZE = 40;
export const FLIP_KINDS: readonly FlipKind[] = ["FIXED", "BROKEN"];

interface Props {
  baseId: string;
  otherId: string;
  thresholds: Thresholds;
  kinds: FlipKind[] | null;
  zoom: boolean;
}

function useFlips({ baseId, otherId, thresholds, kinds }: Omit<Props, "zoom">) {
  const variables = { baseId, otherId, iou: thresholds.iou, confidence: thresholds.confidence, kinds };
  return usePaged(JSON.stringify(variables), async (after) => {
    const result = await request(FlipsQuery, { ...variables, first: PAGE_SIZE, after });
    const payload = result.compareEvaluations;
    if (payload.__typename !== "EvaluationComparison") throw new Error(payload.message);
    return pageOf(payload.flips);
  });
}

/** The ground truths whose outcome differs, by the other's IoU descending, on the keyset cursors. */
export function FlipList(props: Props) {
  const flips = useFlips(props);
  const sentinel = useInfiniteScroll(flips.loadMore, flips.nodes.length);
  const chosen = props.kinds ?? [];
  return (
    <div className="panel wide" data-testid="flips">
      <h2>
        Flips{" "}
        <span className="count" data-testid="flip-count">
          {flips.totalCount === null ? "…" : `${flips.totalCount} ground truths`}
        </span>
      </h2>
      <p className="muted">
        FIXED: missed by the base, found by the other. BROKEN: the reverse. Boxes: ground truth, the base's prediction
        (blue) and the other's (red).
      </p>
      <fieldset className="row">
        <legend>kind</legend>
        {FLIP_KINDS.map((kind) => (
          <label key={kind}>
            <input
              type="checkbox"
              name={`kind-${kind}`}
              checked={chosen.includes(kind)}
              onChange={() => {
                const next = chosen.includes(kind) ? chosen.filter((each) => each !== kind) : [...chosen, kind];
                navigate(withParams({ kinds: next.join(",") || null }), { replace: true });
              }}
            />{" "}
            {kind.toLowerCase()}
          </label>
        ))}
        <label>
          <input
            type="checkbox"
            name="zoom"
            checked={props.zoom}
            onChange={() => {
              navigate(withParams({ zoom: props.zoom ? null : "1" }), { replace: true });
            }}
          />{" "}
          zoom on the boxes
        </label>
      </fieldset>
      {flips.error && <ErrorNote error={flips.error} />}
      <div className="gallery">
        {flips.nodes.map((flip) => (
          <FlipTile
            key={`${flip.kind}-${flip.groundTruth.id}`}
            flip={flip}
            otherId={props.otherId}
            thresholds={props.thresholds}
            zoom={props.zoom}
          />
        ))}
      </div>
      {flips.totalCount === 0 && <p className="muted">No ground truth flips at these thresholds.</p>}
      <div ref={sentinel} className="sentinel">
        {flips.loading ? "loading…" : flips.hasNextPage ? "" : flips.nodes.length > 0 ? "end of the flips" : ""}
      </div>
    </div>
  );
}
