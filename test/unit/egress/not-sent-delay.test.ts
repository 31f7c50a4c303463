import { describe, expect, it } from 'vitest';
import { MAX_NOT_SENT_RETRIES, notSentDelaySeconds } from '../../../shared/execution/sqs-handler.ts';

describe('the wait before a never-sent order is tried again', () => {
  it('starts at 30 s, doubles, and stays within the 15 minutes SQS can delay a message', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(notSentDelaySeconds)).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it('covers an outage of over an hour before the message is left to the redrive limit', () => {
    const total = Array.from({ length: MAX_NOT_SENT_RETRIES }, (_, i) => notSentDelaySeconds(i)).reduce(
      (a, b) => a + b,
      0,
    );
    expect(total).toBeGreaterThan(3_600);
  });
});
