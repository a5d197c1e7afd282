import { z } from 'zod';
import { durationField } from '../../lib/duration';

/**
 * The `activity:` section of the policy: whether and when jitbot looks up what was
 * done with a grant after it ended (CloudTrail, Azure Activity Log), and how hard it
 * retries. CloudTrail delivers events about 5–15 minutes late, hence the delay.
 */
export const ActivityPolicySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** How long after a grant ends the lookup runs (the cloud's log must have caught up). */
    delay: durationField.prefault('15m'),
    /** Lookups tried before `grant.activity_failed` is recorded. */
    attempts: z.number().int().min(1, 'must be at least 1').max(20, 'must be at most 20').default(5),
    /** First wait between attempts; it doubles after each failure. */
    retry_backoff: durationField.prefault('1m'),
    /** CloudTrail regions searched (global services such as IAM log to us-east-1); default: AWS_REGION. */
    aws_regions: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region like eu-west-1'))
      .min(1, 'list at least one region, or leave the key out')
      .optional(),
  })
  .strict();

export type ActivityPolicy = z.output<typeof ActivityPolicySchema>;
