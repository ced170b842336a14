import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Drawer, Grid, Row, Space, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { CadreRecord, CategoryInfo, Performance, PerformanceCategory, PerformancesQuery } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ItemFiles } from '../../components/FilePreview';
import { FilterSelect } from '../../components/FilteredListCard';
import { FormModal } from '../../components/FormModal';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { UploadProgressBar } from '../../components/UploadFields';
import { formatApiDateTime, formatApiTerm, formatRocDate } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { clientPagination, useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { useUpload } from '../../lib/useUpload';
import { createPerformance, loadPerformanceFile, updatePerformance } from './api';
import { FileIcons } from './FileIcons';
import { PerformanceFormItems } from './PerformanceFormItems';
import {
  categoryInfo,
  changeBlockReason,
  createBlockReason,
  performanceDateText,
  performanceDetails,
  performanceFields,
  performanceValues,
  titleLabel,
  type PerformanceValues,
} from './performances';
import { cadreRecordsKey, performanceCategoriesKey, performanceLimitsKey, performancesKey, selectionsKey } from './queryKeys';
import { useT } from '../../i18n';

type PerformanceFilters = Pick<PerformancesQuery, 'category'>;

/** The dialog: a new performance (`performance` null) or an edit of one. */
type Editing = { performance: Performance | null } | null;

function usePerformanceCategories() {
  return useQuery({
    queryKey: performanceCategoriesKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/performance-categories', { signal })),
    // The ten categories are fixed by the central roster.
    staleTime: Infinity,
  });
}

function usePerformanceLimits() {
  return useQuery({
    queryKey: performanceLimitsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/performance-limits', { signal })),
  });
}

/** This academic year's count against the school's limit, and the days a performance may carry. */
function LimitsCard({ query }: { query: ReturnType<typeof usePerformanceLimits> }) {
  const t = useT();
  const limits = query.data;
  return (
    <Card
      title={
        limits
          ? t(`${limits.academic_year} 學年度上傳數量`, `Uploads in AY ${limits.academic_year}`)
          : t('上傳數量', 'Uploads')
      }
    >
      <ErrorAlert error={query.error} />
      {limits && (
        <Descriptions
          column={{ xs: 1, md: 3 }}
          size="small"
          items={[
            {
              key: 'used',
              label: t('本學年已上傳', 'Uploaded this year'),
              children: (
                <Tag color={limits.used >= limits.per_year_limit ? 'red' : 'blue'}>
                  {limits.used} / {limits.per_year_limit}
                    {t(' 件', '')}
                </Tag>
              ),
            },
            {
              key: 'dates',
              label: t('日期（或開始日期）', 'Date (or start date)'),
              children: `${formatRocDate(limits.earliest)} ~ ${formatRocDate(limits.latest)}`,
            },
            { key: 'end', label: t('結束日期最晚', 'Latest end date'), children: formatRocDate(limits.latest_end) },
          ]}
        />
      )}
    </Card>
  );
}

/** 詳細: every field of a performance and its files (previewed with the token). */
function PerformanceDrawer({
  performance,
  info,
  onClose,
}: {
  performance: Performance | null;
  info: CategoryInfo | undefined;
  onClose: () => void;
}) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  return (
    <Drawer title={t('多元表現', 'Diverse performance')} open={performance !== null} onClose={onClose} size={screens.md ? 640 : '100%'} destroyOnHidden>
      {performance && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'year', label: t('學年度', 'Academic year'), children: performance.academic_year },
              { key: 'category', label: t('類別', 'Category'), children: performance.category_name },
              ...(info?.fields ?? [{ field: 'title' as const, label: titleLabel(info), required: true, choices: [] }]).map((spec) => ({
                key: spec.field,
                label: spec.label,
                children: performance[spec.field] ?? '',
              })),
              { key: 'date', label: info?.dating === 'range' ? t('期間', 'Period') : t('日期', 'Date'), children: performanceDateText(performance) },
              { key: 'description', label: t('內容簡述', 'Description'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{performance.description}</span> },
              ...(performance.external_link
                ? [
                    {
                      key: 'link',
                      label: t('外部連結', 'External link'),
                      children: (
                        <a href={performance.external_link} target="_blank" rel="noopener noreferrer nofollow" style={{ wordBreak: 'break-all' }}>
                          {performance.external_link}
                        </a>
                      ),
                    },
                  ]
                : []),
              { key: 'selected', label: t('勾選提交', 'Selection'), children: performance.selected ? <Tag color="purple">{t('已勾選', 'Selected')}</Tag> : t('未勾選', 'Not selected') },
              { key: 'updated', label: t('最後修改', 'Last edited'), children: formatApiDateTime(performance.updated_at) },
            ]}
          />
          <ItemFiles item={performance} load={(slot, signal) => loadPerformanceFile(performance.id, slot, signal)} />
        </Space>
      )}
    </Drawer>
  );
}

