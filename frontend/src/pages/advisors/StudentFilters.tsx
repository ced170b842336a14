import type { StudentsQuery } from '../../api/types';
import { FilterSearch } from '../../components/FilteredListCard';

/** 班級 and 學號／姓名 filters of a student list (sent on Enter; cleared: every student), for a `Space`. */
export function StudentFilters({
  onChange,
}: {
  onChange: (patch: Partial<Pick<StudentsQuery, 'q' | 'class_code'>>) => void;
}) {
  return (
    <>
      <FilterSearch label="班級" placeholder="班級代碼，如 301" onSearch={(class_code) => onChange({ class_code })} width={170} />
      <FilterSearch label="學號或姓名" placeholder="學號（帳號）或姓名" onSearch={(q) => onChange({ q })} width={200} />
    </>
  );
}
