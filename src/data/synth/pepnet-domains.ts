// The domains and tasks of the PEPNet settings (both versions): three domains of 70/25/5 % of the
// rows, six tasks of very different positive rates (PEPNet §4), and each domain's offset per task.
export const PEPNET_TASKS = ['like', 'follow', 'forward', 'hate', 'click', 'effview'] as const;
export type PepnetTask = (typeof PEPNET_TASKS)[number];
export const PEPNET_RATES: Record<PepnetTask, number> = { like: 0.05, follow: 0.02, forward: 0.015, hate: 0.01, click: 0.3, effview: 0.12 };
export const PEPNET_DOMAINS = ['A', 'B', 'C'] as const;
export const DOMAIN_SHARES = [0.7, 0.25, 0.05];
export const DOMAIN_OFFSETS: Record<string, Record<PepnetTask, number>> = {
  A: { like: 0, follow: 0, forward: 0, hate: 0, click: 0, effview: 0 },
  B: { like: -0.3, follow: 0, forward: 0.2, hate: 0, click: 0.3, effview: 0.2 },
  C: { like: 0.5, follow: 0.5, forward: -0.3, hate: 0.3, click: -0.3, effview: -0.2 },
};
