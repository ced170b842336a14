import { Button, Popconfirm, type ButtonProps, type TableColumnType } from 'antd';
import type { ReactNode } from 'react';
import { tr } from '../i18n/lang';

/**
 * A button that asks first (antd Popconfirm): delete, revoke, reset. `onConfirm` may return a
 * promise (the confirm button spins until it settles; a rejection is left to the caller's
 * error handling and does not escape).
 */
export function ConfirmButton({
  title,
  description,
  okText,
  onConfirm,
  children,
  danger = true,
  ...button
}: Omit<ButtonProps, 'onClick' | 'title'> & {
  title: ReactNode;
  description?: ReactNode;
  okText: string;
  onConfirm: () => unknown;
  children: ReactNode;
}) {
  return (
    <Popconfirm
      title={title}
      description={description}
      okText={okText}
      okButtonProps={{ danger }}
      cancelText={tr('取消', 'Cancel')}
      onConfirm={() => Promise.resolve(onConfirm()).catch(() => undefined)}
    >
      <Button type="link" danger={danger} {...button}>
        {children}
      </Button>
    </Popconfirm>
  );
}

/**
 * A table column with one confirmed action per row (停用, 撤銷…), shown on the rows `when`
 * allows.
 */
export function confirmColumn<Row>({
  label,
  when = () => true,
  title,
  description,
  onConfirm,
  name,
}: {
  /** The button's text and its confirm button's. */
  label: string;
  when?: (row: Row) => boolean;
  title: (row: Row) => ReactNode;
  description: ReactNode;
  onConfirm: (row: Row) => unknown;
  /** The row's name, for the button's accessible label (「撤銷 校務系統廠商」). */
  name: (row: Row) => string;
}): TableColumnType<Row> {
  return {
    title: tr('操作', 'Actions'),
    key: 'actions',
    render: (_, row) =>
      when(row) && (
        <ConfirmButton
          title={title(row)}
          description={description}
          okText={label}
          onConfirm={() => onConfirm(row)}
          aria-label={`${label} ${name(row)}`}
        >
          {label}
        </ConfirmButton>
      ),
  };
}
