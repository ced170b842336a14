import { useQuery } from '@tanstack/react-query';
import { Card, type TableProps } from 'antd';
import { ResponsiveTable } from './ResponsiveTable';
import { api, unwrap } from '../api/client';
import type { WorkPeriod } from '../api/types';
import { useMe } from '../auth/hooks';
import { myPeriodsKey, periodItemName, periodRoles } from '../lib/periods';
import { periodColumns } from './periodColumns';
import { ErrorAlert } from './ProblemAlert';
import { useT } from '../i18n';

/**
 * The home page's 作業時間: the current term's periods that concern a student (upload, the two
 * selections, for their grade) or a teacher (certification, every grade), and whether each is
 * on. Nothing for other users, or while the school has set none.
 */
export function MyPeriodsCard() {
  const { data: me } = useMe();
  const t = useT();
  const concerned = me?.roles.some((role) => periodRoles.includes(role)) ?? false;
  const periods = useQuery({
    queryKey: myPeriodsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/periods', { signal })),
    enabled: concerned,
  });

  if (!concerned || (!periods.error && (periods.data?.length ?? 0) === 0)) return null;
  // 項目 is the period's name as the server writes it (in English, the item's English label).
  const columns: TableProps<WorkPeriod>['columns'] = [
    { title: t('項目', 'Item'), key: 'item', render: (_, period) => periodItemName(period) },
    ...periodColumns,
  ];
  return (
    <Card title={t('本學期作業時間', "This term's work periods")}>
      <ErrorAlert error={periods.error} />
      {periods.data && (
        <ResponsiveTable<WorkPeriod>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={periods.data}
          pagination={false}
        />
      )}
    </Card>
  );
}
