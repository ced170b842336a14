import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, InputNumber, Select, Space, type TableProps } from 'antd';
import dayjs, { type Dayjs } from '../../lib/dayjs';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { Me, NationalWindow, PeriodInput, PeriodItem, WorkPeriod } from '../../api/types';
import { useMe } from '../../auth/hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { FormModal } from '../../components/FormModal';
import { ListTable } from '../../components/ListTable';
import { PageCard } from '../../components/PageCard';
import { periodColumns } from '../../components/periodColumns';
import { isoDay, RocDatePicker } from '../../components/RocDatePicker';
import {
  comparePeriods,
  endHourText,
  isWholeYearItem,
  myPeriodsKey,
  periodItemLabels,
  periodItemName,
  periodItems,
  periodSemesterText,
  startHourText,
} from '../../lib/periods';
import { formatRocDate, toRocYear } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { moduleRights } from '../../navigation';
import { nationalWindowsKey, workPeriodsKey } from './queryKeys';
import { tr, useT } from '../../i18n';

/** Module 設定學校作業時間: 新增, 修改, 刪除 follow its rights. */
const PERIODS_MODULE = 'S0203S';

/** What the dialog holds: the API's input with the days as picked. */
type PeriodValues = Omit<PeriodInput, 'start_date' | 'end_date'> & { start_date: Dayjs; end_date: Dayjs };

type Editing = { period: WorkPeriod | null } | null;

const hours = Array.from({ length: 24 }, (_, hour) => hour);
const startHourOptions = hours.map((hour) => ({ value: hour, label: startHourText(hour) }));
const endHourOptions = hours.map((hour) => ({ value: hour, label: endHourText(hour) }));
// `label` getters: the current UI language whenever the options are read.
const gradeOptions = [1, 2, 3].map((grade) => ({
  value: grade,
  get label() {
    return tr(`${grade} 年級`, `Grade ${grade}`);
  },
}));
const itemOptions = periodItems.map((item) => ({
  value: item,
  get label() {
    return periodItemLabels[item];
  },
}));
const wholeYearOptions = [
  {
    value: 0,
    get label() {
      return periodSemesterText(0);
    },
  },
];
const semesterOptions = [1, 2].map((semester) => ({
  value: semester,
  get label() {
    return periodSemesterText(semester);
  },
}));

function toInput({ start_date, end_date, ...values }: PeriodValues): PeriodInput {
  return { ...values, start_date: isoDay(start_date) ?? '', end_date: isoDay(end_date) ?? '' };
}

function toValues({ academic_year, semester, grade, item, start_date, start_hour, end_date, end_hour }: WorkPeriod): PeriodValues {
  return { academic_year, semester, grade, item, start_date: dayjs(start_date), start_hour, end_date: dayjs(end_date), end_hour };
}

/** The year to show first: the school's current academic year (or, without a term, today's). */
function defaultYear(me: Me | undefined): number {
  if (me?.current_term) return me.current_term.academic_year;
  const today = new Date();
  // An academic year starts on 1 August.
  return toRocYear(today.getFullYear()) - (today.getMonth() < 7 ? 1 : 0);
}

/** A semester for a new upload or certification period: the current one in the current year, else 1. */
function defaultSemester(me: Me | undefined, year: number): number {
  const term = me?.current_term;
  return term && term.academic_year === year && term.semester !== 0 ? term.semester : 1;
}

/** The years to choose from: those with a national window, and the years around the selected one. */
function yearOptions(year: number, windows: readonly NationalWindow[]) {
  const years = new Set([year - 1, year, year + 1, ...windows.map((national) => national.academic_year)]);
  return [...years].sort((a, b) => b - a).map((value) => ({ value, label: tr(`${value} 學年度`, `Academic year ${value}`) }));
}

const rocSpan = (from: string, to: string) => `${formatRocDate(from)} ~ ${formatRocDate(to)}`;

/** The national window the school's periods must lie in (or that none is set for the year). */
function NationalWindowNote({ year, national }: { year: number; national: NationalWindow | undefined }) {
  const t = useT();
  if (!national) {
    return (
      <Alert
        type="warning"
        showIcon
        title={t(`${year} 學年度尚未設定國教署作業期間`, `No national window set for academic year ${year}`)}
        description={t(
          '國教署作業期間由平臺管理者設定；設定前無法新增或修改這一學年度的作業時間。',
          'The national window is set by the platform operator; until it is, work periods of this academic year cannot be added or changed.',
        )}
        style={{ marginBottom: 16 }}
      />
    );
  }
  return (
    <Alert
      type="info"
      showIcon
      title={t(`${year} 學年度國教署作業期間`, `National window of academic year ${year}`)}
      description={
        <>
          <div>
            {t('學習成果作業時間：', 'Learning results: ')}
            {rocSpan(national.results_start, national.results_end)}
          </div>
          <div>
            {t('多元表現作業時間：', 'Diverse performances: ')}
            {rocSpan(national.performances_start, national.performances_end)}
          </div>
          <div>
            {t(
              '學校的作業時間須在此期間之內（勾選多元表現依多元表現作業時間，其餘依學習成果作業時間）；三個年級須分別設定。',
              'The school\'s work periods must lie within these windows (selecting performances within the performances window, the rest within the learning results window); each of the three grades is set separately.',
            )}
          </div>
        </>
      }
      style={{ marginBottom: 16 }}
    />
  );
}

