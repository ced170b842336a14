/** 最新消息 (tag "news"): types read out of the generated spec, fetchers and query keys. */
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../api/client';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type NewsItem = JsonOf<paths['/api/v1/news/public']['get']['responses'][200]>[number];
export type NewsList = JsonOf<paths['/api/v1/news']['get']['responses'][200]>;
export type NewsInput = JsonOf<NonNullable<paths['/api/v1/news']['post']['requestBody']>>;

export const newsKey = ['news'] as const;
export const publicNewsKey = ['news', 'public'] as const;
export const myNewsKey = ['news', 'mine'] as const;
export const manageNewsKey = ['news', 'manage'] as const;

export const fetchPublicNews = (signal?: AbortSignal) => unwrap(api.GET('/api/v1/news/public', { signal }));
export const fetchMyNews = (signal?: AbortSignal) => unwrap(api.GET('/api/v1/news', { signal }));
export const fetchManagedNews = (query: { q?: string; page?: number; per_page?: number }, signal?: AbortSignal) =>
  unwrap(api.GET('/api/v1/news/manage', { params: { query }, signal }));

export async function markNewsRead(id: number): Promise<void> {
  await unwrap(api.POST('/api/v1/news/{id}/read', { params: { path: { id } } }));
}

export const createNews = (body: NewsInput) => unwrap(api.POST('/api/v1/news', { body }));
export const updateNews = ({ id, body }: { id: number; body: NewsInput }) =>
  unwrap(api.PUT('/api/v1/news/{id}', { params: { path: { id } }, body }));
export async function deleteNews(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/news/{id}', { params: { path: { id } } }));
}
