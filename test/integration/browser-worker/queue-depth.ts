import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { until } from './harness.ts';

/** Waits until the queue holds no message, visible or in flight, and returns its counts. */
export async function queueDepth(sqs: SQSClient, queueUrl: string) {
  const read = async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      ApproximateNumberOfMessages: Number(Attributes?.ApproximateNumberOfMessages ?? -1),
      ApproximateNumberOfMessagesNotVisible: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? -1),
    };
  };
  return until(
    'an empty queue',
    read,
    (d) => d.ApproximateNumberOfMessages + d.ApproximateNumberOfMessagesNotVisible === 0,
  );
}
