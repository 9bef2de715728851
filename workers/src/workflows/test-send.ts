import { proxyActivities } from '@temporalio/workflow';
import type { TestSendInput, TestSendOutput } from '../activities/send/test-send.ts';

type TestSendActivities = { sendTestMessage(input: TestSendInput): Promise<TestSendOutput> };

// One attempt: the tester sees the outcome at once, and a retry could mail them twice.
const { sendTestMessage } = proxyActivities<TestSendActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/** A send node's test send, started by the API and answered while it waits. */
export async function testSendWorkflow(input: TestSendInput): Promise<TestSendOutput> {
  return sendTestMessage(input);
}
