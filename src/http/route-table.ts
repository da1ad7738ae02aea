// Matching a request to a route definition without walking express's layer
// stack (on the auth hot path express's router cost more than the JWS
// signing; bench:auth profile). Paths use the express 5 syntax the route
// definitions are written in: literal segments, `:name` (one segment) and a
// final `*name` (one or more segments, given as an array, as express does).
// Like express's defaults, literal segments match case-insensitively and a
// single trailing slash is allowed. Parameters are percent-decoded.
import { AppError } from '../errors/app-error.js';
import type { AnyRoute } from './route.js';

type Segment = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'param' | 'rest'; readonly name: string };

interface Compiled {
  readonly route: AnyRoute;
  readonly segments: readonly Segment[];
}

export interface RouteMatch {
  readonly route: AnyRoute;
  readonly params: Record<string, string | string[]>;
}

function compile(route: AnyRoute): Compiled {
  const parts = route.path.split('/').slice(1);
  const segments = parts.map((p, i): Segment => {
    if ((p.startsWith(':') || p.startsWith('*')) && !/^[A-Za-z_]\w*$/.test(p.slice(1))) {
      throw new Error(`route ${route.path}: unsupported path syntax in "${p}"`);
    }
    if (p.startsWith(':')) return { kind: 'param', name: p.slice(1) };
    if (p.startsWith('*')) {
      if (i !== parts.length - 1) throw new Error(`route ${route.path}: a *wildcard must be the last segment`);
      return { kind: 'rest', name: p.slice(1) };
    }
    if (/[:*?()[\]{}]/.test(p)) throw new Error(`route ${route.path}: unsupported path syntax in "${p}"`);
    return { kind: 'literal', text: p.toLowerCase() };
  });
  return { route, segments };
}

function decode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw new AppError('invalid_request', `Malformed percent-encoding in the path: ${JSON.stringify(s.slice(0, 64))}.`, 400);
  }
}

export class RouteTable {
  /** method (upper case) → literal path (lower case) → route */
  readonly #literal = new Map<string, Map<string, AnyRoute>>();
  /** method → routes with parameters, in definition order */
  readonly #patterns = new Map<string, Compiled[]>();

  constructor(routes: readonly AnyRoute[]) {
    for (const route of routes) {
      const method = route.method.toUpperCase();
      const c = compile(route);
      if (c.segments.every((s) => s.kind === 'literal')) {
        const byPath = this.#literal.get(method) ?? new Map<string, AnyRoute>();
        const key = route.path.toLowerCase();
        if (!byPath.has(key)) byPath.set(key, route);
        this.#literal.set(method, byPath);
      } else {
        const list = this.#patterns.get(method) ?? [];
        list.push(c);
        this.#patterns.set(method, list);
      }
    }
  }

  /** The route for `method` and the path part of `url`, or undefined. Throws invalid_request on bad %-encoding. */
  match(method: string, url: string): RouteMatch | undefined {
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const literal = this.#literal.get(method)?.get(path.toLowerCase());
    if (literal !== undefined) return { route: literal, params: {} };
    const patterns = this.#patterns.get(method);
    if (patterns === undefined || !path.startsWith('/')) return undefined;
    const parts = path.split('/').slice(1);
    for (const c of patterns) {
      const params = matchSegments(c.segments, parts);
      if (params !== undefined) return { route: c.route, params };
    }
    return undefined;
  }
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string | string[]> | undefined {
  const last = segments[segments.length - 1];
  const rest = last?.kind === 'rest';
  if (rest ? parts.length < segments.length : parts.length !== segments.length) return undefined;
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const p = parts[i]!;
    if (s.kind === 'literal') {
      if (p.toLowerCase() !== s.text) return undefined;
    } else if (s.kind === 'param') {
      if (p === '') return undefined;
      params[s.name] = p;
    } else {
      const tail = parts.slice(i);
      if (tail.some((t) => t === '')) return undefined;
      params[s.name] = tail;
    }
  }
  // Decode only once the route matched (a malformed %-sequence is the caller's error).
  for (const [k, v] of Object.entries(params)) params[k] = Array.isArray(v) ? v.map(decode) : decode(v);
  return params;
}