/**
 * 學期 follows 項目: the two selections are set for the whole year (0, fixed); upload and
 * certification for semester 1 or 2.
 */
function SemesterField() {
  const t = useT();
  const form = Form.useFormInstance<PeriodValues>();
  const item = Form.useWatch('item', form);
  const wholeYear = item !== undefined && isWholeYearItem(item);
  return (
    <Form.Item
      name="semester"
      label={t('學期', 'Semester')}
      rules={[{ required: true, message: t('請選擇學期', 'Please choose the semester') }]}
      extra={wholeYear ? t('勾選時間以學年設定（學期 0）。', 'Selection periods are set per academic year (semester 0).') : undefined}
    >
      <Select<number> options={wholeYear ? wholeYearOptions : semesterOptions} disabled={wholeYear} style={{ width: 160 }} />
    </Form.Item>
  );
}

/** 項目: choosing one moves 學期 to what the item takes. */
function ItemField({ fallbackSemester }: { fallbackSemester: number }) {
  const t = useT();
  const form = Form.useFormInstance<PeriodValues>();
  const onChange = (item: PeriodItem) => {
    const semester = form.getFieldValue('semester') as number | undefined;
    if (isWholeYearItem(item)) form.setFieldValue('semester', 0);
    else if (!semester) form.setFieldValue('semester', fallbackSemester);
  };
  return (
    <Form.Item name="item" label={t('項目', 'Item')} rules={[{ required: true, message: t('請選擇項目', 'Please choose the item') }]}>
      <Select<PeriodItem> options={itemOptions} onChange={onChange} />
    </Form.Item>
  );
}

/** A date and an hour on one line (開始 or 結束). */
function DateHourFields({ which }: { which: 'start' | 'end' }) {
  const t = useT();
  const label = which === 'start' ? '開始' : '結束';
  const en = which === 'start' ? 'start' : 'end';
  const En = which === 'start' ? 'Start' : 'End';
  return (
    <Space align="start" wrap>
      <Form.Item
        name={`${which}_date`}
        label={t(`${label}日期`, `${En} date`)}
        rules={[{ required: true, message: t(`請選擇${label}日期`, `Please choose the ${en} date`) }]}
      >
        <RocDatePicker style={{ width: 160 }} />
      </Form.Item>
      <Form.Item
        name={`${which}_hour`}
        label={t(`${label}時間`, `${En} time`)}
        rules={[{ required: true, message: t(`請選擇${label}時間`, `Please choose the ${en} time`) }]}
        extra={which === 'end' ? t('至該小時結束，例如 23:59。', 'To the end of that hour, e.g. 23:59.') : undefined}
      >
        <Select<number> options={which === 'start' ? startHourOptions : endHourOptions} style={{ width: 120 }} />
      </Form.Item>
    </Space>
  );
}

/**
 * 設定學校作業時間 (manual 3.6): per academic year, semester and grade, when students upload and
 * submit learning results, teachers certify them, and students select results and performances;
 * each inside the year's national window. Taipei dates and hours.
 */
