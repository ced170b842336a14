import { Table, type TableProps } from 'antd';
import type { ReactNode } from 'react';

/**
 * A sideways-scrolling area a keyboard can reach: focusable, named, for content that may be wider
 * than a phone and has no focusable element of its own (a receipt's rows, say). WCAG 2.1.1 —
 * axe's `scrollable-region-focusable`.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      {children}
    </div>
  );
}

/**
 * A table that stays a table on a phone (figures side by side, a row selection): it scrolls
 * sideways in a `ScrollRegion` named `label` (antd's own `scroll={{ x }}` box cannot take the
 * keyboard's focus, so an empty or read-only wide table could not be scrolled without a pointer).
 */
export function ScrollTable<Row extends object>({ label, ...props }: Omit<TableProps<Row>, 'scroll'> & { label: string }) {
  return (
    <ScrollRegion label={label}>
      <Table<Row> {...props} />
    </ScrollRegion>
  );
}
