/** What the receiving log (學校查詢接收紀錄) shows of a sync batch, in zh-TW. */
import { ApiError, isProblem } from '../../api/error';
import type { BatchCounts, SyncKind } from '../../api/types';
import { tr } from '../../i18n/lang';

/** The data kinds the vendor sends (manual 2.1), by the names the log uses. */
export const syncKindLabels: Record<SyncKind, string> = {
  get students() {
    return tr('學生學籍資料', 'Student records');
  },
  get staff() {
    return tr('教職員資料', 'Staff');
  },
  get classes() {
    return tr('班級資料', 'Classes');
  },
  get courses() {
    return tr('開課資料', 'Courses');
  },
  get enrolments() {
    return tr('學生修課資料', 'Enrolments');
  },
  get teaching_assignments() {
    return tr('教師授課資料', 'Teaching assignments');
  },
  get cadre_records() {
    return tr('幹部經歷資料', 'Cadre records');
  },
};

// `label` a getter: the current UI language whenever the options are read.
export const syncKindOptions = (Object.keys(syncKindLabels) as SyncKind[]).map((value) => ({
  value,
  get label() {
    return syncKindLabels[value];
  },
}));

/** A batch's `status_code` as a coloured tag (antd Tag colours). */
export interface BatchStatus {
  label: string;
  color: string;
}

const batchStatuses: Record<string, BatchStatus> = {
  '00': {
    get label() {
      return tr('成功', 'Succeeded');
    },
    color: 'success',
  },
  '01': {
    get label() {
      return tr('資料有誤', 'Invalid data');
    },
    color: 'error',
  },
  '02': {
    get label() {
      return tr('學年期切換中', 'Term switching');
    },
    color: 'warning',
  },
  '03': {
    get label() {
      return tr('學年期過舊', 'Term too old');
    },
    color: 'warning',
  },
  '99': {
    get label() {
      return tr('失敗', 'Failed');
    },
    color: 'error',
  },
  received: {
    get label() {
      return tr('處理中', 'Processing');
    },
    color: 'processing',
  },
};

/** The tag for a status code; an unknown code shows itself. */
export function batchStatus(code: string): BatchStatus {
  return batchStatuses[code] ?? { label: code, color: 'default' };
}

const countLabels: [keyof BatchCounts, string, string][] = [
  ['inserted', '新增', 'added'],
  ['updated', '更新', 'updated'],
  ['unchanged', '未變', 'unchanged'],
  ['deactivated', '停用', 'deactivated'],
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
  const parts = countLabels.flatMap(([key, zh, en]) => {
    const n = count(key);
    return n === undefined ? [] : [tr(`${zh} ${n}`, `${en} ${n}`)];
  });
  const head = total === undefined ? '' : tr(`共 ${total} 筆`, `${total} in all`);
  const list = parts.join(tr('、', ', '));
  if (parts.length === 0) return head;
  return head ? `${head}${tr('：', ': ')}${list}` : list;
}

/** The problem the vendor was answered with (a log entry's `error`), or null (none, or `{}`). */
export function batchProblem(error: unknown): ApiError | null {
  return isProblem(error) ? ApiError.fromResponse({ status: 0, statusText: '' }, error) : null;
}

/** Its per-row messages (`rows[i].field` → messages), in row order (rows[10] after rows[9]). */
export function rowErrors(problem: ApiError): [string, string[]][] {
  return Object.entries(problem.fieldErrors).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
}
