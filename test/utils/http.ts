import type { Test } from 'supertest';
import type { TestApp } from './app';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof METHODS)[number];

const isHttpMethod = (name: string): name is HttpMethod => (METHODS as readonly string[]).includes(name);

/**
 * A request whose method is chosen at run time, as tests over a list of routes need (a name read from the
 * OpenAPI document or a route table is checked here rather than cast).
 */
export function call(t: TestApp, method: string, url: string): Test {
  const name = method.toLowerCase();
  if (!isHttpMethod(name)) throw new Error(`not an HTTP method of the API: ${method}`);
  return t.http()[name](url);
}
