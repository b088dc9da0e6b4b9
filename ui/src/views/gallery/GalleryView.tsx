import { useCallback, useEffect, useRef, useState } from "react";
import { EvaluationHeaderQuery } from "../../api/operations";
import { BoxLegend } from "../../components/BoxesSvg";
import { HelpOverlay } from "../../components/HelpOverlay";
import { ErrorNote, Loading } from "../../components/Status";
import { ThresholdSliders, useThresholds } from "../../components/Thresholds";
import { useQuery } from "../../hooks";
import { Link, navigate, path, useSearchParams, withParams } from "../../router";
import { ItemDetail } from "../item/ItemDetail";
import { FilterBar } from "./FilterBar";
import { filterFromParams } from "./filters";
import { Tile } from "./Tile";
import { usePagedMatches } from "./usePagedMatches";

const TEXT_INPUTS = new Set(["text", "number", "search", "password", "email", "url"]);

/** Keys typed into a field are the field's (a checkbox or a button keeps the shortcuts). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return TEXT_INPUTS.has(target.type);
  return target.isContentEditable || target.tagName === "SELECT" || target.tagName === "TEXTAREA";
}

export function GalleryView({ evaluationId }: { evaluationId: string }) {
  const thresholds = useThresholds();
  const params = useSearchParams();
  const { filter, direction } = filterFromParams(params);
  const openItemId = params.get("open");
  const zoom = params.get("zoom") === "1";
  const header = useQuery(EvaluationHeaderQuery, { id: evaluationId });
  const pages = usePagedMatches({
    id: evaluationId,
    iou: thresholds.iou,
    confidence: thresholds.confidence,
    filter,
    orderBy: { field: "IOU", direction },
  });
  const [selected, setSelected] = useState(0);
  const [help, setHelp] = useState(false);
  // Held in state: the sentinel appears only once the header has loaded, and the observer must follow it.
  const [sentinel, setSentinel] = useState<HTMLDivElement | null>(null);
  const grid = useRef<HTMLDivElement>(null);
  const { entries, loadMore, hasNextPage } = pages;

  useEffect(() => {
    const target = sentinel;
    if (!target) return;
    const observer = new IntersectionObserver((records) => {
      if (records.some((record) => record.isIntersecting)) loadMore();
    }, { rootMargin: "600px" });
    observer.observe(target);
    return () => {
      observer.disconnect();
    };
  }, [sentinel, loadMore, entries.length]);

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

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typing(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "?") {
        setHelp((shown) => !shown);
      } else if (event.key === "Escape") {
        if (help) setHelp(false);
        else if (openItemId) close();
      } else if (openItemId || help) {
        return;
      } else if (event.key === "j") {
        setSelected((index) => Math.min(index + 1, Math.max(0, entries.length - 1)));
        if (selected + 5 >= entries.length && hasNextPage) loadMore();
      } else if (event.key === "k") {
        setSelected((index) => Math.max(0, index - 1));
      } else if (event.key === "Enter") {
        open(selected);
      } else {
        return;
      }
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [entries.length, selected, help, openItemId, hasNextPage, loadMore, open, close]);

  useEffect(() => {
    grid.current?.querySelector(".tile.selected")?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  const evaluation = header.data?.node;
  if (header.error) return <ErrorNote error={header.error} />;
  if (!evaluation || !("dataset" in evaluation)) return header.data ? <ErrorNote error="No such evaluation." /> : <Loading what="entries" />;
  return (
    <section data-testid="gallery">
      <h1>
        Entries · {evaluation.model.name} on {evaluation.dataset.name}
      </h1>
      <p>
        <Link to={`${path.evaluation(evaluationId)}?iou=${thresholds.iou}&conf=${thresholds.confidence}`}>← evaluation</Link>{" "}
        <BoxLegend /> <span className="muted">Keys: j/k move, Enter opens, Esc closes, ? help</span>
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
      <FilterBar key={JSON.stringify(filter)} labels={evaluation.dataset.labels} filter={filter} direction={direction} />
      {pages.error && <ErrorNote error={pages.error} />}
      <div className="gallery" ref={grid}>
        {entries.map((entry, index) => (
          <Tile
            key={entry.id}
            entry={entry}
            index={index}
            selected={index === selected}
            onSelect={setSelected}
            onOpen={open}
            zoom={zoom}
          />
        ))}
      </div>
      {pages.totalCount === 0 && <p className="muted">No entry matches these filters at these thresholds.</p>}
      <div ref={setSentinel} className="sentinel">
        {pages.loading ? "loading…" : hasNextPage ? "" : entries.length > 0 ? "end of the entries" : ""}
      </div>
      {openItemId && (
        <div className="overlay" role="dialog" aria-label="item" data-testid="detail" onClick={close}>
          <div className="dialog" onClick={(event) => { event.stopPropagation(); }}>
            <button type="button" className="close" onClick={close} aria-label="close">
              ×
            </button>
            <ItemDetail evaluationId={evaluationId} itemId={openItemId} modelId={evaluation.model.id} thresholds={thresholds} />
          </div>
        </div>
      )}
      {help && <HelpOverlay onClose={() => { setHelp(false); }} />}
    </section>
  );
}

