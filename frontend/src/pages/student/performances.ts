/**
 * 多元表現 forms built from `GET /api/v1/performance-categories`: each category's own fields
 * (label, required, fixed choices), one date or a start and an end, the count per academic year
 * and the date bounds, an external link only with a video (FAQ 000 四 Q3). Only the chosen
 * category's fields are sent: the server refuses a field the category does not use.
 */
import dayjs, { type Dayjs } from '../../lib/dayjs';
import type {
  CategoryInfo,
  FieldSpec,
  Performance,
  PerformanceCategory,
  PerformanceField,
  PerformanceForm,
  PerformanceLimits,
} from '../../api/types';
import type { MultipartValue } from '../../lib/upload';
import { keepsFile, slotEditFields, type FileChoice } from '../../lib/uploadFiles';
import { formatRocDate } from '../../lib/roc';
import { tr } from '../../i18n/lang';

/** What the dialog holds: the API's field names, dates as picked, files as chosen. */
export type PerformanceValues = {
  category?: PerformanceCategory;
  start_date?: Dayjs | null;
  end_date?: Dayjs | null;
  description?: string;
  external_link?: string;
  document?: FileChoice;
  video?: FileChoice;
} & { [F in PerformanceField]?: string | number | null };

/** The numeric fields (hours in steps of 0.5, whole credits); the others are text. */
export const numericFields: Partial<Record<PerformanceField, { min: number; max: number; step: number; precision: number }>> = {
  hours: { min: 0, max: 2000, step: 0.5, precision: 1 },
  credits: { min: 0, max: 20, step: 1, precision: 0 },
};

export function categoryInfo(categories: readonly CategoryInfo[] | undefined, category: PerformanceCategory | undefined) {
  return category === undefined ? undefined : categories?.find((info) => info.category === category);
}

/** The fields of a category's form, in its order (none before a category is chosen). */
export function categoryFields(categories: readonly CategoryInfo[] | undefined, category: PerformanceCategory | undefined): FieldSpec[] {
  return categoryInfo(categories, category)?.fields ?? [];
}

/** Whether a category is dated by a start and an end (`range`) rather than one day. */
export function isRange(info: Pick<CategoryInfo, 'dating'> | undefined): boolean {
  return info?.dating === 'range';
}

/** Whether the item keeps a video once saved: only then may it carry an external link. */
export function linkAllowed(currentVideo: Performance['video'] | undefined, video: FileChoice): boolean {
  return keepsFile(currentVideo, video);
}

const isoDate = (value: Dayjs | null | undefined) => value?.format('YYYY-MM-DD');

function fieldValue(value: string | number | null | undefined): MultipartValue {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  return value ?? undefined;
}

/**
 * The multipart fields of a new performance (`current` undefined) or of an edit (`current`: the
 * performance now; every field is sent again, the category is not): the category's own fields,
 * the date(s) its dating takes, the description, the link when a video stays, and the files.
 */
export function performanceFields(
  info: CategoryInfo,
  values: PerformanceValues,
  current?: Pick<Performance, 'document' | 'video'>,
): { [K in keyof PerformanceForm]?: MultipartValue } {
  const fields: { [K in keyof PerformanceForm]?: MultipartValue } = {};
  if (!current) fields.category = info.category;
  for (const spec of info.fields) fields[spec.field] = fieldValue(values[spec.field]);
  fields.start_date = isoDate(values.start_date);
  if (isRange(info)) fields.end_date = isoDate(values.end_date);
  fields.description = values.description?.trim();
  const link = values.external_link?.trim();
  if (link && linkAllowed(current?.video, values.video)) fields.external_link = link;
  if (current) {
    Object.assign(fields, slotEditFields('document', current.document, values.document));
    Object.assign(fields, slotEditFields('video', current.video, values.video));
  } else {
    if (values.document instanceof File) fields.document = values.document;
    if (values.video instanceof File) fields.video = values.video;
  }
  return fields;
}

