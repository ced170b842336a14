import { AutoComplete, Form } from 'antd';
import { useState } from 'react';
import { useSchoolSuggestions } from '../auth/publicQueries';
import { useT } from '../i18n';

/**
 * School code or name (form field `school`), with suggestions from `/api/v1/schools/lookup`.
 * Choosing a suggestion fills in the school code. Left empty by the platform operator.
 */
export function SchoolField({ autoFocus }: { autoFocus?: boolean }) {
  const t = useT();
  const form = Form.useFormInstance();
  const value = (Form.useWatch('school', form) as string | undefined) ?? '';
  const [typed, setTyped] = useState('');
  const { data: schools } = useSchoolSuggestions(typed);
  const chosen = schools?.find((school) => school.code === value.trim());

  return (
    <Form.Item
      name="school"
      label={t('學校', 'School')}
      extra={chosen ? chosen.name : t('輸入學校代碼或名稱；平臺管理者免填。', 'School code or name; platform operators leave it empty.')}
    >
      <AutoComplete
        options={(schools ?? []).map((school) => ({
          value: school.code,
          label: `${school.code} ${school.name}`,
        }))}
        onSearch={setTyped}
        placeholder={t('例如 074313 或 學校名稱', "e.g. 074313 or the school's name")}
        autoFocus={autoFocus}
        aria-label={t('學校', 'School')}
        allowClear
      />
    </Form.Item>
  );
}