export function WorkPeriodsPage() {
  const t = useT();
  const { data: me } = useMe();
  const [chosenYear, setYear] = useState<number | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const year = chosenYear ?? defaultYear(me);
  const rights = me ? moduleRights(me, PERIODS_MODULE) : { create: false, update: false, delete: false };

  const windows = useQuery({
    queryKey: nationalWindowsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/national-windows', { signal })),
  });
  const periods = useQuery({
    queryKey: [...workPeriodsKey, year],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/work-periods', { params: { query: { academic_year: year } }, signal })).then((rows) =>
        [...rows].sort(comparePeriods),
      ),
    // The default year is the school's current one, known once `me` is.
    enabled: me !== undefined,
  });
  const national = windows.data?.find((w) => w.academic_year === year);
  const refresh = [workPeriodsKey, myPeriodsKey] as const;

  const remove = useApiMutation(
    (period: WorkPeriod) => unwrap(api.DELETE('/api/v1/work-periods/{id}', { params: { path: { id: period.id } } })),
    { invalidate: refresh, success: (_, period) =>
        t(`已刪除「${period.item_name}」（${period.grade} 年級）`, `Deleted "${periodItemName(period)}" (grade ${period.grade})`),
    },
  );

  // A refusal (409 duplicate, 422 rules) stays in the dialog, on its fields.
  const save = useApiMutation(
    ({ id, body }: { id: number | null; body: PeriodInput }) =>
      unwrap(
        id === null
          ? api.POST('/api/v1/work-periods', { body })
          : api.PUT('/api/v1/work-periods/{id}', { params: { path: { id } }, body }),
      ),
    {
      invalidate: refresh,
      success: (_, { id }) => (id === null ? t('作業時間已新增', 'Work period added') : t('作業時間已修改', 'Work period updated')),
      onSuccess: (_, { body }) => {
        setEditing(null);
        setYear(body.academic_year);
      },
      onError: () => undefined,
    },
  );

  const columns: TableProps<WorkPeriod>['columns'] = [
    { title: t('學期', 'Semester'), dataIndex: 'semester', width: 90, render: periodSemesterText },
    { title: t('項目', 'Item'), key: 'item', render: (_, period) => periodItemName(period) },
    ...periodColumns,
    ...(rights.update || rights.delete
      ? [
          {
            title: t('操作', 'Actions'),
            key: 'actions',
            width: 140,
            render: (_: unknown, period: WorkPeriod) => {
              const name = t(`${period.item_name} ${period.grade} 年級`, `${periodItemName(period)} grade ${period.grade}`);
              return (
                <Space size={0}>
                  {rights.update && (
                    <Button type="link" onClick={() => setEditing({ period })} aria-label={t(`修改 ${name}`, `Edit ${name}`)}>
                      {t('修改', 'Edit')}
                    </Button>
                  )}
                  {rights.delete && (
                    <ConfirmButton
                      title={t(
                        `刪除「${period.item_name}」（${period.grade} 年級）？`,
                        `Delete "${periodItemName(period)}" (grade ${period.grade})?`,
                      )}
                      okText={t('刪除', 'Delete')}
                      onConfirm={() => remove.mutateAsync(period)}
                      aria-label={t(`刪除 ${name}`, `Delete ${name}`)}
                    >
                      {t('刪除', 'Delete')}
                    </ConfirmButton>
                  )}
                </Space>
              );
            },
          },
        ]
      : []),
  ];

  return (
    <PageCard
      title={t('設定學校作業時間', 'School work periods')}
      intro={t(
        '設定學生上傳及送出認證學習成果、老師認證、學生勾選學習成果與多元表現的期間（臺灣時間）。勾選時間以學年設定，學期為全學年。',
        'Set the periods (Taiwan time) when students upload and submit learning results for certification, teachers certify them, and students select learning results and diverse performances. Selection periods are set per academic year, for the whole year.',
      )}
      create={rights.create ? { label: t('新增作業時間', 'Add work period'), onClick: () => setEditing({ period: null }) } : undefined}
    >
      <Space style={{ marginBottom: 16 }}>
        <Select<number>
          aria-label={t('學年度', 'Academic year')}
          value={year}
          options={yearOptions(year, windows.data ?? [])}
          onChange={setYear}
          style={{ width: 140 }}
        />
      </Space>
      {windows.data && <NationalWindowNote year={year} national={national} />}
      <ListTable<WorkPeriod>
        query={periods}
        columns={columns}
        size="middle"
        emptyText={t(`${year} 學年度尚未設定作業時間`, `No work periods set for academic year ${year}`)}
      />

      <FormModal<PeriodValues>
        title={editing?.period ? t('修改作業時間', 'Edit work period') : t('新增作業時間', 'Add work period')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSubmit={async (values) => {
          await save.mutateAsync({ id: editing?.period?.id ?? null, body: toInput(values) });
        }}
        okText={t('儲存', 'Save')}
        initialValues={
          editing?.period
            ? toValues(editing.period)
            : { academic_year: year, item: 'upload_results', semester: defaultSemester(me, year), grade: 1, start_hour: 0, end_hour: 23 }
        }
      >
        <Space align="start" wrap>
          <Form.Item
            name="academic_year"
            label={t('學年度', 'Academic year')}
            rules={[{ required: true, message: t('請輸入學年度', 'Please enter the academic year') }]}
          >
            <InputNumber min={50} max={300} precision={0} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="grade" label={t('年級', 'Grade')} rules={[{ required: true, message: t('請選擇年級', 'Please choose the grade') }]}>
            <Select<number> options={gradeOptions} style={{ width: 120 }} />
          </Form.Item>
        </Space>
        <ItemField fallbackSemester={defaultSemester(me, year)} />
        <SemesterField />
        <DateHourFields which="start" />
        <DateHourFields which="end" />
      </FormModal>
    </PageCard>
  );
}
