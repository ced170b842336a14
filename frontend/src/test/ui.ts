/** Test helpers to find and work antd widgets by their text (see the README on role queries). */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';

// Queries by text, not by role: role queries walk the accessibility tree of the whole layout and
// cost hundreds of milliseconds each.

export function fill(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

/** The button labelled `text` (antd spaces out two-character labels: 「儲 存」). */
export function button(text: string, container: HTMLElement = document.body): HTMLButtonElement {
  const label = text.length === 2 ? new RegExp(`^${text[0]}\\s*${text[1]}$`) : text;
  return within(container).getByText(label, { selector: 'button, button *' }).closest('button')!;
}

/** Confirm the open Popconfirm titled `title` with its `ok` button. */
export async function confirm(title: string, ok: string) {
  fireEvent.click(button(ok, (await screen.findByText(title)).closest<HTMLElement>('.ant-popover')!));
}

/** The open dialog titled `title`. */
export async function dialog(title: string): Promise<HTMLElement> {
  return (await screen.findByText(title, { selector: '.ant-modal-title' })).closest<HTMLElement>('.ant-modal')!;
}

/** Choose `option` in the antd Select labelled `label`. */
export async function pickOption(label: string | RegExp, option: string) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  fireEvent.click(await screen.findByText(option, { selector: '.ant-select-item-option-content' }));
}

/** Pick the day `isoDate` (in the month the calendar opens on) in the antd DatePicker labelled `label`. */
export async function pickDate(label: string | RegExp, isoDate: string) {
  const input = screen.getByLabelText(label);
  fireEvent.mouseDown(input);
  fireEvent.click(input);
  // The calendar's cells are titled with ROC years (`115-12-01`: components/RocDatePicker).
  const title = `${Number(isoDate.slice(0, 4)) - 1911}${isoDate.slice(4)}`;
  const cell = await waitFor(() => {
    const found = document.querySelector<HTMLElement>(
      `.ant-picker-dropdown:not(.ant-picker-dropdown-hidden) td[title="${title}"] .ant-picker-cell-inner`,
    );
    if (!found) throw new Error(`no calendar cell ${isoDate}`);
    return found;
  });
  fireEvent.click(cell);
}
