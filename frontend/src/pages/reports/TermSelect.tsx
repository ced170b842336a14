import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../auth/hooks';
import { termsKey } from '../school/queryKeys';
import { termOptions, yearOptions } from './reports';
import { useT } from '../../i18n';

/** The school's terms (`GET /api/v1/terms`, newest first). */
function useSchoolTerms() {
  return useQuery({
    queryKey: termsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/terms', { signal })),
  });
}

/**
 * 學年期 of a report: the school's terms and each year's 全學年. Shows the current term until
 * another is chosen (`value` undefined: the server's default, the current term).
 */
export function TermSelect({ value, onChange }: { value: string | undefined; onChange: (term: string) => void }) {
  const t = useT();
  const { data: me } = useMe();
  const terms = useSchoolTerms();
  const options = termOptions(terms.data ?? []);
  const current = me?.current_term?.code;
  return (
    <Select<string>
      aria-label={t('學年期', 'Term')}
      placeholder={t('目前學年期', 'Current term')}
      loading={terms.isPending}
      options={options}
      value={value ?? current ?? undefined}
      onChange={onChange}
      style={{ width: 220 }}
    />
  );
}

/** 學年度 of a report (default: the current term's year). */
export function YearSelect({ value, onChange }: { value: number | undefined; onChange: (year: number) => void }) {
  const t = useT();
  const { data: me } = useMe();
  const terms = useSchoolTerms();
  return (
    <Select<number>
      aria-label={t('學年度', 'Academic year')}
      placeholder={t('目前學年度', 'Current academic year')}
      loading={terms.isPending}
      options={yearOptions(terms.data ?? [])}
      value={value ?? me?.current_term?.academic_year ?? undefined}
      onChange={onChange}
      style={{ width: 140 }}
    />
  );
}
