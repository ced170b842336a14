import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { DualTablePicker, type PickerSide } from '../../components/DualTablePicker';
import { useApiMutation } from '../../lib/useApiMutation';
import { tr } from '../../i18n/lang';

/** At most this many names in a removal's confirmation; the rest are counted. */
const NAMED = 10;

/** 「三年一班（301）、三年二班（302）」, or the first ten and 「等 12 個班級」. */
export function namesOf(names: readonly string[], unit: string): string {
  const shown = names.slice(0, NAMED).join('、');
  return names.length > NAMED ? tr(`${shown} 等 ${names.length} ${unit}`, `${shown} and more (${names.length} ${unit})`) : shown;
}

/**
 * A teacher's list for this term (a consultant's classes, a counselor's students) as 可設定 ↔
 * 已設定: each move saves the whole list at once (`put`, which answers with what `queryKey`
 * holds); removing asks first, naming what goes. `readOnly`: both lists, nothing to tick.
 */
export function AssignmentPicker<Data, A extends { id: number }, C extends { id: number }>({
  queryKey,
  refresh,
  put,
  unit,
  name,
  available,
  chosen,
  readOnly,
}: {
  /** The query holding the assigned rows: set from the answer of `put`. */
  queryKey: QueryKey;
  /** Lists to refresh after a change (the teachers' counts). */
  refresh: readonly QueryKey[];
  put: (ids: number[]) => Promise<Data>;
  /** Counted things: 「個班級」, 「位學生」. */
  unit: string;
  /** A row as the removal's confirmation names it. */
  name: (row: C) => string;
  available: PickerSide<A>;
  chosen: PickerSide<C>;
  readOnly: boolean;
}) {
  const queryClient = useQueryClient();
  const save = useApiMutation(({ ids }: { ids: number[]; message: string }) => put(ids), {
    invalidate: refresh,
    success: (_, { message }) => message,
    onSuccess: (data) => queryClient.setQueryData(queryKey, data),
  });
  const current = chosen.rows.map((row) => row.id);

  return (
    <DualTablePicker<A, C>
      available={available}
      chosen={chosen}
      readOnly={readOnly}
      busy={save.isPending}
      onAdd={(rows) => {
        const added = rows.map((row) => row.id).filter((id) => !current.includes(id));
        return save.mutateAsync({ ids: [...current, ...added], message: tr(`已設定 ${added.length} ${unit}`, `Assigned ${added.length} ${unit}`) });
      }}
      confirmRemove={(rows) => ({
        title: tr(`確定要移除勾選的 ${rows.length} ${unit}？`, `Remove the ${rows.length} selected ${unit}?`),
        description: <div style={{ maxWidth: 380 }}>{namesOf(rows.map(name), unit)}</div>,
        okText: tr('移除', 'Remove'),
      })}
      onRemove={(rows) => {
        const removed = new Set(rows.map((row) => row.id));
        return save.mutateAsync({
          ids: current.filter((id) => !removed.has(id)),
          message: tr(`已移除 ${rows.length} ${unit}`, `Removed ${rows.length} ${unit}`),
        });
      }}
    />
  );
}
