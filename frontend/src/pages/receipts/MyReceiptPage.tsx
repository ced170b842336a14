import { CheckOutlined, PrinterOutlined, WarningOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Form, Input, List, Modal, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { ReceiptAnswerBody, ReceiptCategoryView, StudentReceipt } from '../../api/types';
import { PageCard } from '../../components/PageCard';
import { ScrollRegion } from '../../components/ScrollRegion';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useApiMutation } from '../../lib/useApiMutation';
import { formatRocDateTime } from '../../lib/roc';
import { useT } from '../../i18n';
import { TermSelect } from '../reports/TermSelect';
import { categoryText, kindText, stateText, windowText, type ReportKind } from './receipts';

const mineKey = ['receipts', 'mine'] as const;

function stateTag(state: ReceiptCategoryView['state']) {
  const color = state === 'confirmed' ? 'green' : state === 'reported' ? 'orange' : 'default';
  return <Tag color={color}>{stateText(state)}</Tag>;
}

/** The rows as the receipt lists them (scrolls sideways on a phone). */
export function ReceiptRows({ category }: { category: ReceiptCategoryView }) {
  const t = useT();
  if (!category.received) return <Typography.Text type="secondary">{t('收訖明細中沒有您的資料', 'The receipt has no rows of yours')}</Typography.Text>;
  const columns = [
    { title: '#', key: '#', render: (_: unknown, __: unknown, i: number) => i + 1, width: 48 },
    // The receipt's own column names are data (as the central database writes them).
    ...category.columns.map((title, i) => ({ title: <span lang="zh-TW">{title}</span>, key: String(i), render: (_: unknown, row: string[]) => row[i] })),
  ];
  // The region scrolls, not the table: the rows hold nothing focusable, so the region itself takes
  // the focus a keyboard needs to scroll it.
  return (
    <ScrollRegion label={t(`${categoryText(category.category)}明細`, `${categoryText(category.category)} rows`)}>
      <Table<string[]>
        size="small"
        rowKey={(row) => row.join('\u0001')}
        columns={columns}
        dataSource={category.rows}
        pagination={false}
        style={{ minWidth: 'max-content' }}
      />
    </ScrollRegion>
  );
}

function AnswerModal({ category, term, onClose }: { category: ReceiptCategoryView; term: string | undefined; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ answer: ReportKind; description: string }>();
  const send = useApiMutation(
    (body: ReceiptAnswerBody) => unwrap(api.POST('/api/v1/receipts/mine/answers', { body })),
    { invalidate: [mineKey], success: t('已送出問題回報', 'Report sent'), onSuccess: onClose },
  );
  return (
    <Modal
      open
      title={t(`回報問題：${categoryText(category.category)}`, `Report a problem: ${categoryText(category.category)}`)}
      okText={t('送出', 'Send')}
      confirmLoading={send.isPending}
      onCancel={onClose}
      onOk={() => void form.validateFields().then((v) => send.mutate({ term, category: category.category, answer: v.answer, description: v.description }))}
    >
      <Form form={form} layout="vertical" initialValues={{ answer: 'wrong' }}>
        <Form.Item name="answer" label={t('錯誤類別', 'Kind')}>
          <Radio.Group options={(['extra', 'missing', 'wrong'] as const).map((k) => ({ value: k, label: kindText(k) }))} />
        </Form.Item>
        <Form.Item name="description" label={t('問題描述', 'Description')} rules={[{ required: true, max: 500, message: t('請填寫問題描述（500 字以內）', 'Describe the problem (at most 500 characters)') }]}>
          <Input.TextArea rows={4} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CategoryCard({ category, term }: { category: ReceiptCategoryView; term: string | undefined }) {
  const t = useT();
  const [reporting, setReporting] = useState(false);
  const confirm = useApiMutation(
    () => unwrap(api.POST('/api/v1/receipts/mine/answers', { body: { term, category: category.category, answer: 'correct' } })),
    { invalidate: [mineKey], success: t('已確認資料正確', 'Confirmed') },
  );
  return (
    <Card
      title={
        <Space wrap>
          {categoryText(category.category)}
          {category.received && stateTag(category.state)}
        </Space>
      }
      data-testid={`receipt-${category.category}`}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {t('確認期限', 'Window')} {windowText(category.window_start, category.window_end)}
        </Typography.Text>
        {!category.open && category.received && (
          <Alert type="info" showIcon title={t('不在確認期間內，無法回覆', 'Outside the confirmation window')} />
        )}
        <ReceiptRows category={category} />
        {category.open && (
          <Space wrap className="no-print">
            <Button type="primary" icon={<CheckOutlined aria-hidden />} loading={confirm.isPending} onClick={() => confirm.mutate()}>
              {t('資料正確', 'Data correct')}
            </Button>
            <Button danger icon={<WarningOutlined aria-hidden />} onClick={() => setReporting(true)}>
              {t('資料錯誤回報', 'Report a problem')}
            </Button>
          </Space>
        )}
        {category.reports.length > 0 && (
          <List
            size="small"
            header={t('資料錯誤回報', 'Problem reports')}
            dataSource={category.reports}
            renderItem={(r) => (
              <List.Item>
                <Space orientation="vertical" size={0}>
                  <span>
                    #{r.id} {kindText(r.kind)}：<span lang="zh-TW">{r.description}</span>（{formatRocDateTime(r.reported_at)}）
                  </span>
                  <Typography.Text type={r.remark ? undefined : 'secondary'}>
                    {t('備註', 'Remark')}：{r.remark ? <span lang="zh-TW">{r.remark}</span> : t('尚無回覆', 'no answer yet')}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )}
      </Space>
      {reporting && <AnswerModal category={category} term={term} onClose={() => setReporting(false)} />}
    </Card>
  );
}

/** 收訖明細 (student): per category the received rows, 資料正確 or a report, the admin's remarks; printable. */
export function MyReceiptPage() {
  const t = useT();
  const [term, setTerm] = useState<string | undefined>(undefined);
  const receipt = useQuery({
    queryKey: [...mineKey, term],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/receipts/mine', { params: { query: { term } }, signal })),
  });
  const data: StudentReceipt | undefined = receipt.data;
  return (
    <PageCard
      title={t('收訖明細', 'Receipt')}
      intro={
        <Space wrap className="no-print">
          <TermSelect value={term} onChange={setTerm} />
          <Button icon={<PrinterOutlined aria-hidden />} onClick={() => window.print()}>
            {t('列印確認頁', 'Print')}
          </Button>
        </Space>
      }
    >
      <ErrorAlert error={receipt.error} />
      {data && data.categories.length === 0 && <Empty description={t('本學期尚無收訖明細', 'No receipt this term yet')} />}
      <Space orientation="vertical" style={{ width: '100%' }}>
        {data?.categories.map((c) => <CategoryCard key={c.category} category={c} term={term} />)}
      </Space>
    </PageCard>
  );
}
