import { render, screen, within } from '@testing-library/react';
import { Button } from 'antd';
import { describe, expect, it, vi } from 'vitest';
import { ResponsiveTable } from './ResponsiveTable';

interface Row {
  id: number;
  title: string;
}

/** matchMedia answering as a screen `width` px wide (antd's Grid reads min-width queries). */
function screenWidth(width: number) {
  vi.stubGlobal('matchMedia', (query: string) => {
    const min = /min-width:\s*(\d+)px/.exec(query);
    const max = /max-width:\s*(\d+)px/.exec(query);
    const matches = (!min || width >= Number(min[1])) && (!max || width <= Number(max[1]));
    return { matches, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false };
  });
}

const columns = [
  { title: '名稱', dataIndex: 'title' },
  { title: '操作', key: 'actions', render: (_: unknown, row: Row) => <Button aria-label={`刪除 ${row.title}`}>刪除</Button> },
];
const rows: Row[] = [
  { id: 1, title: '校園植物觀察' },
  { id: 2, title: '英語演講比賽' },
];

describe('ResponsiveTable (issue #24: lists as cards on a phone, the row buttons in view)', () => {
  it('is a table on a desk', () => {
    screenWidth(1366);
    const { container } = render(<ResponsiveTable<Row> rowKey="id" columns={columns} dataSource={rows} />);
    expect(screen.getByRole('table')).toBeTruthy();
    expect(container.querySelector('.licheng-row-card')).toBeNull();
  });

  it('is a card per row on a phone, each with its fields and its buttons', () => {
    screenWidth(390);
    render(<ResponsiveTable<Row> rowKey="id" columns={columns} dataSource={rows} />);
    expect(screen.queryByRole('table')).toBeNull();
    const cards = within(screen.getByRole('list')).getAllByRole('listitem');
    expect(cards).toHaveLength(2);
    expect(within(cards[0]!).getByText('名稱')).toBeTruthy();
    expect(within(cards[0]!).getByText('校園植物觀察')).toBeTruthy();
    expect(within(cards[1]!).getByRole('button', { name: '刪除 英語演講比賽' })).toBeTruthy();
  });

  it('says the list is empty on a phone', () => {
    screenWidth(390);
    render(<ResponsiveTable<Row> rowKey="id" columns={columns} dataSource={[]} locale={{ emptyText: '尚未新增多元表現' }} />);
    expect(screen.getByText('尚未新增多元表現')).toBeTruthy();
  });
});
