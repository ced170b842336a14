import { Space, Tag, Typography } from 'antd';
import type { UploadPeriod } from '../../api/types';
import { PeriodStatusTag } from '../../components/periodColumns';
import { periodEndText, periodStartText } from '../../lib/periods';
import { useT } from '../../i18n';

/** A period of the student's grade as 「111/04/01 08:00 ~ 111/04/05 23:59 進行中」, or that the school has set none. */
export function PeriodText({ period, none }: { period: UploadPeriod | null | undefined; none: string }) {
  const t = useT();
  if (!period) {
    return (
      <Space wrap size={4}>
        <Tag>{t('未設定', 'Not set')}</Tag>
        <Typography.Text type="secondary">{none}</Typography.Text>
      </Space>
    );
  }
  return (
    <Space wrap size={4}>
      <span style={{ whiteSpace: 'nowrap' }}>{periodStartText(period)}</span>
      <span>~</span>
      <span style={{ whiteSpace: 'nowrap' }}>{periodEndText(period)}</span>
      <PeriodStatusTag period={period} />
    </Space>
  );
}
