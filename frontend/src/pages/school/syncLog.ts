/** What the receiving log (學校查詢接收紀錄) shows of a sync batch, in zh-TW. */
import { ApiError, isProblem } from '../../api/error';
import type { BatchCounts, SyncKind } from '../../api/types';

/** The data kinds the vendor sends (manual 2.1), by the names the log uses. */
export const syncKindLabels: Record<SyncKind, string> = {
  students: '學生學籍資料',
  staff: '教職員資料',
  classes: '班級資料',
  courses: '開課資料',
  enrolments: '學生修課資料',
  teaching_assignments: '教師授課資料',
  cadre_records: '幹部經歷資料',
};

export const syncKindOptions = (Object.entries(syncKindLabels) as [SyncKind, string][]).map(([value, label]) => ({
  value,
  label,
}));

/** A batch's `status_code` as a coloured tag (antd Tag colours). */
export interface BatchStatus {
  label: string;
  color: string;
}

const batchStatuses: Record<string, BatchStatus> = {
  '00': { label: '成功', color: 'success' },
  '01': { label: '資料有誤', color: 'error' },
  '02': { label: '學年期切換中', color: 'warning' },
  '03': { label: '學年期過舊', color: 'warning' },
  '99': { label: '失敗', color: 'error' },
  received: { label: '處理中', color: 'processing' },
};

/** The tag for a status code; an unknown code shows itself. */
export function batchStatus(code: string): BatchStatus {
  return batchStatuses[code] ?? { label: code, color: 'default' };
}

const countLabels: [keyof BatchCounts, string][] = [
  ['inserted', '新增'],
  ['updated', '更新'],
  ['unchanged', '未變'],
  ['deactivated', '停用'],
];

/**
 * A log entry's `result` (JSON the spec leaves untyped) as 「共 9288 筆：新增 12、更新 3、未變 9273、
 * 停用 2」. A refused batch has only its total: 「共 46 筆」. '' when there is no result yet.
 */
export function resultText(result: unknown): string {
  if (typeof result !== 'object' || result === null) return '';
  const fields = result as Record<string, unknown>;
  const count = (key: string) => {
    const value = fields[key];
    return typeof value === 'number' ? value : undefined;
  };
  const total = count('total');
  const parts = countLabels.flatMap(([key, label]) => {
    const n = count(key);
    return n === undefined ? [] : [`${label} ${n}`];
  });
  const head = total === undefined ? '' : `共 ${total} 筆`;
  if (parts.length === 0) return head;
  return head ? `${head}：${parts.join('、')}` : parts.join('、');
}

/** The problem the vendor was answered with (a log entry's `error`), or null (none, or `{}`). */
export function batchProblem(error: unknown): ApiError | null {
  return isProblem(error) ? ApiError.fromResponse({ status: 0, statusText: '' }, error) : null;
}

/** Its per-row messages (`rows[i].field` → messages), in row order (rows[10] after rows[9]). */
export function rowErrors(problem: ApiError): [string, string[]][] {
  return Object.entries(problem.fieldErrors).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
}