/** 校內幹部經歷: the school's own records (from its system), read-only; they do not count. */
function CadreRecordsCard() {
  const t = useT();
  const records = useQuery({
    queryKey: cadreRecordsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/cadre-records', { signal })),
  });
  const columns: TableProps<CadreRecord>['columns'] = [
    {
      title: t('學年期', 'Term'),
      key: 'term',
      render: (_, record) => <span style={{ whiteSpace: 'nowrap' }}>{formatApiTerm(record)}</span>,
    },
    { title: t('單位', 'Unit'), dataIndex: 'unit' },
    { title: t('職務', 'Position'), dataIndex: 'position' },
    { title: t('幹部等級', 'Cadre level'), dataIndex: 'level', render: (level: string | null) => level ?? '' },
    {
      title: t('期間', 'Period'),
      key: 'dates',
      render: (_, record) => (
        <span style={{ whiteSpace: 'nowrap' }}>{performanceDateText(record)}</span>
      ),
    },
  ];
  return (
    <Card title={t('校內幹部經歷', 'School cadre records')}>
      <Alert
        type="info"
        showIcon
        title={t('以下資料來自學校校務系統，僅供查看', "These records come from the school's administration system and are read-only")}
        description={t('校內幹部經歷由學校提交，不需在此上傳，也不計入多元表現的上傳件數；如有錯誤請洽學校。', 'Cadre records are submitted by the school: you do not upload them here and they do not count towards your performance uploads. If something is wrong, please contact the school.')}
        style={{ marginBottom: 16 }}
      />
      <ErrorAlert error={records.error} />
      <ResponsiveTable<CadreRecord>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={records.data ?? []}
        loading={records.isFetching}
        pagination={clientPagination}
        scroll={{ x: true }}
        locale={{ emptyText: t('沒有校內幹部經歷', 'No school cadre records') }}
      />
    </Card>
  );
}

/**
 * 多元表現 (student): this academic year's count and date bounds; the student's performances by
 * category; new and edit in a dialog built from the category's fields (multipart, with a progress
 * bar); delete this year's unselected ones; 校內幹部經歷 from the school below, read-only.
 */
