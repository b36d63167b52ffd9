import type { ReporterTable } from '../reporter.js';
import type { PlanOutput } from './output.js';

export type { PlanOutput } from './output.js';

/** `netchange plan --format`: one line per format. */
export const PLAN_REPORTERS = {
  text: async () => (await import('./text.js')).renderPlanOutputText,
  json: async () => (await import('./json.js')).renderPlanOutputJson,
  markdown: async () => (await import('./markdown.js')).renderPlanOutputMarkdown,
} satisfies ReporterTable<PlanOutput>;