/** The dialog's values for editing `performance`. */
export function performanceValues(performance: Performance): PerformanceValues {
  const text = (value: string | null | undefined) => value ?? undefined;
  return {
    category: performance.category,
    title: performance.title,
    item: text(performance.item),
    organisation: text(performance.organisation),
    position: text(performance.position),
    level: text(performance.level),
    award: text(performance.award),
    kind: text(performance.kind),
    score: text(performance.score),
    certificate_no: text(performance.certificate_no),
    participation: text(performance.participation),
    hours: performance.hours ?? undefined,
    credits: performance.credits ?? undefined,
    start_date: dayjs(performance.start_date),
    end_date: performance.end_date ? dayjs(performance.end_date) : undefined,
    description: performance.description,
    external_link: text(performance.external_link),
  };
}

/** `111/04/01`, or `111/04/01 ~ 111/06/30` for a range. */
export function performanceDateText(performance: Pick<Performance, 'start_date' | 'end_date'>): string {
  const start = formatRocDate(performance.start_date);
  return performance.end_date ? `${start} ~ ${formatRocDate(performance.end_date)}` : start;
}

/** The category's fields other than the title, as 「競賽等級：全國、獎項：佳作」 (empty ones left out). */
export function performanceDetails(performance: Performance, info: CategoryInfo | undefined): string {
  if (!info) return '';
  return info.fields
    .filter((spec) => spec.field !== 'title')
    .flatMap((spec) => {
      const value = performance[spec.field];
      return value === null || value === undefined || value === '' ? [] : [`${spec.label}：${value}`];
    })
    .join('、');
}

/** The label of the title field in a category (「競賽名稱」, 「作品名稱」…). */
export function titleLabel(info: CategoryInfo | undefined): string {
  return info?.fields.find((spec) => spec.field === 'title')?.label ?? tr('名稱', 'Title');
}

/** Why a performance cannot be changed or deleted (an earlier year's, or selected), or null. */
export function changeBlockReason(
  performance: Pick<Performance, 'academic_year' | 'selected'>,
  limits: Pick<PerformanceLimits, 'academic_year' | 'upload_period'> | undefined,
): string | null {
  if (limits && performance.academic_year !== limits.academic_year) return tr('只能修改或刪除本學年的多元表現', "Only this year's performances can be edited or deleted");
  if (limits && !limits.upload_period?.open) return tr('目前不在多元表現上傳期間', 'Not in the performance upload period now');
  if (performance.selected) return tr('已勾選提交，請先取消勾選再修改或刪除', 'Selected for submission: unselect it before editing or deleting');
  return null;
}

/** Why 新增 is not possible (no upload period, not open now, the year's count reached), or null. */
export function createBlockReason(limits: PerformanceLimits | undefined): string | null {
  if (!limits) return null;
  if (!limits.upload_period) return tr('學校尚未設定本學年的多元表現上傳時間', "The school has not set this year's performance upload period");
  if (!limits.upload_period.open) return tr('目前不在多元表現上傳期間', 'Not in the performance upload period now');
  return limits.used >= limits.per_year_limit
    ? tr(
        `本學年已上傳 ${limits.used} 件，已達上限 ${limits.per_year_limit} 件`,
        `${limits.used} uploaded this year: the limit of ${limits.per_year_limit} is reached`,
      )
    : null;
}

/**
 * The days a date field may take (ISO dates, inclusive): a single date or a range's start from
 * `earliest` to `latest`; a range's end from its start (or `earliest`) to `latest_end`.
 */
export function dateBounds(
  limits: Pick<PerformanceLimits, 'earliest' | 'latest' | 'latest_end'>,
  which: 'start' | 'end',
  start?: string,
): [string, string] {
  return which === 'start' ? [limits.earliest, limits.latest] : [start ?? limits.earliest, limits.latest_end];
}

/** Whether an ISO day is outside `[from, to]`. */
export function outside(day: string, [from, to]: [string, string]): boolean {
  return day < from || day > to;
}
