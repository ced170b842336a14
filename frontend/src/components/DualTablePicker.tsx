import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Card, Col, Popconfirm, Row, Space, Table, type TablePaginationConfig, type TableProps } from 'antd';
import { type Key, type ReactNode } from 'react';
import { clientPagination } from '../lib/usePagedQuery';
import { useRowSelection } from '../lib/useRowSelection';
import { useT } from '../i18n';

/** One side of the picker: a titled table with checkboxes. */
export interface PickerSide<T> {
  title: ReactNode;
  rows: readonly T[];
  columns: NonNullable<TableProps<T>['columns']>;
  rowKey: (row: T) => Key;
  /** Above the table, e.g. a filter input. */
  header?: ReactNode;
  loading?: boolean;
  /** Server-side paging; default: 30 rows a page in the browser. */
  pagination?: TablePaginationConfig | false;
  emptyText?: string;
  /** Rows that cannot be ticked (e.g. already on the other side). */
  disabled?: (row: T) => boolean;
}

/** What the 移除 button asks before removing the ticked rows (antd Popconfirm). */
export interface RemoveConfirmation {
  title: ReactNode;
  description?: ReactNode;
  okText?: string;
}

function PickerTable<T extends object>({
  side,
  rowSelection,
  label,
}: {
  side: PickerSide<T>;
  /** None: a read-only list, no checkboxes. */
  rowSelection: TableProps<T>['rowSelection'];
  label: string;
}) {
  const { disabled } = side;
  return (
    <Card title={side.title} size="small" style={{ height: '100%' }}>
      {side.header}
      <Table<T>
        size="small"
        aria-label={label}
        rowKey={side.rowKey}
        columns={side.columns}
        dataSource={side.rows as T[]}
        loading={side.loading}
        pagination={side.pagination ?? clientPagination}
        locale={side.emptyText ? { emptyText: side.emptyText } : undefined}
        rowSelection={
          rowSelection && disabled
            ? { ...rowSelection, getCheckboxProps: (row: T) => ({ disabled: disabled(row) }) }
            : rowSelection
        }
      />
    </Card>
  );
}

/**
 * Two lists side by side, as in the manual's pickers (待選功能模組 ↔ the group's modules,
 * 待選人員 ↔ 所屬人員): tick rows on one side and move them across with the buttons between.
 * `confirmRemove` makes 移除 ask first (可設定班級 ↔ 已設定班級: 「確定要刪除勾選的班級？」);
 * `readOnly` shows both lists without checkboxes or buttons (no right to change them).
 */
export function DualTablePicker<A extends object, C extends object>({
  available,
  chosen,
  onAdd,
  onRemove,
  busy = false,
  confirmRemove,
  readOnly = false,
}: {
  available: PickerSide<A>;
  chosen: PickerSide<C>;
  onAdd: (rows: A[]) => void | Promise<unknown>;
  onRemove: (rows: C[]) => void | Promise<unknown>;
  busy?: boolean;
  confirmRemove?: (rows: C[]) => RemoveConfirmation;
  readOnly?: boolean;
}) {
  const t = useT();
  const left = useRowSelection(available.rowKey);
  const right = useRowSelection(chosen.rowKey);

  // A refused move keeps the ticks (the caller has said why).
  const move = async <T,>(from: { rows: T[]; clear: () => void }, action: (rows: T[]) => unknown) => {
    try {
      await action(from.rows);
      from.clear();
    } catch {
      /* reported by the caller */
    }
  };

  const buttons = [
    { label: t('加入', 'Add'), icon: <RightOutlined />, count: left.rows.length, run: () => move(left, onAdd) },
    { label: t('移除', 'Remove'), icon: <LeftOutlined />, count: right.rows.length, run: () => move(right, onRemove) },
  ].map(({ label, icon, count, run }, index) => {
    const asked = index === 1 && confirmRemove && count > 0 ? confirmRemove(right.rows) : undefined;
    const button = (
      <Button
        key={label}
        type={index === 0 ? 'primary' : 'default'}
        icon={icon}
        disabled={count === 0}
        loading={busy}
        onClick={asked ? undefined : () => void run()}
        aria-label={t(`${label}所選`, `${label} selected`)}
      >
        {label}
      </Button>
    );
    return asked ? (
      <Popconfirm
        key={label}
        title={asked.title}
        description={asked.description}
        okText={asked.okText ?? label}
        okButtonProps={{ danger: true }}
        cancelText={t('取消', 'Cancel')}
        onConfirm={run}
      >
        {button}
      </Popconfirm>
    ) : (
      button
    );
  });

  return (
    <Row gutter={[16, 16]} align="stretch">
      <Col xs={24} lg={readOnly ? 12 : 11}>
        <PickerTable side={available} rowSelection={readOnly ? undefined : left.rowSelection} label={t('待選清單', 'Available')} />
      </Col>
      {!readOnly && (
        <Col xs={24} lg={2} style={{ display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          <Space orientation="vertical">{buttons}</Space>
        </Col>
      )}
      <Col xs={24} lg={readOnly ? 12 : 11}>
        <PickerTable side={chosen} rowSelection={readOnly ? undefined : right.rowSelection} label={t('已選清單', 'Chosen')} />
      </Col>
    </Row>
  );
}
