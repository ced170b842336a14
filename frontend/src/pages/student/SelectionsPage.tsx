import { useQuery, useQueryClient } from '@tanstack/react-query';
import { PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Row, Segmented, Switch, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { LearningResult, MySelections, Performance, SelectionKind, SelectionSet } from '../../api/types';
import { ErrorAlert } from '../../components/ProblemAlert';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatApiDateTime, formatTerm } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { clientPagination } from '../../lib/usePagedQuery';
import { selectItem, unselectItem } from './api';
import { PeriodText } from './PeriodText';
import { performanceDateText } from './performances';
import { learningResultsKey, performancesKey, selectionsKey } from './queryKeys';
import { selectableResults, selectionCountText, selectionToggle } from './selections';
import { tr, useT } from '../../i18n';

/** Rows fetched at once: a year's certified results and performances are far fewer. */
const ALL = 200;

const kindNames: Record<SelectionKind, string> = {
  get results() {
    return tr('課程學習成果', 'Course learning results');
  },
  get performances() {
    return tr('多元表現', 'Diverse performances');
  },
};

interface Toggle {
  kind: SelectionKind;
  id: number;
  on: boolean;
  /** For the toast. */
  name: string;
}

/** The 勾選 column: a switch per row, greyed out (with the reason) when it cannot be moved now. */
function selectColumn<Row extends { id: number }>(
  kind: SelectionKind,
  set: SelectionSet | undefined,
  name: (row: Row) => string,
  busy: Toggle | undefined,
  onToggle: (toggle: Toggle) => void,
): NonNullable<TableProps<Row>['columns']>[number] {
  return {
    title: tr('勾選', 'Select'),
    key: 'selected',
    render: (_, row) => {
      if (!set) return null;
      const state = selectionToggle(set, row.id);
      const loading = busy !== undefined && busy.kind === kind && busy.id === row.id;
      return (
        <Tooltip title={state.reason ?? undefined}>
          <Switch
            checked={state.checked}
            disabled={state.disabled && !loading}
            loading={loading}
            checkedChildren={tr('已勾選', 'Selected')}
            unCheckedChildren={tr('未勾選', 'Not selected')}
            onChange={(on) => onToggle({ kind, id: row.id, on, name: name(row) })}
            aria-label={tr(`勾選 ${name(row)}`, `Select ${name(row)}`)}
          />
        </Tooltip>
      );
    },
  };
}

/** One kind's card: the count against the limit, the period, the refusal of the last switch, the table. */
function SelectionCard({
  kind,
  set,
  error,
  children,
}: {
  kind: SelectionKind;
  set: SelectionSet | undefined;
  error: unknown;
  children: ReactNode;
}) {
  const t = useT();
  const full = set !== undefined && set.selected.length >= set.limit;
  return (
    <Card
      title={kindNames[kind]}
      extra={set && <Tag color={full ? 'orange' : 'blue'}>{selectionCountText(set)}</Tag>}
    >
      {set && (
        <Descriptions
          column={1}
          size="small"
          style={{ marginBottom: 16 }}
          items={[
            {
              key: 'period',
              label: t('勾選期間', 'Selection period'),
              children: <PeriodText period={set.period} none={t('學校尚未設定勾選時間', 'The school has not set the selection period')} />,
            },
            { key: 'limit', label: t('上限', 'Limit'), children: t(`每學年最多 ${set.limit} 件`, `At most ${set.limit} per year`) },
          ]}
        />
      )}
      <ErrorAlert error={error} />
      {children}
    </Card>
  );
}

/**
 * 勾選摘要 (issue #24): what is selected of each kind against the year's limit, by name; whether
 * the last switch is saved (each switch saves at once: there is no separate 送出); a printable
 * confirmation of the selection (the browser's print dialog also saves it as a PDF).
 */
