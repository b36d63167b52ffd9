/**
 * A local stand-in for Slack and Teams incoming webhooks: node:http on 127.0.0.1 at a random port.
 * It answers from a script (429, then 500, then 200...) and checks every payload it receives:
 * Slack's against the Block Kit rules the client's types describe (block kinds, text objects, the
 * documented length and count limits), Teams' by parsing the Adaptive Card with Microsoft's own
 * `adaptivecards` library, which reports every element or property it does not know.
 */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ReceivedPost {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body. */
  text: string;
  /** The parsed body, or undefined when it was not JSON. */
  body: unknown;
  /** When it arrived (performance.now()). */
  at: number;
  /** What the payload check found wrong; empty when the payload is valid. */
  problems: string[];
}

export interface WebhookReceiver {
  /** A URL whose path looks like a real webhook's (the path is the credential). */
  url: string;
  posts: ReceivedPost[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  chat: 'slack' | 'teams',
  script: ScriptedAnswer[] = [],
): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  const answers = [...script];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const problems =
        request.method !== 'POST'
          ? [`method ${request.method}`]
          : body === undefined
            ? ['body is not JSON']
            : chat === 'slack'
              ? checkSlackPayload(body)
              : checkTeamsPayload(body);
      posts.push({
        path: request.url ?? '',
        headers: request.headers,
        text,
        body,
        at: performance.now(),
        problems,
      });
      const answer = answers.shift() ?? { status: 200, body: chat === 'slack' ? 'ok' : '1' };
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const secretPath =
    chat === 'slack'
      ? '/services/T0NETCHG1/B0NETCHG2/hookSecretToken0123456789ab'
      : '/webhookb2/5f3c1a2e-netchange-secret/IncomingWebhook/7d9e8f0a1b2c/4e5f6a7b';
  return {
    url: `http://127.0.0.1:${port}${secretPath}`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SLACK_TOP_LEVEL = new Set([
  'text',
  'blocks',
  'attachments',
  'unfurl_links',
  'unfurl_media',
  'username',
  'icon_emoji',
  'icon_url',
  'channel',
  'link_names',
  'metadata',
  'mrkdwn',
]);

/** Block Kit as an incoming webhook takes it (api.slack.com/reference/block-kit). */
export function checkSlackPayload(payload: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(payload)) return ['payload is not an object'];
  for (const key of Object.keys(payload))
    if (!SLACK_TOP_LEVEL.has(key)) problems.push(`unknown top-level key ${key}`);
  if (typeof payload.text !== 'string' || payload.text.length === 0) problems.push('no fallback text');
  const blocks = payload.blocks;
  if (!Array.isArray(blocks)) return [...problems, 'blocks is not an array'];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks (at most 50)`);
  for (const [index, block] of blocks.entries()) problems.push(...checkSlackBlock(block, `blocks[${index}]`));
  return problems;
}

function checkSlackBlock(block: unknown, where: string): string[] {
  if (!isRecord(block)) return [`${where} is not an object`];
  const problems: string[] = [];
  switch (block.type) {
    case 'header':
      problems.push(...textObject(block.text, `${where}.text`, 150, ['plain_text']));
      break;
    case 'section':
      if (block.text === undefined && block.fields === undefined)
        problems.push(`${where} has neither text nor fields`);
      if (block.text !== undefined) problems.push(...textObject(block.text, `${where}.text`, 3000));
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10)
          problems.push(`${where}.fields: 1 to 10 items`);
        else
          for (const [n, field] of block.fields.entries())
            problems.push(...textObject(field, `${where}.fields[${n}]`, 2000));
      }
      break;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10)
        problems.push(`${where}.elements: 1 to 10 items`);
      else
        for (const [n, element] of block.elements.entries())
          problems.push(...textObject(element, `${where}.elements[${n}]`, 3000));
      break;
    case 'divider':
      break;
    default:
      problems.push(`${where} has type ${String(block.type)}, not a block netchange sends`);
  }
  return problems;
}

function textObject(value: unknown, where: string, max: number, types = ['plain_text', 'mrkdwn']): string[] {
  if (!isRecord(value)) return [`${where} is not a text object`];
  const problems: string[] = [];
  if (!types.includes(String(value.type))) problems.push(`${where}.type ${String(value.type)}`);
  if (typeof value.text !== 'string' || value.text.length === 0) problems.push(`${where}.text is empty`);
  else if (value.text.length > max)
    problems.push(`${where}.text has ${value.text.length} characters (at most ${max})`);
  return problems;
}

interface AdaptiveCardsModule {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    toJSON(): { body?: unknown[]; actions?: unknown[] } | undefined;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new () => { eventCount: number; getEventAt(index: number): { message: string } };
}

// why: the package's ESM build imports files without extensions, which Node cannot load; its UMD
// bundle is the same code and loads anywhere.
const adaptiveCards = createRequire(import.meta.url)(
  'adaptivecards/dist/adaptivecards.js',
) as AdaptiveCardsModule;

/** A Teams message: one Adaptive Card attachment that Microsoft's parser reads without a complaint. */
export function checkTeamsPayload(payload: unknown): string[] {
  if (!isRecord(payload)) return ['payload is not an object'];
  const problems: string[] = [];
  if (payload.type !== 'message') problems.push(`type is ${String(payload.type)}, not message`);
  const attachments = payload.attachments;
  if (!Array.isArray(attachments) || attachments.length !== 1)
    return [...problems, 'not exactly one attachment'];
  const attachment = attachments[0];
  if (!isRecord(attachment)) return [...problems, 'attachment is not an object'];
  if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive')
    problems.push(`contentType ${String(attachment.contentType)}`);
  return [...problems, ...checkAdaptiveCard(attachment.content)];
}

export function checkAdaptiveCard(content: unknown): string[] {
  if (!isRecord(content)) return ['card is not an object'];
  const problems: string[] = [];
  if (content.type !== 'AdaptiveCard') problems.push(`card type ${String(content.type)}`);
  if (content.version !== '1.4')
    problems.push(`card version ${String(content.version)} (Teams renders up to 1.5; netchange writes 1.4)`);
  const card = new adaptiveCards.AdaptiveCard();
  const context = new adaptiveCards.SerializationContext();
  card.parse(content, context);
  for (let index = 0; index < context.eventCount; index += 1)
    problems.push(`parser: ${context.getEventAt(index).message}`);
  for (const issue of card.validateProperties().validationEvents)
    problems.push(`validation: ${issue.message}`);
  // why: the parser drops what it cannot read; the same number of elements back means none was dropped.
  const parsed = card.toJSON();
  const sent = Array.isArray(content.body) ? content.body.length : 0;
  if ((parsed?.body?.length ?? 0) !== sent)
    problems.push(`parser kept ${parsed?.body?.length ?? 0} of ${sent} body elements`);
  const actions = Array.isArray(content.actions) ? content.actions.length : 0;
  if ((parsed?.actions?.length ?? 0) !== actions)
    problems.push(`parser kept ${parsed?.actions?.length ?? 0} of ${actions} actions`);
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
