import { Card, Empty, Grid, Pagination, Spin, Table, type TableColumnType, type TableProps } from 'antd';
import type { Key, ReactNode } from 'react';
import { useState } from 'react';

type Column<Row> = TableColumnType<Row> & { children?: unknown };

function cellValue<Row>(column: Column<Row>, row: Row): unknown {
  const index = column.dataIndex;
  if (index === undefined || index === null) return undefined;
  const path = Array.isArray(index) ? index : [index];
  let value: unknown = row;
  for (const key of path as (string | number)[]) value = (value as Record<string | number, unknown> | null | undefined)?.[key];
  return value;
}

function cell<Row>(column: Column<Row>, row: Row, index: number): ReactNode {
  const value = cellValue(column, row);
  if (column.render) {
    const rendered = column.render(value, row, index) as unknown;
    // A render may return `{ children, props }` (cell spans); the card shows the children.
    if (rendered && typeof rendered === 'object' && 'children' in (rendered as object) && !('$$typeof' in (rendered as object))) {
      return (rendered as { children: ReactNode }).children;
    }
    return rendered as ReactNode;
  }
  return value === null || value === undefined ? '' : (value as ReactNode);
}

function keyOf<Row>(rowKey: TableProps<Row>['rowKey'], row: Row, index: number): Key {
  if (typeof rowKey === 'function') return rowKey(row, index);
  const field = (rowKey ?? 'key') as string;
  return ((row as Record<string, unknown>)[field] as Key | undefined) ?? index;
}

/**
 * A table on a desk, a list of cards on a phone (below antd's md, 768 px; issue #24): each row a
 * card, each column a 「label：value」 line, the columns keyed in `actionKeys` (default `actions`:
 * the row's buttons) at the card's foot, wholly on the screen. Takes a Table's props (columns, dataSource, rowKey,
 * loading, locale.emptyText, pagination from `usePagedQuery` or `clientPagination`).
 */
export function ResponsiveTable<Row extends object>({ actionKeys = ['actions'], ...props }: TableProps<Row> & { actionKeys?: string[] }) {
  const screens = Grid.useBreakpoint();
  if (screens.md !== false) return <Table<Row> {...props} />;
  return <RowCards<Row> {...props} actionKeys={actionKeys} />;
}

function RowCards<Row extends object>({
  columns,
  dataSource,
  rowKey,
  loading,
  locale,
  pagination,
  rowClassName,
  actionKeys,
}: TableProps<Row> & { actionKeys: string[] }) {
  const [localPage, setLocalPage] = useState(1);
  const rows = [...(dataSource ?? [])];
  const paging = pagination === false || pagination === undefined ? null : pagination;
  // A server page (`total` given) is shown whole; a whole list is paged here.
  const serverPaged = paging?.total !== undefined;
  const pageSize = paging?.pageSize ?? 30;
  const current = serverPaged ? (paging?.current ?? 1) : localPage;
  const shown = serverPaged || !paging ? rows : rows.slice((current - 1) * pageSize, current * pageSize);
  const total = serverPaged ? (paging?.total ?? 0) : rows.length;
  const all = (columns ?? []) as Column<Row>[];
  const isAction = (column: Column<Row>) => actionKeys.includes(String(column.key));
  const actions = all.filter(isAction);
  const fields = all.filter((column) => !isAction(column));
  const spinning = typeof loading === 'object' ? Boolean(loading.spinning) : Boolean(loading);
  const empty = locale?.emptyText;
  return (
    <Spin spinning={spinning}>
      <div className="licheng-row-cards" role="list">
        {shown.length === 0 && !spinning && (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={typeof empty === 'function' ? empty() : (empty ?? undefined)} />
        )}
        {shown.map((row, i) => {
          const index = (current - 1) * pageSize + i;
          const extra = typeof rowClassName === 'function' ? rowClassName(row, index, 0) : (rowClassName ?? '');
          return (
            <Card key={keyOf(rowKey, row, index)} size="small" role="listitem" className={`licheng-row-card ${extra}`.trim()} style={{ marginBottom: 12 }}>
              <dl style={{ margin: 0 }}>
                {fields.map((column, c) => {
                  const value = cell(column, row, index);
                  if (value === null || value === undefined || value === '' || value === false) return null;
                  const title = typeof column.title === 'function' ? null : (column.title as ReactNode);
                  return (
                    <div key={String(column.key ?? column.dataIndex ?? c)} className="licheng-row-card-field">
                      {title ? <dt>{title}</dt> : null}
                      <dd>{value}</dd>
                    </div>
                  );
                })}
              </dl>
              {actions.map((column, c) => (
                <div key={`actions-${c}`} className="licheng-row-card-actions">
                  {cell(column, row, index)}
                </div>
              ))}
            </Card>
          );
        })}
        {paging && total > pageSize && (
          <Pagination
            simple
            current={current}
            pageSize={pageSize}
            total={total}
            onChange={(page, size) => (serverPaged ? paging.onChange?.(page, size) : setLocalPage(page))}
            style={{ textAlign: 'center' }}
          />
        )}
      </div>
    </Spin>
  );
}
