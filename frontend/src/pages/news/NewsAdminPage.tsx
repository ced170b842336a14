import { Button, Checkbox, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { useMe } from '../../auth/hooks';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatApiDateTime } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { useT } from '../../i18n';
import { NEWS_LANG } from './NewsBoard';
import { createNews, deleteNews, fetchManagedNews, manageNewsKey, newsKey, updateNews, type NewsInput, type NewsItem } from './api';

interface FormValues {
  title: string;
  body: string;
  /** `YYYY-MM-DDTHH:mm` in the browser's zone (empty: now). */
  published_at?: string;
  pinned: boolean;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An API time as the `datetime-local` input writes it, in the browser's zone. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function toInput(values: FormValues): NewsInput {
  const at = values.published_at ? new Date(values.published_at) : null;
  return {
    title: values.title,
    body: values.body ?? '',
    published_at: at && !Number.isNaN(at.getTime()) ? at.toISOString() : null,
    pinned: values.pinned ?? false,
  };
}

/**
 * 最新消息管理: the platform operator posts news for every school, a school admin for their
 * school; a later publish time keeps an item hidden until then; 置頂 puts it first.
 */
export function NewsAdminPage() {
  const t = useT();
  const { data: me } = useMe();
  const operator = me?.roles.includes('platform_operator') ?? false;
  const [filters, update_] = useFilters<{ q?: string }>({});
  const list = usePagedQuery({ queryKey: manageNewsKey, filters, fetchPage: (query, signal) => fetchManagedNews(query, signal) });
  const [editing, setEditing] = useState<NewsItem | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const done = () => setEditing(null);
  const create = useApiMutation(createNews, { invalidate: [newsKey], success: t('已發布', 'Posted'), onSuccess: done });
  const update = useApiMutation(updateNews, { invalidate: [newsKey], success: t('已儲存', 'Saved'), onSuccess: done });
  const remove = useApiMutation(deleteNews, { invalidate: [newsKey], success: t('已刪除', 'Deleted') });

  const open = (item: NewsItem | 'new') => {
    setEditing(item);
    form.setFieldsValue(
      item === 'new'
        ? { title: '', body: '', published_at: '', pinned: false }
        : { title: item.title, body: item.body, published_at: toLocalInput(item.published_at), pinned: item.pinned },
    );
  };

  const columns: TableProps<NewsItem>['columns'] = [
    {
      title: t('標題', 'Title'),
      dataIndex: 'title',
      render: (_, item) => (
        <Space wrap size={4}>
          <Typography.Text lang={NEWS_LANG} id={`news-${item.id}-title`}>
            {item.title}
          </Typography.Text>
          {item.pinned && <Tag color="red">{t('置頂', 'Pinned')}</Tag>}
          {item.scheduled && <Tag>{t('尚未發布', 'Scheduled')}</Tag>}
        </Space>
      ),
    },
    { title: t('發布時間', 'Published'), dataIndex: 'published_at', width: 180, render: (value: string) => formatApiDateTime(value) },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      width: 160,
      render: (_, item) => (
        <Space>
          <Button type="link" style={{ padding: 0 }} onClick={() => open(item)} aria-labelledby={`news-${item.id}-edit news-${item.id}-title`}>
            <span id={`news-${item.id}-edit`}>{t('編輯', 'Edit')}</span>
          </Button>
          <Popconfirm title={t('確定刪除這則消息？', 'Delete this news item?')} onConfirm={() => remove.mutate(item.id)}>
            <Button type="link" danger style={{ padding: 0 }} aria-labelledby={`news-${item.id}-delete news-${item.id}-title`}>
              <span id={`news-${item.id}-delete`}>{t('刪除', 'Delete')}</span>
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <PageCard
      title={t('最新消息管理', 'Manage news')}
      intro={
        operator
          ? t('平臺消息會顯示在所有學校的首頁及登入頁。', 'Platform news shows on every school’s home page and on the sign-in page.')
          : t('本校消息會顯示在本校使用者的首頁。', 'School news shows on your school users’ home page.')
      }
      create={{ label: t('新增消息', 'Add news'), onClick: () => open('new') }}
    >
      <Input.Search
        aria-label={t('標題', 'Title')}
        placeholder={t('搜尋標題', 'Search titles')}
        allowClear
        onSearch={(v) => update_({ q: v.trim() || undefined })}
        style={{ width: 240, marginBottom: 16 }}
      />
      {list.query.error && <ErrorAlert error={list.query.error} />}
      <Table<NewsItem> rowKey="id" columns={columns} {...list.tableProps} />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('新增消息', 'Add news') : t('編輯消息', 'Edit news')}
        okText={t('儲存', 'Save')}
        cancelText={t('取消', 'Cancel')}
        onCancel={done}
        confirmLoading={create.isPending || update.isPending}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form<FormValues>
          form={form}
          layout="vertical"
          onFinish={(values) => {
            const body = toInput(values);
            if (editing === 'new') create.mutate(body);
            else if (editing) update.mutate({ id: editing.id, body });
          }}
        >
          <Form.Item name="title" label={t('標題', 'Title')} rules={[{ required: true, whitespace: true, message: t('請輸入標題', 'Please enter a title') }, { max: 200 }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="body" label={t('內容（純文字）', 'Body (plain text)')} rules={[{ max: 10000 }]}>
            <Input.TextArea rows={6} maxLength={10000} />
          </Form.Item>
          <Form.Item name="published_at" label={t('發布時間（空白：立即）', 'Publish time (empty: now)')}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item name="pinned" valuePropName="checked">
            <Checkbox>{t('置頂', 'Pinned')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </PageCard>
  );
}
