/**
 * Labels of the lifecycle's values. The English text is the translation key; `msg` marks a string for
 * extraction without translating it yet (the key check test reads these files).
 */
import type { TFunction } from 'i18next';

export const msg = (text: string) => text;

export const STATUS_LABELS: Record<string, string> = {
  received: msg('Received'),
  accepted: msg('Accepted'),
  won: msg('Won'),
  lost: msg('Lost'),
  declined: msg('Declined'),
  expired: msg('Expired'),
  error: msg('Closed as error'),
};

export const TYPE_LABELS: Record<string, string> = {
  private: msg('Private'),
  'partner-led': msg('Partner-led'),
  'co-sell': msg('Co-sell'),
  'partner-to-partner': msg('Partner to partner'),
  'solution-assessment': msg('Solution assessment'),
};

export const STAGE_LABELS: Record<string, string> = {
  created: msg('Created'),
  accepted: msg('Accepted'),
  qualified: msg('Qualified'),
  developed: msg('Developed'),
  proposed: msg('Proposed'),
  negotiated: msg('Negotiated'),
  won: msg('Won'),
  'secure-customer-loe': msg('Secure customer LOE'),
  'collect-data': msg('Collect data'),
  'prepare-assessment-report': msg('Prepare assessment report'),
  'present-to-customer': msg('Present to customer'),
};

export const HELP_LABELS: Record<string, string> = {
  none: msg('No help needed'),
  'workload-value-proposition': msg('Workload value proposition'),
  'customer-technical-architecture': msg('Customer technical architecture'),
  'proof-of-concept-or-demo': msg('Proof of concept or demo'),
  'quotes-or-licensing': msg('Quotes or licensing'),
  'post-sales-customer-success': msg('Post-sales customer success'),
  'general-or-other': msg('General or other'),
};

export const REASON_LABELS: Record<string, string> = {
  'no-budget': msg('No budget'),
  'customer-unresponsive': msg('Customer unresponsive'),
  'chose-another-vendor': msg('Customer chose another vendor'),
  'requirement-not-met': msg('Requirement not met'),
  'not-a-customer': msg('Not a customer'),
  'timeline-too-short': msg('Timeline too short'),
  'spam-or-abuse': msg('Spam or abuse'),
  other: msg('Other'),
  duplicate: msg('Duplicate'),
  test: msg('Test deal'),
  'data-error': msg('Data error'),
  'customer-matching': msg('Customer matching'),
  'solution-issue': msg('Solution issue'),
  'sync-issue': msg('Sync issue'),
};

export const ROLE_LABELS: Record<string, string> = {
  'partner-admin': msg('Partner admin'),
  'referrals-admin': msg('Referrals admin'),
  'referrals-user': msg('Referrals user'),
  'solutions-admin': msg('Solutions admin'),
  'vendor-admin': msg('Vendor admin'),
  'vendor-seller': msg('Vendor seller'),
};

export const DIRECTION_LABELS: Record<string, string> = {
  inbound: msg('Inbound'),
  outbound: msg('Outbound'),
};

export const label = (t: TFunction, table: Record<string, string>, value: string | null | undefined) =>
  value ? t(table[value] ?? value) : '';