function SelectionSummary({
  year,
  selections,
  results,
  performances,
  saving,
  savedAt,
}: {
  year: number;
  selections: MySelections;
  results: LearningResult[] | undefined;
  performances: Performance[] | undefined;
  saving: boolean;
  savedAt: string | null;
}) {
  const t = useT();
  const kinds = [
    {
      kind: 'results' as const,
      set: selections.results,
      names: (results ?? []).filter((row) => selections.results.selected.includes(row.id)).map((row) => `${row.subject_name}（${formatTerm(row.term)}）`),
    },
    {
      kind: 'performances' as const,
      set: selections.performances,
      names: (performances ?? []).filter((row) => selections.performances.selected.includes(row.id)).map((row) => `${row.category_name}：${row.title}`),
    },
  ];
  return (
    <Card
      title={t(`勾選摘要（${year} 學年度）`, `Selection summary (AY ${year})`)}
      className="licheng-print-area"
      data-testid="selection-summary"
    >
      <Descriptions
        column={1}
        size="small"
        bordered
        styles={{ label: { whiteSpace: 'nowrap' } }}
        items={kinds.map(({ kind, set, names }) => ({
          key: kind,
          label: kindNames[kind],
          children: (
            <>
              <Tag color={set.selected.length >= set.limit ? 'orange' : 'blue'}>
                {t(`已勾選 ${set.selected.length} 件，上限 ${set.limit} 件，尚可勾選 ${Math.max(0, set.limit - set.selected.length)} 件`, `${set.selected.length} selected of at most ${set.limit}; ${Math.max(0, set.limit - set.selected.length)} more possible`)}
              </Tag>
              {names.length > 0 && (
                <ol style={{ margin: '8px 0 0', paddingInlineStart: 20 }}>
                  {names.map((name, i) => (
                    <li key={i}>{name}</li>
                  ))}
                </ol>
              )}
            </>
          ),
        }))}
      />
      <Alert
        style={{ marginTop: 16 }}
        type={saving ? 'info' : 'success'}
        showIcon
        role="status"
        data-testid="selection-saved"
        title={
          saving
            ? t('儲存中…', 'Saving…')
            : t(
                `已儲存${savedAt ? `（${savedAt}）` : ''}：每次切換後即存入系統，不需另外送出；勾選期間內仍可更改。`,
                `Saved${savedAt ? ` (${savedAt})` : ''}: each switch is stored at once, there is nothing more to submit; you can still change it during the selection period.`,
              )
        }
      />
      <Button icon={<PrinterOutlined aria-hidden />} onClick={() => window.print()} className="no-print" style={{ marginTop: 16 }}>
        {t('列印或另存勾選清單', 'Print or save the selection')}
      </Button>
      <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0' }} className="no-print">
        {t('學校的正式確認單請見', "The school's official confirmation sheet: ")}
        <Link to="/student/confirmation-sheet" style={{ textDecoration: 'underline' }}>
          {t('上傳及勾選情形確認單', 'My confirmation sheet')}
        </Link>
        {t('。', '.')}
      </Typography.Paragraph>
    </Card>
  );
}

/**
 * 勾選提交 (student; FAQ 000 四 Q2): this academic year's certified learning results (at most 6)
 * and performances (at most 10) to submit to the central database, switched on and off inside the
 * selection periods of the student's grade. A refusal (上限, 期間) shows on its card.
 */
