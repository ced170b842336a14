import { DeleteOutlined, PaperClipOutlined, UndoOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Form, Input, Progress, Space, Typography, Upload, type FormItemProps } from 'antd';
import type { FileInfo } from '../api/types';
import type { UploadProgress } from '../lib/upload';
import {
  charCount,
  DESCRIPTION_MAX,
  descriptionProblems,
  fileProblem,
  fileRules,
  formatBytes,
  keepsFile,
  type FileChoice,
  type FileSlot,
} from '../lib/uploadFiles';
import { tr, useT } from '../i18n';

/**
 * One file slot of an upload form (form field `document` or `video`): pick a file (kept in the
 * browser until the form is sent), and on edit see the current one and remove it or replace it.
 * Its value is a `FileChoice`: a new `File`, `null` (remove the current file) or `undefined`.
 */
export function FileSlotInput({
  slot,
  current,
  value,
  onChange,
  disabled,
}: {
  slot: FileSlot;
  /** The item's file now (on edit). */
  current?: FileInfo | null;
  value?: FileChoice;
  onChange?: (value: FileChoice) => void;
  disabled?: boolean;
}) {
  const t = useT();
  const rule = fileRules[slot];
  const chosen = value instanceof File ? value : null;
  return (
    <Space orientation="vertical" size={4} style={{ width: '100%' }}>
      {chosen ? (
        <Space wrap size={4}>
          <PaperClipOutlined />
          <Typography.Text style={{ wordBreak: 'break-all' }}>{chosen.name}</Typography.Text>
          <Typography.Text type="secondary">（{formatBytes(chosen.size)}）</Typography.Text>
          <Button size="small" type="link" icon={<UndoOutlined />} onClick={() => onChange?.(undefined)} disabled={disabled}>
            {t('不使用此檔', "Don't use this file")}
          </Button>
        </Space>
      ) : (
        current && (
          <Space wrap size={4}>
            <PaperClipOutlined />
            <Typography.Text delete={value === null} style={{ wordBreak: 'break-all' }}>
              {t('目前：', 'Current: ')}
              {current.name}
            </Typography.Text>
            <Typography.Text type="secondary">（{formatBytes(current.size)}）</Typography.Text>
            {value === null ? (
              <Button size="small" type="link" icon={<UndoOutlined />} onClick={() => onChange?.(undefined)} disabled={disabled}>
                {t('復原', 'Undo')}
              </Button>
            ) : (
              <Button
                size="small"
                type="link"
                danger
                icon={<DeleteOutlined />}
                onClick={() => onChange?.(null)}
                disabled={disabled}
                aria-label={t(`移除目前的${rule.label}`, `Remove the current ${rule.label.toLowerCase()}`)}
              >
                {t('移除', 'Remove')}
              </Button>
            )}
          </Space>
        )
      )}
      <Upload
        accept={rule.accept}
        maxCount={1}
        showUploadList={false}
        disabled={disabled}
        beforeUpload={(file) => {
          // Keep the file for the form; nothing is sent until the form is.
          onChange?.(file);
          return Upload.LIST_IGNORE;
        }}
      >
        <Button icon={<UploadOutlined />} disabled={disabled} aria-label={t(`選擇${rule.label}`, `Choose ${rule.label.toLowerCase()}`)}>
          {chosen || (current && value !== null)
            ? t(`更換${rule.label}`, `Replace ${rule.label.toLowerCase()}`)
            : t(`選擇${rule.label}`, `Choose ${rule.label.toLowerCase()}`)}
        </Button>
      </Upload>
    </Space>
  );
}

/** The form item of a file slot: the picker, with the slot's type and size checked on choosing. */
export function FileSlotItem({
  slot,
  current,
  disabled,
  extra,
  rules = [],
  dependencies,
}: {
  slot: FileSlot;
  current?: FileInfo | null;
  disabled?: boolean;
  extra?: string;
  /** More rules (e.g. `atLeastOneFileRule`). */
  rules?: FormItemProps['rules'];
  dependencies?: FormItemProps['dependencies'];
}) {
  const rule = fileRules[slot];
  return (
    <Form.Item
      name={slot}
      label={rule.label}
      extra={extra ? `${rule.hint}${extra}` : rule.hint}
      dependencies={dependencies}
      rules={[
        ...rules,
        {
          validator: (_, value: FileChoice) => {
            const problem = value instanceof File ? fileProblem(slot, value) : null;
            return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
          },
        },
      ]}
    >
      <FileSlotInput slot={slot} current={current} disabled={disabled} />
    </Form.Item>
  );
}

/**
 * A rule for the `document` item: the item must keep a document or a video once saved
 * (`current`: the item's files now, on edit). Give the item `dependencies={['video']}`.
 */
export function atLeastOneFileRule(current?: { document?: FileInfo | null; video?: FileInfo | null }) {
  return ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
    validator: () => {
      const document = getFieldValue('document') as FileChoice;
      const video = getFieldValue('video') as FileChoice;
      return keepsFile(current?.document, document) || keepsFile(current?.video, video)
        ? Promise.resolve()
        : Promise.reject(
            new Error(tr('請上傳文件檔或影音檔（至少一個）', 'Please upload a document or an audio/video file (at least one)')),
          );
    },
  });
}

/**
 * 內容簡述 (form field `description`): at most 100 characters without links, with a counter;
 * `optional` for learning results (FAQ 004 Q10), required for performances.
 */
export function DescriptionItem({ disabled, optional = false }: { disabled?: boolean; optional?: boolean }) {
  const t = useT();
  return (
    <Form.Item
      name="description"
      label={t('內容簡述', 'Description')}
      required={!optional}
      rules={[
        {
          validator: (_, value: string | undefined) => {
            const problems = descriptionProblems(value, optional);
            return problems.length > 0 ? Promise.reject(new Error(problems.join(t('；', '; ')))) : Promise.resolve();
          },
        },
      ]}
    >
      <Input.TextArea
        rows={3}
        disabled={disabled}
        count={{ show: true, max: DESCRIPTION_MAX, strategy: charCount }}
        placeholder={
          optional
            ? t(`選填，${DESCRIPTION_MAX} 字以內，不可包含外部連結`, `Optional, up to ${DESCRIPTION_MAX} characters, no links`)
            : t(`${DESCRIPTION_MAX} 字以內，不可包含外部連結`, `Up to ${DESCRIPTION_MAX} characters, no links`)
        }
      />
    </Form.Item>
  );
}

/** The upload's progress under the form while it is sent (nothing otherwise). */
export function UploadProgressBar({ progress }: { progress: UploadProgress | null }) {
  const t = useT();
  if (!progress) return null;
  const sent = progress.percent >= 100;
  return (
    <div role="status" aria-live="polite" style={{ marginTop: 8 }}>
      <Progress percent={progress.percent} status={sent ? 'active' : 'normal'} aria-label={t('上傳進度', 'Upload progress')} />
      <Typography.Text type="secondary">
        {sent
          ? t('檔案已送出，伺服器處理中，請稍候…', 'File sent; the server is processing it, please wait…')
          : t(`上傳中 ${progress.percent}%，請勿關閉視窗。`, `Uploading ${progress.percent}%, please keep this window open.`)}
      </Typography.Text>
    </div>
  );
}
