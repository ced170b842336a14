import { fireEvent, render, screen } from '@testing-library/react';
import { ConfigProvider } from 'antd';
import zhTW from 'antd/locale/zh_TW';
import { describe, expect, it, vi } from 'vitest';
import type { Dayjs } from '../lib/dayjs';
import { DayRangePicker } from './DayRangePicker';
import { isoDay, RocDatePicker } from './RocDatePicker';

const inZhTw = (node: React.ReactNode) =>
  render(
    <ConfigProvider locale={zhTW} theme={{ token: { motion: false } }}>
      {node}
    </ConfigProvider>,
  );

describe('RocDatePicker (issue #24: ROC date input everywhere)', () => {
  it('takes a typed ROC date: 115/12/01 is 2026-12-01', () => {
    const onChange = vi.fn<(value: Dayjs | null) => void>();
    inZhTw(<RocDatePicker aria-label="日期" onChange={(value) => onChange(value as Dayjs | null)} />);
    const input = screen.getByRole('textbox', { name: '日期' });
    expect(input.hasAttribute('readonly')).toBe(false);
    fireEvent.mouseDown(input);
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value: '115/12/01' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChange).toHaveBeenCalled();
    expect(isoDay(onChange.mock.calls.at(-1)?.[0])).toBe('2026-12-01');
    expect((input as HTMLInputElement).value).toBe('115/12/01');
  });

  it('shows ROC years in the calendar header', () => {
    inZhTw(<RocDatePicker aria-label="日期" open />);
    const header = document.querySelector('.ant-picker-header-view');
    expect(header?.textContent).toMatch(/^1\d\d年/);
    expect(header?.textContent).not.toMatch(/20\d\d/);
  });

  it('the range filter takes typed ROC dates too', () => {
    const onChange = vi.fn();
    inZhTw(<DayRangePicker onChange={onChange} />);
    const [from, to] = screen.getAllByRole('textbox');
    expect(from!.hasAttribute('readonly')).toBe(false);
    for (const [input, text] of [[from!, '115/09/01'], [to!, '115/12/31']] as const) {
      fireEvent.mouseDown(input);
      fireEvent.focus(input);
      fireEvent.change(input, { target: { value: text } });
      fireEvent.keyDown(input, { key: 'Enter' });
    }
    expect(onChange).toHaveBeenLastCalledWith({ from: '2026-09-01', to: '2026-12-31' });
  });
});
