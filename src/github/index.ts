/** The GitHub module's public surface: what commands and the pipeline call. */
export {
  type DueApplication,
  findDueApplications,
  type PullRequestApply,
  preparePullRequestApply,
} from './apply-gate.js';
export { approvalsFromReviews, policyTeams, teamMembersFromGitHub } from './approvals.js';
export { CHECK_NAME, type ComposedReport, composeReport, REPORT_MARKER } from './compose-report.js';
export {
  composeDigestIssue,
  DIGEST_LABEL,
  type DigestIssuePostOutcome,
  describeDigestIssuePost,
  digestDay,
  digestMarker,
  postDigestIssue,
  publishDigestIssue,
} from './digest-issue.js';
export { createOctokitGitHub, type GitHubAuth } from './octokit-github.js';
export type { GitHubPort, IssueInfo } from './port.js';
export {
  connectGitHub,
  type GitHubSession,
  openGitHubSession,
  type PublishResult,
  publishReport,
  type ReviewInputs,
  resendReport,
  reviewInputs,
} from './publish.js';
export {
  openPullRequestReport,
  type PullRequestReport,
  reportToPullRequest,
} from './report-pull-request.js';
