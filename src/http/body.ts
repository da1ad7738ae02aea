// Reads a request body with a hard size bound before anything parses it
// (DESIGN.md rules: size bounds, then structure, then trust).
import type { Request } from 'express';
import { AppError } from '../errors/app-error.js';

export async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new AppError('payload_too_large', `The body may be at most ${maxBytes} bytes.`, 413);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.unpipe();
      req.resume();
      throw new AppError('payload_too_large', `The body may be at most ${maxBytes} bytes.`, 413);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON.', 400);
  }
}
