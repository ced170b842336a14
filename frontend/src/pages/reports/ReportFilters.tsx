import { useQuery } from '@tanstack/react-query';
import { Select, Space } from 'antd';
import type { ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { useT } from '../../i18n';
import { parseTerm } from '../../lib/roc';
import { TermSelect } from './TermSelect';

/** The filters of the issue-#23 reports: term, grade and class (undefined: all). */
export interface ReportFilter {
  term?: string;
  grade?: number;
  class_code?: string;
}

/** The current term's classes (`GET /api/v1/classes`). */
export function useClasses() {
  return useQuery({ queryKey: ['classes'], queryFn: ({ signal }) => unwrap(api.GET('/api/v1/classes', { signal })), staleTime: 60_000 });
}

/** 班級: the current term's classes (of `grade` when given). */
export function ClassSelect({ value, grade, onChange, allowClear = true }: { value?: string; grade?: number; onChange: (code: string | undefined) => void; allowClear?: boolean }) {
  const t = useT();
  const classes = useClasses();
  const options = (classes.data ?? []).filter((c) => grade === undefined || c.grade === grade).map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }));
  return (
    <Select<string>
      aria-label={t('班級', 'Class')}
      placeholder={t('全部班級', 'All classes')}
      allowClear={allowClear}
      showSearch
      options={options}
      value={value}
      onChange={(code) => onChange(code ?? undefined)}
      style={{ width: 200 }}
    />
  );
}

/** 學年期, 年級 and 班級, side by side, with `extra` (e.g. the Excel button) after them. */
export function ReportFilters({ value, onChange, extra }: { value: ReportFilter; onChange: (f: ReportFilter) => void; extra?: ReactNode }) {
  const t = useT();
  return (
    <Space wrap style={{ marginBottom: 16 }}>
      <TermSelect value={value.term} onChange={(term) => onChange({ ...value, term })} />
      <Select<number>
        aria-label={t('年級', 'Grade')}
        placeholder={t('全部年級', 'All grades')}
        allowClear
        value={value.grade}
        onChange={(grade) => onChange({ ...value, grade: grade ?? undefined, class_code: undefined })}
        options={[1, 2, 3].map((g) => ({ value: g, label: t(`${g} 年級`, `Grade ${g}`) }))}
        style={{ width: 140 }}
      />
      <ClassSelect value={value.class_code} grade={value.grade} onChange={(class_code) => onChange({ ...value, class_code })} />
      {extra}
    </Space>
  );
}

/** The query of a filter (no empty values). */
export function filterQuery(f: ReportFilter): { term?: string; grade?: number; class_code?: string } {
  return { term: f.term, grade: f.grade, class_code: f.class_code };
}

/**
 * The name to save a workbook under when the server gives none, as it names it
 * (`reports::file_name`): a term code in words (`name_115學年度第1學期.xlsx`, `1150` →
 * `115學年度全學年`), a year too (`110` → `name_110學年度.xlsx`); no term, `name.xlsx`.
 */
export function xlsxName(stem: string, term: string | number | undefined): string {
  if (term === undefined || term === '') return `${stem}.xlsx`;
  const code = String(term);
  const parsed = parseTerm(code);
  const words = /^\d{1,3}$/.test(code)
    ? `${Number(code)}學年度`
    : parsed
      ? `${parsed.year}學年度${parsed.semester === 0 ? '全學年' : `第${parsed.semester}學期`}`
      : code;
  return `${stem}_${words}.xlsx`;
}
