import type { Socket } from 'node:net';
import { z } from 'zod';
import {
  chatId,
  MAX_TEXT_LENGTH,
  MESSAGE_KINDS,
  mediaRefSchema,
  messageSchema,
} from '../../domain/message.js';
import { createLineSplitter } from './line-splitter.js';

/**
 * Wire protocol of the remote sandbox: one JSON object per line over TCP. The client (the
 * engine's connector) says `hello`, then receives `in` frames it must `ack` once durable, and
 * `send`s outbound messages answered by `sent` or `err`. Every frame is validated on arrival.
 */

/** Longest accepted line, in characters; longer frames are refused without being buffered. */
export const MAX_FRAME_LENGTH = 16 * 1024 * 1024;

const seq = z.number().int().nonnegative();
const id = z.string().min(1).max(128);

const outboundSchema = z.object({
  account: z.string().max(64),
  id,
  to: chatId,
  kind: z.enum(MESSAGE_KINDS),
  body: z.string().max(MAX_TEXT_LENGTH).optional(),
  media: mediaRefSchema.optional(),
  quotedId: id.optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

const inboundSchema = messageSchema.omit({ account: true, direction: true, status: true });

const statusSchema = z.object({
  id,
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  error: z.string().max(4096).optional(),
  timestamp: z.number().int().nonnegative().optional(),
});

/** Frames the connector sends to the network. */
export const clientFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), account: z.string().min(1).max(64) }),
  z.object({ t: z.literal('ack'), seq }),
  z.object({ t: z.literal('nack'), seq, error: z.string().max(4096).optional() }),
  z.object({ t: z.literal('send'), rid: seq, msg: outboundSchema }),
]);
/** A frame the connector sends to the network. */
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** Frames the network sends to the connector. */
export const serverFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), account: z.string() }),
  z.object({ t: z.literal('in'), seq, msg: inboundSchema }),
  z.object({ t: z.literal('status'), update: statusSchema }),
  z.object({ t: z.literal('sent'), rid: seq, receipt: z.object({ id, timestamp: z.number() }) }),
  z.object({
    t: z.literal('err'),
    rid: seq,
    message: z.string(),
    retryable: z.boolean(),
    code: z.string().optional(),
  }),
  z.object({ t: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ t: z.literal('replaced') }),
]);
/** A frame the network sends to the connector. */
export type ServerFrame = z.infer<typeof serverFrameSchema>;

/** One frame as a protocol line. */
export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return `${JSON.stringify(frame)}\n`;
}

/** Parses one line with `schema`; returns the reason instead of throwing, for an `error` reply. */
export function decodeFrame<S extends z.ZodType>(
  schema: S,
  line: string,
): { ok: true; frame: z.output<S> } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'frame is not valid JSON' };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined ? '' : `${issue.path.map(String).join('.') || '(root)'} ${issue.message}`;
  return { ok: false, reason: `invalid frame: ${where}` };
}

/**
 * Reads validated frames off `socket` (newline-delimited JSON, each line at most
 * MAX_FRAME_LENGTH): good frames go to `onFrame`, the others to `onBad` with the reason.
 */
export function readFrames<S extends z.ZodType>(
  socket: Socket,
  schema: S,
  onFrame: (frame: z.output<S>) => void,
  onBad: (reason: string, oversized: boolean) => void,
): void {
  socket.setEncoding('utf8');
  socket.setNoDelay(true);
  socket.on(
    'data',
    createLineSplitter(
      MAX_FRAME_LENGTH,
      (line) => {
        const decoded = decodeFrame(schema, line);
        if (decoded.ok) onFrame(decoded.frame);
        else onBad(decoded.reason, false);
      },
      () => onBad(`frame longer than ${MAX_FRAME_LENGTH} characters`, true),
    ),
  );
}
