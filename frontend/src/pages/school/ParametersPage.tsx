import { Button, Form, InputNumber, Skeleton, Space, Table, Typography, type TableProps } from 'antd';
import { api, unwrap } from '../../api/client';
import type { ParameterItem, Parameters } from '../../api/types';
import { useMe } from '../../auth/hooks';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert, ProblemAlert } from '../../components/ProblemAlert';
import { formatApiDateTime } from '../../lib/roc';
import { useSettingsForm } from '../../lib/useSettingsForm';
import { canUpdateModule } from '../../navigation';
import { parametersKey } from './queryKeys';
import { getLang, tr, useT } from '../../i18n';

/** Module 設定功能參數: saving needs its 修改 right. */
const PARAMETERS_MODULE = 'S0203S1';

/** The one value that may be left empty: no reminder mail to teachers. */
const OPTIONAL_KEY: keyof Parameters = 'teacher_reminder_hour';

/** An emptied InputNumber gives null (or undefined): only the reminder hour may stay empty. */
function toParameters(values: Parameters): Parameters {
  return { ...values, teacher_reminder_hour: values.teacher_reminder_hour ?? null };
}

/**
 * The items' 項目, 單位 and 說明 in English, by key (the server writes them in zh-TW only); an item
 * not listed here shows the server's texts.
 */
const englishItems: Record<string, Pick<ParameterItem, 'label' | 'unit' | 'explanation'>> = {
  results_per_semester: {
    label: 'Learning results a student may upload',
    unit: 'per term',
    explanation:
      'The most learning results a student may upload per term for the course teachers to certify. A student selects at most 6 a year for the central database; the K-12 Education Administration does not allow fewer than 6.',
  },
  results_per_subject: {
    label: 'Learning results per course',
    unit: 'per term',
    explanation: 'The most learning results a student may upload for one course per term.',
  },
  teacher_reminder_hour: {
    label: 'Hour of the email reminding teachers of uncertified results',
    unit: 'hour',
    explanation:
      'At what hour each day teachers are emailed to sign in and certify the learning results still waiting; a whole number 0–23, empty for no email.',
  },
  remind_results_selection_days: {
    label: 'Remind students to select learning results',
    unit: 'days',
    explanation: 'How many days before the learning result selection ends students who have not selected are notified; 3 by default.',
  },
  remind_performances_selection_days: {
    label: 'Remind students to select diverse performances',
    unit: 'days',
    explanation: 'How many days before the diverse performance selection ends students who have not selected are notified; 3 by default.',
  },
  remind_submit_days: {
    label: 'Remind students of the submission deadline',
    unit: 'days',
    explanation:
      'How many days before the deadline for submitting for certification students with results still being edited are notified; 3 by default.',
  },
  performances_per_year: {
    label: 'Diverse performances a student may upload',
    unit: 'per year',
    explanation: 'The most diverse performances a student may upload per academic year; at most 10 a year are selected for the central database.',
  },
};

/** An item's texts in the UI language. */
function localItem(item: ParameterItem): ParameterItem {
  const english = getLang() === 'en' ? englishItems[item.key] : undefined;
  return english ? { ...item, ...english } : item;
}

const columns = (readOnly: boolean): TableProps<ParameterItem>['columns'] => [
  { title: tr('項目', 'Item'), dataIndex: 'label', width: 240 },
  {
    title: tr('數量', 'Value'),
    dataIndex: 'key',
    width: 170,
    render: (key: string, item) => {
      const optional = key === OPTIONAL_KEY;
      return (
        <Form.Item
          name={key}
          style={{ marginBottom: 0 }}
          rules={optional ? [] : [{ required: true, message: tr('請輸入數量', 'Please enter a value') }]}
        >
          <InputNumber
            min={0}
            max={optional ? 23 : undefined}
            precision={0}
            disabled={readOnly}
            placeholder={optional ? tr('不寄送', 'Do not send') : undefined}
            aria-label={item.label}
            style={{ width: 120 }}
          />
        </Form.Item>
      );
    },
  },
  { title: tr('單位', 'Unit'), dataIndex: 'unit', width: 70 },
  { title: tr('說明', 'Notes'), dataIndex: 'explanation' },
];

/**
 * 設定功能參數 (manual 3.3): upload limits, the hour of the teachers' reminder mail (empty: none)
 * and how many days before a deadline students are reminded; one 儲存 for the whole table.
 */
export function ParametersPage() {
  const t = useT();
  const { data: me } = useMe();
  const { form, query: parameters, problem, submitting, submit } = useSettingsForm({
    queryKey: parametersKey,
    load: (signal) => unwrap(api.GET('/api/v1/settings/parameters', { signal })),
    save: (values: Parameters) => unwrap(api.PUT('/api/v1/settings/parameters', { body: toParameters(values) })),
    success: t('功能參數已儲存', 'Parameters saved'),
  });

  const readOnly = me === undefined || !canUpdateModule(me, PARAMETERS_MODULE);
  const view = parameters.data;

  return (
    <PageCard
      title={t('設定功能參數', 'Feature parameters')}
      intro={t('設定學生每學期可上傳的學習成果件數、單科件數、寄信提醒教師認證的時間，以及勾選與送出認證截止前幾天通知學生。', 'Set how many learning results a student may upload per term and per course, when teachers are reminded by email to certify, and how many days before the selection and submission deadlines students are notified.')}
    >
      <ErrorAlert error={parameters.error} />
      <ProblemAlert problem={problem} />
      {parameters.isPending ? (
        <Skeleton active />
      ) : (
        view && (
          <Form<Parameters> form={form} initialValues={view.values} onFinish={(values) => void submit(values)}>
            <Table<ParameterItem>
              rowKey="key"
              size="middle"
              columns={columns(readOnly)}
              dataSource={view.items.map(localItem)}
              pagination={false}
            />
            <Space style={{ marginTop: 16 }} wrap>
              {!readOnly && (
                <Button type="primary" htmlType="submit" loading={submitting}>
                  {t('儲存', 'Save')}
                </Button>
              )}
              <Typography.Text type="secondary">
                {view.updated_at
            ? t(`上次更新：${formatApiDateTime(view.updated_at)}`, `Last updated: ${formatApiDateTime(view.updated_at)}`)
            : t('目前使用預設值', 'Using the defaults')}
              </Typography.Text>
              {readOnly && me && (
                <Typography.Text type="secondary">
            {t(
              '修改功能參數須有「設定功能參數」的修改權限，請洽學校管理者。',
              'Changing the parameters needs the edit right of "Feature parameters"; please contact your school administrator.',
            )}
          </Typography.Text>
              )}
            </Space>
          </Form>
        )
      )}
    </PageCard>
  );
}
