// Timing helpers: warm-ups, then N timed samples; every figure reported is a median.
const now = () => process.hrtime.bigint();

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samplesMs) {
  const s = [...samplesMs].sort((a, b) => a - b);
  const median = quantile(s, 0.5);
  return {
    n: s.length,
    median_ms: median,
    min_ms: s[0],
    p25_ms: quantile(s, 0.25),
    p75_ms: quantile(s, 0.75),
    /** interquartile range relative to the median: a noise indicator */
    iqr_rel: (quantile(s, 0.75) - quantile(s, 0.25)) / median,
  };
}

export let sink = 0;
/** Keeps results alive so no call is dead code. */
export function consume(x) {
  if (x == null) return;
  if (typeof x === 'number') sink += x;
  else if (typeof x.length === 'number') sink += x.length;
  else sink += 1;
}

/** Milliseconds per call: one sample = `inner` calls of a synchronous fn. */
function sampleSync(fn, inner) {
  const t0 = now();
  for (let i = 0; i < inner; i++) consume(fn());
  return Number(now() - t0) / 1e6 / inner;
}

async function sampleAsync(fn, inner) {
  const t0 = now();
  for (let i = 0; i < inner; i++) consume(await fn());
  return Number(now() - t0) / 1e6 / inner;
}

/**
 * Runs a group of variants (the baseline first) with interleaved samples, so drift (thermal, other
 * load, GC pressure) hits every variant alike. Each variant: { key, fn, async? }.
 * Returns { [key]: summary }.
 */
export async function runGroup(variants, { warmup = 3, runs = 15, inner = 1 } = {}) {
  const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (const v of variants) {
    for (let i = 0; i < warmup; i++) v.async ? await sampleAsync(v.fn, inner) : sampleSync(v.fn, inner);
  }
  for (let r = 0; r < runs; r++) {
    // rotate the order each round so no variant always runs right after another's garbage
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + r) % variants.length];
      samples[v.key].push(v.async ? await sampleAsync(v.fn, inner) : sampleSync(v.fn, inner));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, summarize(s)]));
}
