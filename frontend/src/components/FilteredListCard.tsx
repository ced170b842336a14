import { Input, Select, Space, Table, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import type { usePagedQuery } from '../lib/usePagedQuery';
import { PageCard } from './PageCard';
import { ErrorAlert } from './ProblemAlert';

/**
 * A page that is one server-paginated list with filters above it (稽核紀錄, 接收紀錄): the card, the
 * query's error, the filter bar and the table (rows keyed by `id` unless `rowKey` says otherwise,
 * 30 a page).
 */
export function FilteredListCard<Row extends object>({
  title,
  intro,
  filters,
  paged,
  rowKey = 'id',
  ...table
}: Omit<TableProps<Row>, 'dataSource' | 'loading' | 'pagination' | 'title'> & {
  title: string;
  intro: ReactNode;
  /** The filter widgets (and actions on the list), in a wrapping row above the table. */
  filters: ReactNode;
  paged: Pick<ReturnType<typeof usePagedQuery<Row, object>>, 'query' | 'tableProps'>;
}) {
  return (
    <PageCard title={title} intro={intro}>
      <ErrorAlert error={paged.query.error} />
      <Space wrap style={{ marginBottom: 16 }}>
        {filters}
      </Space>
      <Table<Row> rowKey={rowKey} size="middle" {...table} {...paged.tableProps} />
    </PageCard>
  );
}

/** A filter choosing one value or none (cleared: 全部…, `undefined`); `label` names it for screen readers. */
export function FilterSelect<Value extends string>({
  label,
  placeholder,
  options,
  value,
  onChange,
  width = 180,
  searchable = false,
}: {
  label: string;
  placeholder: string;
  options: { value: Value; label: string }[];
  value: Value | undefined;
  onChange: (value: Value | undefined) => void;
  width?: number;
  /** Type to narrow the options by their labels (long lists). */
  searchable?: boolean;
}) {
  return (
    <Select<Value>
      allowClear
      showSearch={searchable ? { optionFilterProp: 'label' } : undefined}
      placeholder={placeholder}
      aria-label={label}
      options={options}
      value={value}
      onChange={onChange}
      style={{ width }}
    />
  );
}

/** A keyword filter sent on Enter (or its button): the trimmed text, or `undefined` when cleared. */
export function FilterSearch({
  label,
  placeholder,
  onSearch,
  width = 240,
}: {
  label: string;
  placeholder: string;
  onSearch: (value: string | undefined) => void;
  width?: number;
}) {
  return (
    <Input.Search
      allowClear
      placeholder={placeholder}
      aria-label={label}
      onSearch={(value) => onSearch(value.trim() || undefined)}
      style={{ width }}
    />
  );
}