export function PerformancesPage() {
  const t = useT();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const categories = usePerformanceCategories();
  const limits = usePerformanceLimits();
  const [filters, update] = useFilters<PerformanceFilters>({});
  const [editing, setEditing] = useState<Editing>(null);
  const [viewing, setViewing] = useState<Performance | null>(null);
  const upload = useUpload();

  const performances = usePagedQuery({
    queryKey: performancesKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/performances', { params: { query }, signal })),
  });

  const refresh = [performancesKey, performanceLimitsKey, selectionsKey] as const;
  const remove = useApiMutation(
    (performance: Performance) =>
      unwrap(api.DELETE('/api/v1/performances/{id}', { params: { path: { id: performance.id } } })),
    { invalidate: refresh, success: (_, performance) => t(`已刪除「${performance.title}」`, `Deleted ${performance.title}`) },
  );

  const close = () => {
    upload.abort();
    setEditing(null);
  };

  const save = async (values: PerformanceValues) => {
    const current = editing?.performance ?? null;
    const info = categoryInfo(categories.data, current?.category ?? values.category);
    if (!info) throw new Error(t('請選擇類別', 'Please choose a category'));
    const saved = await upload.run((call) =>
      current
        ? updatePerformance(current.id, performanceFields(info, values, current), call)
        : createPerformance(performanceFields(info, values), call),
    );
    if (!saved) return;
    void message.success(current ? t('多元表現已修改', 'Performance edited') : t('多元表現已新增', 'Performance added'));
    setEditing(null);
    await Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  };

  const infoOf = (category: PerformanceCategory) => categoryInfo(categories.data, category);
  const columns: TableProps<Performance>['columns'] = [
    { title: t('學年度', 'Academic year'), dataIndex: 'academic_year' },
    { title: t('類別', 'Category'), dataIndex: 'category_name', render: (name: string) => <div style={{ minWidth: 96 }}>{name}</div> },
    {
      title: t('名稱', 'Title'),
      key: 'title',
      render: (_, performance) => (
        <div style={{ minWidth: 140 }}>
          {performance.title}
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {performanceDetails(performance, infoOf(performance.category))}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('日期', 'Date'),
      key: 'date',
      render: (_, performance) => <span style={{ whiteSpace: 'nowrap' }}>{performanceDateText(performance)}</span>,
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
    { title: t('檔案', 'Files'), key: 'files', render: (_, performance) => <FileIcons item={performance} /> },
    {
      title: t('勾選', 'Selected'),
      dataIndex: 'selected',
      render: (selected: boolean) => (selected ? <Tag color="purple">{t('已勾選', 'Selected')}</Tag> : null),
    },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      render: (_, performance) => {
        const blocked = changeBlockReason(performance, limits.data);
        const name = performance.title;
        return (
          <Space size={0} wrap>
            <Button type="link" onClick={() => setViewing(performance)} aria-label={t(`詳細 ${name}`, `Details ${name}`)}>
              {t('詳細', 'Details')}
            </Button>
            <Tooltip title={blocked ?? undefined}>
              <Button
                type="link"
                disabled={Boolean(blocked) || !categories.data}
                onClick={() => setEditing({ performance })}
                aria-label={t(`修改 ${name}`, `Edit ${name}`)}
              >
                {t('修改', 'Edit')}
              </Button>
            </Tooltip>
            {blocked ? (
              <Tooltip title={blocked}>
                <Button type="link" danger disabled aria-label={t(`刪除 ${name}`, `Delete ${name}`)}>
                  {t('刪除', 'Delete')}
                </Button>
              </Tooltip>
            ) : (
              <ConfirmButton
                title={t(`刪除「${performance.title}」？`, `Delete ${performance.title}?`)}
                okText={t('刪除', 'Delete')}
                onConfirm={() => remove.mutateAsync(performance)}
                aria-label={t(`刪除 ${name}`, `Delete ${name}`)}
              >
                {t('刪除', 'Delete')}
              </ConfirmButton>
            )}
          </Space>
        );
      },
    },
  ];

  const categoryOptions = (categories.data ?? []).map((info) => ({ value: info.category, label: info.name }));

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <LimitsCard query={limits} />
      </Col>
      <Col span={24}>
        <PageCard
          title={t('我的多元表現', 'My diverse performances')}
          intro={t('依類別填寫多元表現並上傳證明文件或影音檔（至少一個）；上傳影音檔後才能填寫外部連結。已勾選提交或往年的多元表現不能修改或刪除。', 'Fill in a performance by category and upload a supporting document or audio/video file (at least one); an external link can be added once an audio/video file is uploaded. Selected performances and those of earlier years cannot be edited or deleted.')}
          create={{
            label: t('新增多元表現', 'Add performance'),
            onClick: () => setEditing({ performance: null }),
            blocked: createBlockReason(limits.data) ?? (categories.data ? null : t('尚未取得多元表現類別', 'The performance categories are not available yet')),
          }}
        >
          <ErrorAlert error={categories.error ?? performances.query.error} />
          <Space wrap style={{ marginBottom: 16 }}>
            <FilterSelect<PerformanceCategory>
              label={t('依類別篩選', 'Filter by category')}
              placeholder={t('全部類別', 'All categories')}
              options={categoryOptions}
              value={filters.category}
              onChange={(category) => update({ category })}
              width={240}
            />
          </Space>
          <ResponsiveTable<Performance>
            rowKey="id"
            size="middle"
            columns={columns}
            scroll={{ x: true }}
            locale={{ emptyText: filters.category ? t('沒有這個類別的多元表現', 'No performances in this category') : t('尚未新增多元表現', 'No performances added yet') }}
            {...performances.tableProps}
          />
        </PageCard>
      </Col>
      <Col span={24}>
        <CadreRecordsCard />
      </Col>

      <FormModal<PerformanceValues>
        title={editing?.performance ? t('修改多元表現', 'Edit performance') : t('新增多元表現', 'Add performance')}
        open={editing !== null}
        onClose={close}
        onSubmit={save}
        cancellable
        okText={editing?.performance ? t('儲存', 'Save') : t('新增', 'Add')}
        initialValues={editing?.performance ? performanceValues(editing.performance) : {}}
      >
        <PerformanceFormItems categories={categories.data ?? []} limits={limits.data} current={editing?.performance ?? null} />
        <UploadProgressBar progress={upload.progress} />
      </FormModal>
      <PerformanceDrawer
        performance={viewing}
        info={viewing ? infoOf(viewing.category) : undefined}
        onClose={() => setViewing(null)}
      />
    </Row>
  );
}
