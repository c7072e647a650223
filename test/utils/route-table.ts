import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PUBLIC_KEY, ROLES_KEY } from '../../src/common/auth';
import type { Role } from '../../src/common/auth';
import type { TestApp } from './app';

export const ROLES: readonly Role[] = ['table', 'admin', 'superadmin'];

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One HTTP route of the running application, as its controllers declare it and the OpenAPI document lists it. */
export interface Route {
  method: HttpMethod;
  /** Express style: `/api/v1/admin/menus/:id`. */
  path: string;
  /** `GET /api/v1/admin/menus/:id`: how tests name a route. */
  key: string;
  /** Roles `@Auth()` admits; `null` for a `@Public()` route; an empty list admits every authenticated caller. */
  roles: Role[] | null;
  /** Path parameters in order. */
  params: string[];
  /** Query parameters the OpenAPI document lists. */
  query: string[];
  /** Answers `text/event-stream` (a request that succeeds never ends by itself). */
  sse: boolean;
  /** Takes `multipart/form-data`. */
  multipart: boolean;
  /** Takes a JSON body. */
  jsonBody: boolean;
  /** `controller.handler`, or `swagger` for the document's own pages. */
  source: string;
}

const METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

/** Served by SwaggerModule itself, not by a controller: public by construction. */
const SWAGGER_PAGES = new Set(['GET /docs', 'GET /docs-json']);

interface DiscoveredRoute {
  method: HttpMethod;
  path: string;
  roles: Role[] | null;
  source: string;
}

const joinPath = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/')}`;

/**
 * Every handler of every controller the application registered, with the method, the full path and the roles
 * that `@Auth()` / `@Public()` set (handler first, then controller: the guards' own precedence).
 */
export function discoverRoutes(app: NestExpressApplication): DiscoveredRoute[] {
  const out: DiscoveredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const cls = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!cls) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, cls) as string | undefined) ?? '/';
      const seen = new Set<string>();
      // Walk the prototype chain: a handler may be inherited (the metrics controller extends the Prometheus one).
      for (let proto = cls.prototype as object | null; proto && proto !== Object.prototype;) {
        for (const name of Object.getOwnPropertyNames(proto)) {
          if (name === 'constructor' || seen.has(name)) continue;
          const handler = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
          if (typeof handler !== 'function') continue;
          const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
          if (sub === undefined) continue;
          seen.add(name);
          const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          if (!method) throw new Error(`${cls.name}.${name}: unsupported HTTP method in the route table`);
          const isPublic =
            (Reflect.getMetadata(PUBLIC_KEY, handler) as boolean | undefined) ??
            (Reflect.getMetadata(PUBLIC_KEY, cls) as boolean | undefined);
          const roles =
            (Reflect.getMetadata(ROLES_KEY, handler) as Role[] | undefined) ??
            (Reflect.getMetadata(ROLES_KEY, cls) as Role[] | undefined) ??
            [];
          for (const p of Array.isArray(sub) ? sub : [sub]) {
            out.push({
              method,
              path: joinPath(base, p),
              roles: isPublic === true ? null : roles,
              source: `${cls.name}.${name}`,
            });
          }
        }
        proto = Object.getPrototypeOf(proto) as object | null;
      }
    }
  }
  return out;
}

interface OpenApiOperation {
  security?: unknown[];
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface RouteTable {
  routes: Route[];
  /** Disagreements between the code and the OpenAPI document; a test asserts there are none. */
  problems: string[];
}

/**
 * The route table of the running application: the controllers' routes (the truth of what is served and who may
 * call it) joined with `/docs-json` (parameters, body and response media types). A route in one and not in the
 * other, or documented as public while guarded (or the reverse), is a problem the caller asserts away.
 */
export async function routeTable(t: TestApp): Promise<RouteTable> {
  const doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
  const problems: string[] = [];
  const documented = new Map<string, OpenApiOperation>();
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      documented.set(`${method.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`, op);
    }
  }
  const found: DiscoveredRoute[] = [
    ...discoverRoutes(t.app),
    { method: 'get', path: '/docs', roles: null, source: 'swagger' },
    { method: 'get', path: '/docs-json', roles: null, source: 'swagger' },
  ];
  const routes: Route[] = [];
  const keys = new Set<string>();
  for (const r of found) {
    const key = `${r.method.toUpperCase()} ${r.path}`;
    if (keys.has(key)) {
      problems.push(`${key} is declared twice (${r.source})`);
      continue;
    }
    keys.add(key);
    const op = documented.get(key);
    if (!op) {
      problems.push(`${key} (${r.source}) is served but missing from /docs-json`);
      continue;
    }
    // `[{}]` is OpenAPI's "no security requirement": what public operations declare.
    const guarded =
      Array.isArray(op.security) && op.security.some((r) => Object.keys(r as object).length > 0);
    if (guarded !== (r.roles !== null) && !SWAGGER_PAGES.has(key)) {
      problems.push(
        `${key}: the document says ${guarded ? 'bearer' : 'public'}, the code says ${r.roles ? 'guarded' : 'public'}`,
      );
    }
    const requestTypes = Object.keys(op.requestBody?.content ?? {});
    routes.push({
      ...r,
      key,
      params: [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]),
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      sse: Object.values(op.responses ?? {}).some((res) => 'text/event-stream' in (res.content ?? {})),
      multipart: requestTypes.includes('multipart/form-data'),
      jsonBody: requestTypes.includes('application/json'),
    });
  }
  for (const key of documented.keys()) {
    if (!keys.has(key)) problems.push(`${key} is documented in /docs-json but no controller serves it`);
  }
  return { routes, problems };
}

/** Fills `:name` parameters; `fill` must answer for every one (or throw naming what is missing). */
export function buildPath(route: Route, fill: (param: string) => string): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(fill(name)));
}
