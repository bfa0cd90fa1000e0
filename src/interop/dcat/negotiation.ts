/**
 * HTTP content negotiation over the `Accept` header (RFC 9110 §12.5.1): the offered media type the
 * client weighs highest, judged by the most specific range that matches it; ties go to the earlier offer.
 */
interface MediaRange {
  type: string;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  return accept.split(",").flatMap((part) => {
    const [type, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (!type?.includes("/")) return [];
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    return Number.isFinite(q) ? [{ type, q: Math.min(Math.max(q, 0), 1) }] : [];
  });
}

const specificity = (range: string, offer: string) => {
  if (range === offer) return 2;
  if (range === "*/*") return 0;
  return range.endsWith("/*") && offer.startsWith(range.slice(0, -1)) ? 1 : -1;
};

/** The preferred offer, the first one when there is no Accept header, or undefined when none is acceptable. */
export function negotiate(accept: string | undefined, offers: readonly string[]): string | undefined {
  if (!accept?.trim()) return offers[0];
  const ranges = parseAccept(accept);
  let best: string | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    let matched = -1;
    let q = 0;
    for (const r of ranges) {
      const s = specificity(r.type, offer);
      if (s > matched) {
        matched = s;
        q = r.q;
      }
    }
    if (matched >= 0 && q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}
