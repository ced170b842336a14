import type { TableProps } from 'antd';
import { useState, type Key } from 'react';

type RowSelection<T> = NonNullable<TableProps<T>['rowSelection']>;

/**
 * Ticked rows of an antd Table, kept across pages (server-side paging included): `selected`
 * maps each ticked key to its row, `rowSelection` goes to the table.
 */
export function useRowSelection<T>(rowKey: (row: T) => Key) {
  const [selected, setSelected] = useState(new Map<Key, T>());
  const rowSelection: RowSelection<T> = {
    selectedRowKeys: [...selected.keys()],
    preserveSelectedRowKeys: true,
    onChange: (keys, rows) => {
      // Rows ticked on another page need not be in `rows`: keep the ones we had.
      const next = new Map<Key, T>();
      for (const key of keys) {
        const row = rows.find((r) => r !== undefined && rowKey(r) === key) ?? selected.get(key);
        if (row !== undefined) next.set(key, row);
      }
      setSelected(next);
    },
  };
  return {
    selected,
    rows: [...selected.values()],
    rowSelection,
    clear: () => setSelected(new Map()),
    /** Untick these rows (e.g. once they are dealt with). */
    drop: (rows: readonly T[]) =>
      setSelected((current) => {
        const next = new Map(current);
        for (const row of rows) next.delete(rowKey(row));
        return next;
      }),
  };
}
