import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookPoster, WebhookPostError } from '../../src/notify/webhook-http.js';
import { formsOf } from '../support/secrets.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

let receiver: WebhookReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** A poster that does not wait between attempts, and records the waits it was asked for. */
function quickPoster() {
  const waits: number[] = [];
  const notes: string[] = [];
  const poster = createWebhookPoster({
    now: () => Date.parse('2026-11-22T08:00:00Z'),
    sleep: async (ms) => {
      waits.push(ms);
    },
    onRetry: (message) => notes.push(message),
  });
  return { poster, waits, notes };
}

async function failure(promise: Promise<unknown>): Promise<WebhookPostError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WebhookPostError) return error;
    throw error;
  }
  throw new Error('the post succeeded');
}

describe('the webhook adapter', () => {
  it.each(['slack', 'teams'] as const)(
    'gives up on %s after 4 attempts of 503, backing off 1, 2, 4 s',
    async (chat) => {
      receiver = await startWebhookReceiver(
        chat,
        Array.from({ length: 5 }, () => ({ status: 503, body: 'busy' })),
      );
      const { poster, waits } = quickPoster();

      const error = await failure(poster.post(chat, receiver.url, { text: 'x', blocks: [] }));

      expect(receiver.posts).toHaveLength(4);
      expect(waits).toEqual([1000, 2000, 4000]);
      expect(error.reason).toBe('attempts-exhausted');
      expect(error.status).toBe(503);
      expect(error.message).toContain('answered 503 ("busy") on the last of 4 attempts');
    },
  );

  it('gives up at once when Retry-After asks for more than a minute', async () => {
    receiver = await startWebhookReceiver('slack', [{ status: 429, headers: { 'retry-after': '600' } }]);
    const { poster, waits } = quickPoster();

    const error = await failure(poster.post('slack', receiver.url, { text: 'x' }));

    expect(receiver.posts).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(error.reason).toBe('retry-after-too-long');
  });

  it('retries a webhook that does not answer, and names the reason by code, never by address', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/services/T0CLOSED/B0CLOSED/closedPortSecret42`;
    const { poster, waits, notes } = quickPoster();

    const error = await failure(poster.post('teams', url, { type: 'message', attachments: [] }));

    expect(waits).toHaveLength(3);
    expect(error.status).toBeUndefined();
    expect(error.message).toContain('did not answer (ECONNREFUSED)');
    for (const form of [...formsOf(url), String(port)]) {
      expect(error.message).not.toContain(form);
      for (const note of notes) expect(note).not.toContain(form);
    }
  });
});
