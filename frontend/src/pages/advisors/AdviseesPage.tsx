import { api, unwrap } from '../../api/client';
import { FilteredListCard } from '../../components/FilteredListCard';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { useTermTitle } from './AdvisorSettings';
import type { AdviseesQuery, StudentRef } from '../../api/types';
import { studentColumns } from './columns';
import { StudentFilters } from './StudentFilters';
import { adviseesKey } from './queryKeys';
import { useT } from '../../i18n';

type AdviseesFilters = Pick<AdviseesQuery, 'q' | 'class_code'>;

/**
 * 我的學生 (course consultants and counselors): the students the caller advises this term, the
 * consultant's by the classes set for them, the counselor's as set one by one; by class and seat.
 */
export function AdviseesPage() {
  const t = useT();
  const { title } = useTermTitle(t('我的學生', 'My students'));
  const [filters, update] = useFilters<AdviseesFilters>({});
  const advisees = usePagedQuery({
    queryKey: adviseesKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/me/advisees', { params: { query }, signal })),
  });

  return (
    <FilteredListCard<StudentRef>
      title={title}
      intro={t('本學期您擔任課程諮詢教師（所設定班級的學生）或輔導老師／科主任（所設定的學生）的學生。每學期由學校重新設定。', 'Students you advise this term as course consultant (students of your classes) or counselor / department head (your assigned students). The school sets them again every term.')}
      paged={advisees}
      columns={studentColumns}
      locale={{ emptyText: filters.q || filters.class_code ? t('沒有符合的學生', 'No matching students') : t('本學期尚未設定學生', 'No students assigned this term') }}
      filters={<StudentFilters onChange={update} />}
    />
  );
}
