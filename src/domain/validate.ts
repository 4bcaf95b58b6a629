import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** Parses `input` with `schema` or throws a `ValidationError` listing every issue by path. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  const first = issues[0];
  throw new ValidationError(`invalid ${what}${first ? `: ${first.path} ${first.message}` : ''}`, issues);
}