export function SelectionsPage() {
  const t = useT();
  const queryClient = useQueryClient();
  // The previous academic year, while its selection period is open (meeting 003 #3).
  const [asked, setAsked] = useState<number>();
  const current = useQuery({
    queryKey: [...selectionsKey, 'current'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/selections', { signal })),
  });
  const currentYear = current.data?.academic_year;
  const previous = useQuery({
    queryKey: [...selectionsKey, currentYear === undefined ? 0 : currentYear - 1],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/me/selections', { params: { query: { academic_year: (currentYear ?? 1) - 1 } }, signal })),
    enabled: currentYear !== undefined,
  });
  const previousOpen =
    previous.data !== undefined &&
    previous.data.academic_year === (currentYear ?? 0) - 1 &&
    Boolean(previous.data.results.period?.open || previous.data.performances.period?.open);
  const selections = asked !== undefined && previousOpen ? previous : current;
  const year = selections.data?.academic_year;

  const results = useQuery({
    queryKey: [...learningResultsKey, 'certified', year],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/learning-results', { params: { query: { state: 'certified', per_page: ALL } }, signal })),
    select: (page) => (year === undefined ? [] : selectableResults(page.items, year)),
    enabled: year !== undefined,
  });
  const performances = useQuery({
    queryKey: [...performancesKey, 'year', year],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/performances', { params: { query: { academic_year: year, per_page: ALL } }, signal })),
    select: (page) => page.items,
    enabled: year !== undefined,
  });

  const [errors, setErrors] = useState<Partial<Record<SelectionKind, unknown>>>({});
  const toggle = useApiMutation(
    async ({ kind, id, on }: Toggle): Promise<MySelections | undefined> => {
      if (on) return selectItem(kind, id);
      await unselectItem(kind, id);
      return undefined;
    },
    {
      invalidate: [selectionsKey, learningResultsKey, performancesKey],
      success: (_, { on, name }) => (on ? t(`已勾選「${name}」`, `Selected ${name}`) : t(`已取消勾選「${name}」`, `Unselected ${name}`)),
      onSuccess: (data) => {
        if (data) queryClient.setQueryData([...selectionsKey, 'current'], data);
      },
      onError: (error, { kind }) => {
        setErrors((current) => ({ ...current, [kind]: error }));
        // Someone (another tab) may have changed them: show what the server has.
        void queryClient.invalidateQueries({ queryKey: selectionsKey });
      },
    },
  );
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const onToggle = (next: Toggle) => {
    setErrors((current) => ({ ...current, [next.kind]: undefined }));
    toggle.mutate(next, { onSuccess: () => setSavedAt(formatApiDateTime(new Date().toISOString())) });
  };
  const busy = toggle.isPending ? toggle.variables : undefined;

  const resultColumns: TableProps<LearningResult>['columns'] = [
    selectColumn<LearningResult>('results', selections.data?.results, (row) => row.subject_name, busy, onToggle),
    { title: t('學年期', 'Term'), dataIndex: 'term', render: (term: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatTerm(term)}</span> },
    {
      title: t('課程', 'Course'),
      key: 'course',
      render: (_, row) => (
        <div style={{ minWidth: 110 }}>
          {row.subject_name}
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {row.course_code}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('內容簡述', 'Description'),
      dataIndex: 'description',
      render: (text: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ minWidth: 160, margin: 0 }}>
          {text}
        </Typography.Paragraph>
      ),
    },
    {
      title: t('認證時間', 'Certified at'),
      dataIndex: 'decided_at',
      render: (at: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{formatApiDateTime(at)}</span>,
    },
  ];

  const performanceColumns: TableProps<Performance>['columns'] = [
    selectColumn<Performance>('performances', selections.data?.performances, (row) => row.title, busy, onToggle),
    { title: t('類別', 'Category'), dataIndex: 'category_name', render: (name: string) => <div style={{ minWidth: 96 }}>{name}</div> },
    { title: t('名稱', 'Title'), dataIndex: 'title', render: (title: string) => <div style={{ minWidth: 120 }}>{title}</div> },
    {
      title: t('日期', 'Date'),
      key: 'date',
      render: (_, row) => <span style={{ whiteSpace: 'nowrap' }}>{performanceDateText(row)}</span>,
    },
    {
      title: t('內容簡述', 'Description'),
      dataIndex: 'description',
      render: (text: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ minWidth: 160, margin: 0 }}>
          {text}
        </Typography.Paragraph>
      ),
    },
  ];

  return (
    <Row gutter={[16, 16]}>
      {year !== undefined && selections.data && (
        <Col span={24}>
          <SelectionSummary
            year={year}
            selections={selections.data}
            results={results.data}
            performances={performances.data}
            saving={toggle.isPending}
            savedAt={savedAt}
          />
        </Col>
      )}
      <Col span={24} className="no-print">
        <Card
          title={year === undefined ? t('勾選提交', 'Selection & submission') : t(`勾選提交（${year} 學年度）`, `Selection & submission (AY ${year})`)}
        >
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t(
              `在勾選期間內，勾選本學年要提交的項目：認證成功的課程學習成果每學年最多 ${selections.data?.results.limit ?? 6} 件、多元表現每學年最多 ${selections.data?.performances.limit ?? 10} 件；勾選期間外不能變更。已勾選的多元表現須先取消勾選，才能修改或刪除。`,
              `During the selection period, select the items to submit for this year: at most ${selections.data?.results.limit ?? 6} certified course learning results and ${selections.data?.performances.limit ?? 10} diverse performances per year. Outside the period nothing can be changed. A selected performance must be unselected before it can be edited or deleted.`,
            )}
          </Typography.Paragraph>
          {previousOpen && currentYear !== undefined && (
            <Segmented
              style={{ marginTop: 12 }}
              value={year}
              onChange={(value) => setAsked(value === currentYear ? undefined : value)}
              options={[
                { value: currentYear, label: t(`${currentYear} 學年度`, `AY ${currentYear}`) },
                { value: currentYear - 1, label: t(`${currentYear - 1} 學年度（勾選期間開放中）`, `AY ${currentYear - 1} (selection open)`) },
              ]}
            />
          )}
          <ErrorAlert error={selections.error} />
        </Card>
      </Col>
      <Col span={24} className="no-print">
        <SelectionCard kind="results" set={selections.data?.results} error={errors.results ?? results.error}>
          <ResponsiveTable<LearningResult>
            actionKeys={['selected']}
            rowKey="id"
            size="middle"
            columns={resultColumns}
            dataSource={results.data ?? []}
            loading={results.isFetching}
            pagination={clientPagination}
            scroll={{ x: true }}
            locale={{ emptyText: t('本學年沒有認證成功的課程學習成果', 'No certified course learning results this year') }}
          />
        </SelectionCard>
      </Col>
      <Col span={24} className="no-print">
        <SelectionCard kind="performances" set={selections.data?.performances} error={errors.performances ?? performances.error}>
          <ResponsiveTable<Performance>
            actionKeys={['selected']}
            rowKey="id"
            size="middle"
            columns={performanceColumns}
            dataSource={performances.data ?? []}
            loading={performances.isFetching}
            pagination={clientPagination}
            scroll={{ x: true }}
            locale={{ emptyText: t('本學年沒有多元表現', 'No diverse performances this year') }}
          />
        </SelectionCard>
      </Col>
    </Row>
  );
}
