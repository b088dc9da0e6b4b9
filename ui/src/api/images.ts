import { useEffect, useState } from "react";
import { bearer } from "./key";

// Blob URLs of same-origin images by route, kept for the page's life (thumbnails are a few kB each) so that
// tiles of one item and a gallery scrolled back share one download.
const blobs = new Map<string, Promise<string | null>>();

function blobUrl(url: string): Promise<string | null> {
  let pending = blobs.get(url);
  if (pending === undefined) {
    pending = fetch(url, { headers: { Authorization: bearer() } })
      .then(async (response) => (response.ok ? URL.createObjectURL(await response.blob()) : null))
      .catch(() => null);
    blobs.set(url, pending);
  }
  return pending;
}

/**
 * An image the browser can show. Same-origin routes need the API key, which an <image href> cannot send: those are
 * fetched with it and shown from a blob URL. Other http(s) URLs are the item's own and load directly.
 */
export function useImage(url: string | null | undefined): string | null {
  const sameOrigin = typeof url === "string" && url.startsWith("/");
  const [loaded, setLoaded] = useState<{ url: string; blob: string | null } | null>(null);
  useEffect(() => {
    if (!sameOrigin) return;
    let live = true;
    void blobUrl(url).then((blob) => {
      if (live) setLoaded({ url, blob });
    });
    return () => {
      live = false;
    };
  }, [url, sameOrigin]);
  if (!url) return null;
  if (!sameOrigin) return url;
  return loaded?.url === url ? loaded.blob : null;
}
