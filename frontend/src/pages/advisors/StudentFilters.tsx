import type { StudentsQuery } from '../../api/types';
import { FilterSearch } from '../../components/FilteredListCard';
import { useT } from '../../i18n';

/** 班級 and 學號／姓名 filters of a student list (sent on Enter; cleared: every student), for a `Space`. */
export function StudentFilters({
  onChange,
}: {
  onChange: (patch: Partial<Pick<StudentsQuery, 'q' | 'class_code'>>) => void;
}) {
  const t = useT();
  return (
    <>
      <FilterSearch label={t('班級', 'Class')} placeholder={t('班級代碼，如 301', 'Class code, e.g. 301')} onSearch={(class_code) => onChange({ class_code })} width={170} />
      <FilterSearch label={t('學號或姓名', 'Student no. or name')} placeholder={t('學號（帳號）或姓名', 'Student no. (account) or name')} onSearch={(q) => onChange({ q })} width={200} />
    </>
  );
}
