import type { ApprovalRequest, Risk } from '../../core/model.js';
import type { NextReport } from '../../windows/render.js';
import { type ReporterTable, versionedJsonDocument } from '../reporter.js';

/** What `netchange next` renders: the requested slot, what blocks it and the next allowed slots. */
export interface NextOutput extends NextReport {
  /** The risk the windows were judged at (effective, when there is a change-control policy). */
  risk: Risk;
  /** True when an emergency bypasses the windows. */
  bypass: boolean;
  /** Approvals a deny window's override would demand instead of blocking. */
  overrideApprovals: ApprovalRequest[];
}

/**
 * `netchange next --format`: one entry per format.
 * why: the text is still rendered beside the window engine (src/windows/render.ts, which shares its
 * time formatting); it moves here once that formatting lives in one time module.
 */
export const NEXT_REPORTERS = {
  text: async () => (await import('../../windows/render.js')).renderNextText,
  json: async () => versionedJsonDocument,
} satisfies ReporterTable<NextOutput>;
