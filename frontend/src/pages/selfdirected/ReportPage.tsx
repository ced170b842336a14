import { useQuery } from '@tanstack/react-query';
import { Space, Table } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useT } from '../../i18n';
import { fetchFile } from '../../lib/download';
import { clientPagination } from '../../lib/usePagedQuery';
import { xlsxName } from '../reports/ReportFilters';
import { TermSelect } from '../reports/TermSelect';
import { phaseName, standingName, type StandingRow } from './types';

/** 自主學習認證統計 (S0302S): per class, plans and results by standing and the stage they wait at. */
export function SelfDirectedReportPage() {
  const t = useT();
  const [term, setTerm] = useState<string | undefined>();
  const report = useQuery({
    queryKey: ['self-directed', 'report', term],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/self-directed/report', { params: { query: { term } }, signal })),
  });
  return (
    <PageCard title={t('自主學習認證統計', 'Self-directed learning report')} intro={t('各班自主學習計畫與成果的草稿、各階段待認證、退回與通過件數。', 'Per class: drafts, waiting at each stage, returned and approved plans and results.')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect value={term} onChange={setTerm} />
        <DownloadButton
          fetch={(signal) =>
            fetchFile(api.GET('/api/v1/self-directed/report.xlsx', { params: { query: { term } }, parseAs: 'blob', signal }), xlsxName('自主學習認證統計', term))
          }
        />
      </Space>
      <ErrorAlert error={report.error} />
      <Table<StandingRow>
        rowKey={(r) => `${r.class_code}-${r.phase}-${r.standing}-${r.stage ?? ''}`}
        size="small"
        aria-label={t('自主學習認證統計', 'Self-directed learning report')}
        dataSource={report.data?.rows ?? []}
        loading={report.isFetching}
        pagination={clientPagination}
        locale={{ emptyText: t('沒有記錄', 'No records') }}
        columns={[
          { title: t('班級', 'Class'), dataIndex: 'class_code' },
          { title: t('項目', 'Item'), render: (_, r) => phaseName(r.phase) },
          { title: t('狀態', 'Standing'), render: (_, r) => standingName(r) },
          { title: t('認證階段', 'Stage'), render: (_, r) => (r.stage ? `${r.stage}. ${r.stage_label ?? ''}` : '') },
          { title: t('件數', 'Count'), dataIndex: 'count' },
        ]}
      />
    </PageCard>
  );
}
