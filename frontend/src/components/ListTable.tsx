import type { UseQueryResult } from '@tanstack/react-query';
import { Table, type TableProps } from 'antd';
import { clientPagination } from '../lib/usePagedQuery';
import { ErrorAlert } from './ProblemAlert';

/**
 * A list the API returns whole (role groups, API keys, temporary accounts) as a table paged in
 * the browser, with the query's error above it.
 */
export function ListTable<Row extends { id: number }>({
  query,
  emptyText,
  ...table
}: Omit<TableProps<Row>, 'dataSource' | 'loading' | 'pagination' | 'rowKey'> & {
  query: Pick<UseQueryResult<Row[]>, 'data' | 'error' | 'isFetching'>;
  emptyText: string;
}) {
  return (
    <>
      <ErrorAlert error={query.error} />
      <Table<Row>
        rowKey="id"
        dataSource={query.data ?? []}
        loading={query.isFetching}
        pagination={clientPagination}
        locale={{ emptyText }}
        {...table}
      />
    </>
  );
}
