/**
 * 勾選提交 (FAQ 000 四 Q2): per academic year at most 6 certified learning results and 10
 * performances, inside the selection periods of the student's grade.
 */
import type { LearningResult, SelectionSet } from '../../api/types';
import { tr } from '../../i18n/lang';

/** A row's switch: on or off, and whether (and why not) it may be moved now. */
export interface ToggleState {
  checked: boolean;
  disabled: boolean;
  reason: string | null;
}

/** Why nothing of this kind can be selected or unselected now (no period, not on), or null. */
export function periodBlockReason(set: Pick<SelectionSet, 'period'>): string | null {
  if (!set.period) return tr('學校尚未設定勾選時間', 'The school has not set the selection period');
  if (!set.period.open) return tr('目前不在勾選期間', 'Not in the selection period now');
  return null;
}

/** The switch of item `id`: off rows cannot be switched on once the limit is reached. */
export function selectionToggle(set: SelectionSet, id: number): ToggleState {
  const checked = set.selected.includes(id);
  const closed = periodBlockReason(set);
  if (closed) return { checked, disabled: true, reason: closed };
  if (!checked && set.selected.length >= set.limit) {
    return {
      checked,
      disabled: true,
      reason: tr(
        `已達勾選上限 ${set.limit} 件，請先取消其他項目`,
        `The limit of ${set.limit} is reached: unselect another item first`,
      ),
    };
  }
  return { checked, disabled: false, reason: null };
}

/** `已勾選 2 / 6`. */
export function selectionCountText(set: Pick<SelectionSet, 'selected' | 'limit'>): string {
  return tr(`已勾選 ${set.selected.length} / ${set.limit}`, `Selected ${set.selected.length} / ${set.limit}`);
}

/** The learning results that may be selected in `academicYear`: that year's certified ones. */
export function selectableResults<R extends Pick<LearningResult, 'academic_year' | 'state'>>(results: readonly R[], academicYear: number): R[] {
  return results.filter((result) => result.academic_year === academicYear && result.state === 'certified');
}
