// NAB application profiles: the weights NAB puts on true positives, false
// positives and missed windows. The defaults are the three profiles of NAB's
// config/profiles.json; parseNabProfiles reads that file's layout.

export interface NabCostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

export const NAB_PROFILES: Readonly<Record<NabProfileName, NabCostMatrix>> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1, tnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2, tnWeight: 1 },
};

/** Reads `{ name: { CostMatrix: { tpWeight, fpWeight, fnWeight, tnWeight } } }`. */
export function parseNabProfiles(
  json: unknown,
  source = 'profiles',
): Record<string, NabCostMatrix> {
  if (typeof json !== 'object' || json === null) throw new Error(`${source}: not a JSON object`);
  const out: Record<string, NabCostMatrix> = {};
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    const cm = (entry as { CostMatrix?: Record<string, unknown> } | null)?.CostMatrix;
    if (typeof cm !== 'object' || cm === null) {
      throw new Error(`${source}: profile "${name}" has no CostMatrix object`);
    }
    const weight = (key: string): number => {
      const v = cm[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`${source}: profile "${name}" has no numeric ${key}`);
      }
      return v;
    };
    out[name] = {
      tpWeight: weight('tpWeight'),
      fpWeight: weight('fpWeight'),
      fnWeight: weight('fnWeight'),
      tnWeight: weight('tnWeight'),
    };
  }
  if (Object.keys(out).length === 0) throw new Error(`${source}: no profiles`);
  return out;
}
