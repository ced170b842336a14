import { useQuery } from '@tanstack/react-query';
import { Grid, Segmented, Space, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { apiTermCode as termCode, formatApiTerm, previousTerm } from '../lib/roc';
import { currentTermKey } from '../pages/school/queryKeys';
import { useT } from '../i18n';

/**
 * The term a page shows: `?term=1142` in the address (an earlier term, meeting 003 #3: the old
 * year's uploads and certification are finished after the school moved on), or the school's
 * current term (`undefined`, the server's default).
 */
export function useChosenTerm(): string | undefined {
  const [params] = useSearchParams();
  const term = params.get('term');
  return term && /^\d{4}$/.test(term) ? term : undefined;
}

/**
 * 本學期 / the two terms before it, as a switch that sets `?term=` (meeting 003 #3). Hidden
 * until the school has a term.
 */
export function TermChoice() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const chosen = useChosenTerm();
  // Three term names side by side are wider than a phone: one under the other there.
  const narrow = !Grid.useBreakpoint().sm;
  const current = useQuery({
    queryKey: currentTermKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/terms/current', { signal })),
    staleTime: 60_000,
  });
  const term = current.data?.term;
  if (!term) return null;
  const before = previousTerm(term);
  const options = [term, before, previousTerm(before)].map((candidate, index) => ({
    value: index === 0 ? '' : termCode(candidate),
    label: index === 0 ? t(`本學期（${formatApiTerm(candidate)}）`, `This term (${termCode(candidate)})`) : formatApiTerm(candidate),
  }));
  const value = chosen && chosen !== termCode(term) ? chosen : '';
  return (
    <Space wrap size="small" style={{ marginBottom: 12 }}>
      <Typography.Text id="term-choice-label">{t('學年期', 'Term')}</Typography.Text>
      <Segmented
        aria-labelledby="term-choice-label"
        orientation={narrow ? 'vertical' : 'horizontal'}
        options={options.some((o) => o.value === value) ? options : [...options, { value, label: value }]}
        value={value}
        onChange={(next) => {
          const copy = new URLSearchParams(params);
          if (next) copy.set('term', String(next));
          else copy.delete('term');
          setParams(copy);
        }}
      />
    </Space>
  );
}
