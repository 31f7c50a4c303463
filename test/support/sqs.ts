import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Receives message bodies until `expected` arrived or `timeoutMs` passed, then looks once more without waiting, so a
 * test also sees messages beyond those it expected.
 */
export async function receiveBodies(
  sqs: SQSClient,
  queueUrl: string,
  expected: number,
  timeoutMs = 10_000,
): Promise<string[]> {
  const receive = async (waitSeconds: number) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
      )
    ).Messages?.map((m) => m.Body ?? '') ?? [];
  const bodies: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (bodies.length < expected && Date.now() < deadline) bodies.push(...(await receive(1)));
  return [...bodies, ...(await receive(0))];
}
