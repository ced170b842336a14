import { keepPreviousData, useQuery, type QueryKey } from '@tanstack/react-query';
import type { TablePaginationConfig } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { PageOf } from '../api/types';
import { tr } from '../i18n/lang';

/** The manual's tables show 30 rows a page. */
export const DEFAULT_PER_PAGE = 30;

/** Paging in the browser for short lists the API returns whole: 30 a page, as the manual's tables. */
export const clientPagination: TablePaginationConfig = {
  pageSize: DEFAULT_PER_PAGE,
  showSizeChanger: false,
  hideOnSinglePage: true,
};

/** `page` and `per_page` as the paginated endpoints take them. */
export interface PageParams {
  page: number;
  per_page: number;
}

/** A list's filters, and `update(patch)` changing some of them (the others kept). */
export function useFilters<Filters extends object>(initial: Filters) {
  const [filters, setFilters] = useState<Filters>(initial);
  const update = useCallback(
    (patch: Partial<Filters>) => setFilters((current) => ({ ...current, ...patch })),
    [],
  );
  return [filters, update] as const;
}

export interface PagedQueryOptions<Row, Filters> {
  /** The query's key without filters or page (e.g. `['accounts']`); both are appended. */
  queryKey: QueryKey;
  /** The list's filters: changing them goes back to page 1. */
  filters: Filters;
  fetchPage: (params: Filters & PageParams, signal: AbortSignal) => Promise<PageOf<Row>>;
  perPage?: number;
  enabled?: boolean;
}

/** `第 1–30 筆，共 442 筆（共 15 頁）`: the manual's 「共 N 頁 … 共 N 條」. */
export function pageTotalText(total: number, range: [number, number], perPage: number): string {
  const pages = Math.max(1, Math.ceil(total / perPage));
  return total === 0
    ? tr('共 0 筆', 'No items')
    : tr(
        `第 ${range[0]}–${range[1]} 筆，共 ${total} 筆（共 ${pages} 頁）`,
        `${range[0]}–${range[1]} of ${total} (${pages} page${pages === 1 ? '' : 's'})`,
      );
}

/**
 * A server-paginated list (`?page=&per_page=` → `{ items, total, page, per_page }`) for an antd
 * Table: spread `tableProps` into the table. Keeps the last page on screen while the next one
 * loads, returns to page 1 when the filters change, and steps back when the last page empties.
 */
export function usePagedQuery<Row, Filters extends object>({
  queryKey,
  filters,
  fetchPage,
  perPage = DEFAULT_PER_PAGE,
  enabled = true,
}: PagedQueryOptions<Row, Filters>) {
  const filtersKey = JSON.stringify(filters);
  const [state, setState] = useState({ page: 1, filtersKey });
  const page = state.filtersKey === filtersKey ? state.page : 1;
  const setPage = (next: number) => setState({ page: next, filtersKey });

  const query = useQuery({
    queryKey: [...queryKey, filters, page, perPage],
    queryFn: ({ signal }) => fetchPage({ ...filters, page, per_page: perPage }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });

  const total = query.data?.total ?? 0;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  useEffect(() => {
    // Rows removed elsewhere (or by this page): do not stay on a page past the end.
    if (query.data && !query.isPlaceholderData && page > lastPage) {
      setState({ page: lastPage, filtersKey });
    }
  }, [query.data, query.isPlaceholderData, page, lastPage, filtersKey]);

  const pagination: TablePaginationConfig = {
    current: page,
    pageSize: perPage,
    total,
    showSizeChanger: false,
    showTotal: (count, range) => pageTotalText(count, range, perPage),
    onChange: setPage,
  };

  return {
    query,
    page,
    setPage,
    rows: query.data?.items ?? [],
    total,
    tableProps: { dataSource: query.data?.items ?? [], loading: query.isFetching, pagination },
  };
}
