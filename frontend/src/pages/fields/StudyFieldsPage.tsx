import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../auth/hooks';
import { useT } from '../../i18n';
import { useApiMutation } from '../../lib/useApiMutation';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
export type StudyField = JsonOf<paths['/api/v1/study-fields']['get']['responses'][200]>[number];
type StudyFieldInput = JsonOf<NonNullable<paths['/api/v1/study-fields/{id}']['put']['requestBody']>>;

export const studyFieldsKey = ['study-fields'] as const;

function FieldList({ fields, onEdit }: { fields: readonly StudyField[]; onEdit?: (field: StudyField) => void }) {
  const t = useT();
  return (
    <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 12, gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))' }}>
      {fields.map((field) => (
        <li key={field.id} style={{ border: '1px solid rgba(5,5,5,0.1)', borderRadius: 8, padding: 12 }}>
          <Typography.Text strong lang="zh-TW" id={`field-${field.id}-name`}>
            {field.code} {field.name}
          </Typography.Text>
          <Typography.Paragraph style={{ margin: '4px 0' }} lang="zh-TW">
            {field.description}
          </Typography.Paragraph>
          {/* Named by the link's text and the field's name (in its own language). */}
          <a href={field.url} target="_blank" rel="noopener noreferrer" aria-labelledby={`field-${field.id}-link field-${field.id}-name`}>
            <span id={`field-${field.id}-link`}>{t('官方網站（另開視窗）', 'Official site (new window)')}</span>
          </a>
          {onEdit && (
            <Button type="link" size="small" onClick={() => onEdit(field)} aria-labelledby={`field-${field.id}-edit field-${field.id}-name`}>
              <span id={`field-${field.id}-edit`}>{t('編輯', 'Edit')}</span>
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * 認識學群 (manual 1.3): 大學 18 學群 and 技職 20 群類, with links to the national guidance
 * sites (ColleGo!, 技專校院招生策略委員會). Public; `editable` (the platform operator) corrects them.
 */
export function StudyFieldsView({ editable = false }: { editable?: boolean }) {
  const t = useT();
  const fields = useQuery({ queryKey: studyFieldsKey, queryFn: ({ signal }) => unwrap(api.GET('/api/v1/study-fields', { signal })) });
  const [editing, setEditing] = useState<StudyField | null>(null);
  const [form] = Form.useForm<StudyFieldInput>();
  const save = useApiMutation(
    ({ id, body }: { id: number; body: StudyFieldInput }) => unwrap(api.PUT('/api/v1/study-fields/{id}', { params: { path: { id } }, body })),
    { invalidate: [studyFieldsKey], success: t('已儲存', 'Saved'), onSuccess: () => setEditing(null) },
  );
  const all = fields.data ?? [];
  const onEdit = editable
    ? (field: StudyField) => {
        setEditing(field);
        form.setFieldsValue({ name: field.name, description: field.description, url: field.url });
      }
    : undefined;
  return (
    <div data-testid="study-fields">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('認識學群', 'Fields of study')}
      </Typography.Title>
      <Card title={t('大學 18 學群', '18 university fields of study')} style={{ marginBottom: 16 }}>
        <FieldList fields={all.filter((f) => f.kind === 'university')} onEdit={onEdit} />
      </Card>
      <Card title={t('技職 20 群類', '20 vocational groups')}>
        <FieldList fields={all.filter((f) => f.kind === 'vocational')} onEdit={onEdit} />
      </Card>
      <Modal
        open={editing !== null}
        title={t('編輯學群', 'Edit field')}
        okText={t('儲存', 'Save')}
        cancelText={t('取消', 'Cancel')}
        onCancel={() => setEditing(null)}
        confirmLoading={save.isPending}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form<StudyFieldInput> form={form} layout="vertical" onFinish={(body) => editing && save.mutate({ id: editing.id, body })}>
          <Form.Item name="name" label={t('名稱', 'Name')} rules={[{ required: true, max: 50 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('說明', 'Description')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={4} />
          </Form.Item>
          <Form.Item name="url" label={t('連結（https://）', 'Link (https://)')} rules={[{ required: true, pattern: /^https:\/\/\S+$/ }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

/** The signed-in page (student menu; the operator edits here). */
export function StudyFieldsPage() {
  const { data: me } = useMe();
  return <StudyFieldsView editable={me?.roles.includes('platform_operator') ?? false} />;
}

/** The public page under the sign-in frame (linked from the sign-in page). */
export function PublicStudyFieldsPage() {
  const t = useT();
  return (
    <>
      <StudyFieldsView />
      <div style={{ marginTop: 16 }}>
        <Link to="/login">{t('返回登入', 'Back to sign-in')}</Link>
      </div>
    </>
  );
}
