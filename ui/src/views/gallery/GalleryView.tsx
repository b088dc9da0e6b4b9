import { useCallback, useEffect, useRef, useState } from "react";
import { EvaluationHeaderQuery } from "../../api/operations";
import { BoxLegend } from "../../components/BoxesSvg";
import { HelpOverlay } from "../../components/HelpOverlay";
import { Overlay } from "../../components/Overlay";
import { ErrorNote, Loading } from "../../components/Status";
import { SliceFilter } from "../../components/SliceFilter";
import { ThresholdSliders, useThresholds, type Thresholds } from "../../components/Thresholds";
import { useQuery } from "../../hooks";
import { useInfiniteScroll } from "../../paging";
import { Link, navigate, path, useSearchParams, withParams } from "../../router";
import { SLICE_PARAM, sliceFromParams } from "../../slice";
import { ItemDetail } from "../item/ItemDetail";
import { FilterBar } from "./FilterBar";
import { FilterChips } from "./FilterChips";
import { filterFromParams } from "./filters";
import { NoteEditor } from "./NoteEditor";
import { ReviewPanel } from "./ReviewPanel";
import { Tile } from "./Tile";
import { GALLERY_KEYS, useTriageKeys } from "./triageKeys";
import { usePagedMatches } from "./usePagedMatches";
import { useReviews } from "./useReviews";

/** The evaluation page at these thresholds, on the same slice. */
function evaluationLink(evaluationId: string, thresholds: Thresholds, slice: string | null): string {
  const params = new URLSearchParams({ iou: String(thresholds.iou), conf: String(thresholds.confidence) });
  if (slice !== null) params.set(SLICE_PARAM, slice);
  return `${path.evaluation(evaluationId)}?${params.toString()}`;
}

export function GalleryView({ evaluationId }: { evaluationId: string }) {
  const thresholds = useThresholds();
  const params = useSearchParams();
  const { filter, order } = filterFromParams(params);
  const slice = sliceFromParams(params);
  const openItemId = params.get("open");
  const zoom = params.get("zoom") === "1";
  const header = useQuery(EvaluationHeaderQuery, { id: evaluationId });
  const pages = usePagedMatches({
    id: evaluationId,
    iou: thresholds.iou,
    confidence: thresholds.confidence,
    filter,
    orderBy: order,
  });
  const reviews = useReviews(thresholds);
  const [selected, setSelected] = useState(0);
  const [help, setHelp] = useState(false);
  const [editingNote, setEditingNote] = useState(false);
  const grid = useRef<HTMLDivElement>(null);
  const { entries, loadMore, hasNextPage } = pages;
  const sentinel = useInfiniteScroll(loadMore, entries.length);
  const current = entries[selected];

  const open = useCallback(
    (index: number) => {
      const entry = entries[index];
      if (entry) navigate(withParams({ open: entry.item.id }));
    },
    [entries],
  );
  const close = useCallback(() => {
    navigate(withParams({ open: null }), { replace: true });
  }, []);

  useTriageKeys(
    {
      move: (step) => {
        const next = Math.min(Math.max(0, selected + step), Math.max(0, entries.length - 1));
        setSelected(next);
        if (next + 5 >= entries.length && hasNextPage) loadMore();
        // In the detail view the next entry's item follows it.
        const entry = entries[next];
        if (openItemId && entry && entry.item.id !== openItemId) navigate(withParams({ open: entry.item.id }), { replace: true });
      },
      open: () => {
        open(selected);
      },
      close,
      toggleHelp: () => {
        setHelp((shown) => !shown);
      },
      review: (status) => {
        if (current) reviews.setReview(current, status);
      },
      editNote: () => {
        if (current) setEditingNote(true);
      },
    },
    { help, detailOpen: openItemId !== null, busy: editingNote },
  );

  useEffect(() => {
    grid.current?.querySelector(".tile.selected")?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  const evaluation = header.data?.node;
  if (header.error) return <ErrorNote error={header.error} />;
  if (!evaluation || !("dataset" in evaluation))
    return header.data ? <ErrorNote error="No such evaluation." /> : <Loading what="entries" />;
  const currentReview = current ? reviews.reviewOf(current) : null;
  return (
    <section data-testid="gallery">
      <h1>
        Entries · {evaluation.model.name} on {evaluation.dataset.name}
      </h1>
      <p>
        <Link to={evaluationLink(evaluationId, thresholds, params.get(SLICE_PARAM))}>← evaluation</Link>{" "}
        <BoxLegend nearest />{" "}
        <span className="muted">Keys: j/k move, Enter opens, c/l/i review, n note, ? help</span>
      </p>
      <div className="sticky-bar">
        <ThresholdSliders iou={thresholds.iou} confidence={thresholds.confidence} />
        <label>
          <input
            type="checkbox"
            name="zoom"
            checked={zoom}
            onChange={() => {
              navigate(withParams({ zoom: zoom ? null : "1" }), { replace: true });
            }}
          />{" "}
          zoom on the boxes
        </label>
        <span data-testid="total-count" className="count">
          {pages.totalCount === null ? "…" : `${pages.totalCount} entries`}
        </span>
      </div>
      {/* Remounted when the URL's filter changes from elsewhere (back button, a link), so its fields follow. */}
      <FilterBar key={JSON.stringify(filter)} labels={evaluation.dataset.labels} filter={filter} order={order} />
      <SliceFilter slice={slice} datasetId={evaluation.dataset.id} />
      {slice.error && <ErrorNote error={slice.error} />}
      <FilterChips filter={filter} />
      {pages.error && <ErrorNote error={pages.error} />}
      {reviews.error && <ErrorNote error={reviews.error} />}
      <div className="gallery" ref={grid}>
        {entries.map((entry, index) => (
          <Tile
            key={entry.id}
            entry={entry}
            review={reviews.reviewOf(entry)}
            index={index}
            selected={index === selected}
            onSelect={setSelected}
            onOpen={open}
            zoom={zoom}
          />
        ))}
      </div>
      {pages.totalCount === 0 && <p className="muted">No entry matches these filters at these thresholds.</p>}
      <div ref={sentinel} className="sentinel">
        {pages.loading ? "loading…" : hasNextPage ? "" : entries.length > 0 ? "end of the entries" : ""}
      </div>
      {openItemId && (
        <Overlay label="item" testId="detail" onClose={close}>
          <button type="button" className="close" onClick={close} aria-label="close">
            ×
          </button>
          {current?.item.id === openItemId && (
            <ReviewPanel
              entry={current}
              review={currentReview}
              onReview={(status) => {
                reviews.setReview(current, status);
              }}
              onEditNote={() => {
                setEditingNote(true);
              }}
            />
          )}
          <ItemDetail
            evaluationId={evaluationId}
            itemId={openItemId}
            modelId={evaluation.model.id}
            thresholds={thresholds}
            selectedEntryId={current?.item.id === openItemId ? current.id : null}
            reviewOf={reviews.reviewOf}
          />
        </Overlay>
      )}
      {editingNote && current && (
        <NoteEditor
          status={currentReview?.status ?? "UNREVIEWED"}
          note={currentReview?.note ?? null}
          onSave={(status, note) => {
            reviews.setReview(current, status, note);
            setEditingNote(false);
          }}
          onCancel={() => {
            setEditingNote(false);
          }}
        />
      )}
      {help && (
        <HelpOverlay
          keys={GALLERY_KEYS}
          onClose={() => {
            setHelp(false);
          }}
        />
      )}
    </section>
  );
}
