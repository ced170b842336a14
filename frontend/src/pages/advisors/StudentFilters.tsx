import { Input } from 'antd';
import { useState } from 'react';
import { FilterSearch } from '../../components/FilteredListCard';
import { useT } from '../../i18n';

/** What the student filters set: 班級, 座號 (with `seat`), 學號／姓名; `undefined` when cleared. */
export interface StudentFilterPatch {
  class_code?: string;
  seat_no?: number;
  q?: string;
}

/** 座號 as the API takes it: a whole number from 1, or `undefined` (cleared); `null` when not a seat number. */
export function parseSeatNo(text: string): number | undefined | null {
  const value = text.trim();
  if (value === '') return undefined;
  return /^\d{1,3}$/.test(value) && Number(value) > 0 ? Number(value) : null;
}

/** 座號, sent on Enter; a value that is no seat number is marked and not sent. */
function SeatFilter({ onSearch }: { onSearch: (seat: number | undefined) => void }) {
  const t = useT();
  const [invalid, setInvalid] = useState(false);
  return (
    <Input.Search
      allowClear
      inputMode="numeric"
      maxLength={3}
      status={invalid ? 'error' : undefined}
      placeholder={t('座號，如 5', 'Seat, e.g. 5')}
      aria-label={t('座號', 'Seat no.')}
      aria-invalid={invalid || undefined}
      title={invalid ? t('座號須為正整數', 'A seat number is a whole number from 1') : undefined}
      onChange={() => setInvalid(false)}
      onSearch={(text) => {
        const seat = parseSeatNo(text);
        setInvalid(seat === null);
        if (seat !== null) onSearch(seat);
      }}
      style={{ width: 130 }}
    />
  );
}

/**
 * 班級 (and 座號, with `seat`) and 學號／姓名 filters of a student list (sent on Enter; cleared: every
 * student), for a `Space`.
 */
export function StudentFilters({
  onChange,
  seat = false,
}: {
  onChange: (patch: StudentFilterPatch) => void;
  /** Offer 座號 next to 班級 (lists whose API takes `seat_no`). */
  seat?: boolean;
}) {
  const t = useT();
  return (
    <>
      <FilterSearch label={t('班級', 'Class')} placeholder={t('班級代碼，如 301', 'Class code, e.g. 301')} onSearch={(class_code) => onChange({ class_code })} width={170} />
      {seat && <SeatFilter onSearch={(seat_no) => onChange({ seat_no })} />}
      <FilterSearch label={t('學號或姓名', 'Student no. or name')} placeholder={t('學號（帳號）或姓名', 'Student no. (account) or name')} onSearch={(q) => onChange({ q })} width={200} />
    </>
  );
}
